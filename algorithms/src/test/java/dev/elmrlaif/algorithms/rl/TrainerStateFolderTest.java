package dev.elmrlaif.algorithms.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.rl.math.KlControllerState;
import dev.elmrlaif.algorithms.rl.math.MovingAverageBaseline;
import dev.elmrlaif.algorithms.rl.reinforce.ReinforceTrainer;
import dev.elmrlaif.algorithms.rl.sac.SacTrainer;
import dev.elmrlaif.algorithms.rl.softq.SoftQTrainer;
import dev.elmrlaif.domain.base.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one trainer-state format: every trainer's record is written and read back exactly, the same
 * fault gives the same one-line {@link UserInputException} (file, key, what was expected) whichever
 * trainer's state it is, and an older version's state files and file names are read.
 */
class TrainerStateFolderTest {
  @TempDir Path dir;

  private static final ReinforceTrainer.State REINFORCE =
      new ReinforceTrainer.State(
          TrainerState.FORMAT,
          "reinforce",
          12,
          -3,
          new KlControllerState(0.25, 12, 192),
          new MovingAverageBaseline.State(0.125, 12));
  private static final SacTrainer.State SAC =
      new SacTrainer.State(
          TrainerState.FORMAT,
          "sac",
          7,
          Long.MIN_VALUE,
          new KlControllerState(0.49363065451642885, 7, 112));
  private static final SoftQTrainer.State SOFT_Q =
      new SoftQTrainer.State(TrainerState.FORMAT, "soft_q", 3, Long.MAX_VALUE);

  @Test
  void everyTrainersRecordRoundTripsExactly() throws IOException {
    for (TrainerState state : List.of(REINFORCE, SAC, SOFT_Q)) {
      Path folder = Files.createDirectories(dir.resolve(state.algorithm()));
      TrainerStateFolder.write(folder, state);
      RlAlgorithm algorithm =
          RlAlgorithm.valueOf(state.algorithm().toUpperCase(java.util.Locale.ROOT));
      assertEquals(state, TrainerStateFolder.read(folder, algorithm, state.getClass()));
      assertEquals(
          folder.resolve("replay.bin"),
          TrainerStateFolder.file(folder, algorithm, TrainerStateFolder.REPLAY));
    }
    assertTrue(
        Files.readString(dir.resolve("sac/trainer_state.json"))
            .contains("\"alpha_controller\" : {\n    \"beta\" : 0.49363065451642885,"),
        "snake_case keys, nested records");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // the fault, as a replacement of one key's line | the message after "<file>: "
        "\"completed_steps\" : \"one\"|key \"completed_steps\" is \"one\", expected an integer",
        "\"completed_steps\" : 1.5|key \"completed_steps\" is 1.5, expected an integer",
        "\"completed_steps\" : -1|key \"completed_steps\" is -1, expected an integer >= 0",
        "\"random_state\" : null|key \"random_state\" is null, expected an integer",
        "\"format\" : \"elm-rlaif/other\"|key \"format\" is \"elm-rlaif/other\", expected \"elm-rlaif/trainer-state-v1\""
            + " (the state of a ALGORITHM trainer that a checkpoint saves)",
        "\"algorithm\" : \"ppo\"|key \"algorithm\" is \"ppo\", expected \"ALGORITHM\" (the state of a ALGORITHM"
            + " trainer that a checkpoint saves)",
        "\"surplus\" : 1|key \"surplus\" is not a key of this trainer state; expected only KEYS"
      })
  void theSameFaultIsTheSameErrorInEveryTrainersState(String fault, String message)
      throws IOException {
    String key = fault.substring(0, fault.indexOf(" :"));
    for (TrainerState state : List.of(REINFORCE, SAC, SOFT_Q)) {
      Path folder =
          Files.createDirectories(
              dir.resolve(state.algorithm() + "-" + Math.abs(fault.hashCode())));
      TrainerStateFolder.write(folder, state);
      Path file = folder.resolve(TrainerStateFolder.STATE);
      String json = Files.readString(file);
      String damaged =
          json.contains(key + " :")
              ? json.replaceFirst(
                  key + " : [^,\n]*", java.util.regex.Matcher.quoteReplacement(fault))
              : json.replaceFirst(
                  "\\{", java.util.regex.Matcher.quoteReplacement("{\n  " + fault + ","));
      Files.writeString(file, damaged);
      RlAlgorithm algorithm =
          RlAlgorithm.valueOf(state.algorithm().toUpperCase(java.util.Locale.ROOT));
      UserInputException e =
          assertThrows(
              UserInputException.class,
              () -> TrainerStateFolder.read(folder, algorithm, state.getClass()),
              damaged);
      String keys =
          switch (algorithm) {
            case REINFORCE ->
                "[format, algorithm, completed_steps, random_state, kl_controller, baseline]";
            case SAC -> "[format, algorithm, completed_steps, random_state, alpha_controller]";
            case SOFT_Q -> "[format, algorithm, completed_steps, random_state]";
          };
      assertEquals(
          file + ": " + message.replace("ALGORITHM", state.algorithm()).replace("KEYS", keys),
          e.getMessage());
    }
  }

  @Test
  void aMissingKeyANestedKeyAndBrokenJsonAreNamedToo() throws IOException {
    TrainerStateFolder.write(dir, SAC);
    Path file = dir.resolve(TrainerStateFolder.STATE);
    String json = Files.readString(file);
    Files.writeString(file, json.replaceFirst("  \"random_state\" : [^,]*,\n", ""));
    assertEquals(
        file + ": key \"random_state\" is missing, expected an integer", message(RlAlgorithm.SAC));
    Files.writeString(file, json.replace("\"updates\" : 7", "\"updates\" : \"7\""));
    assertEquals(
        file + ": key \"alpha_controller.updates\" is \"7\", expected an integer",
        message(RlAlgorithm.SAC));
    Files.writeString(file, json.replace("\"steps\" : 112", "\"steps\" : -112"));
    assertEquals(
        file
            + ": kl controller counters: found updates=7 steps=-112, expected both >= 0; expected the state"
            + " of a sac trainer that a checkpoint saves",
        message(RlAlgorithm.SAC));
    Files.writeString(file, "{\n  \"format\" : \"elm-rlaif/trainer-state-v1\",\n");
    assertTrue(
        message(RlAlgorithm.SAC).startsWith(file + ": not valid JSON, line "),
        message(RlAlgorithm.SAC));
    Files.writeString(file, "[]");
    assertEquals(
        file
            + ": holds [], expected a JSON object, the state of a sac trainer that a checkpoint saves",
        message(RlAlgorithm.SAC));
    Files.delete(file);
    assertEquals(
        dir
            + ": has no trainer_state.json; expected the state of a sac trainer that a checkpoint saves",
        message(RlAlgorithm.SAC));
  }

  /**
   * The state files and names of the versions before this format, by hand: each reads as today's
   * record.
   */
  @Test
  void anOlderVersionsStateFilesAndNamesAreRead() throws IOException {
    Path sac = Files.createDirectories(dir.resolve("sac"));
    Files.writeString(
        sac.resolve("sac_state.json"),
        "{\"format\": \"elm-rlaif/sac-state-v1\", \"completed_steps\": 7,"
            + " \"random_state\": -9223372036854775808, \"alpha\": 0.49363065451642885, \"alpha_updates\": 7,"
            + " \"alpha_samples\": 112}");
    assertEquals(SAC, TrainerStateFolder.read(sac, RlAlgorithm.SAC, SacTrainer.State.class));
    assertEquals(
        sac.resolve("replay.buffer"),
        TrainerStateFolder.file(sac, RlAlgorithm.SAC, TrainerStateFolder.REPLAY));
    assertEquals(
        sac.resolve("q_critic.safetensors"),
        TrainerStateFolder.file(sac, RlAlgorithm.SAC, TrainerStateFolder.Q_CRITIC));

    Path reinforce = Files.createDirectories(dir.resolve("reinforce"));
    Files.writeString(
        reinforce.resolve("reinforce-state.json"),
        "{\"format\": \"elm-rlaif/reinforce-state-v1\","
            + " \"completed_steps\": 12, \"random_state\": -3, \"kl_controller\": {\"beta\": 0.25, \"updates\": 12,"
            + " \"steps\": 192}, \"baseline\": {\"average\": 0.125, \"updates\": 12}}");
    assertEquals(
        REINFORCE,
        TrainerStateFolder.read(reinforce, RlAlgorithm.REINFORCE, ReinforceTrainer.State.class));
    assertEquals(
        reinforce.resolve("optimizer.safetensors"),
        TrainerStateFolder.file(
            reinforce, RlAlgorithm.REINFORCE, TrainerStateFolder.POLICY_OPTIMIZER));

    Path softQ = Files.createDirectories(dir.resolve("soft_q"));
    Files.writeString(
        softQ.resolve("trainer.json"),
        "{\"format\": \"elm-rlaif/soft-q-trainer-v1\","
            + " \"completed_steps\": 3, \"random_state\": 9223372036854775807}");
    assertEquals(
        SOFT_Q, TrainerStateFolder.read(softQ, RlAlgorithm.SOFT_Q, SoftQTrainer.State.class));
    assertEquals(
        List.of(
            softQ.resolve("q-critic.safetensors"),
            softQ.resolve("q-target.safetensors"),
            softQ.resolve("q-optimizer.safetensors"),
            softQ.resolve("policy-optimizer.safetensors"),
            softQ.resolve("replay.bin")),
        List.of(
                TrainerStateFolder.Q_CRITIC,
                TrainerStateFolder.Q_TARGET,
                TrainerStateFolder.CRITIC_OPTIMIZER,
                TrainerStateFolder.POLICY_OPTIMIZER,
                TrainerStateFolder.REPLAY)
            .stream()
            .map(name -> TrainerStateFolder.file(softQ, RlAlgorithm.SOFT_Q, name))
            .toList());

    Files.writeString(softQ.resolve("trainer.json"), "{\"format\": \"elm-rlaif/sac-state-v1\"}");
    assertEquals(
        softQ.resolve("trainer.json")
            + ": key \"format\" is \"elm-rlaif/sac-state-v1\", expected"
            + " \"elm-rlaif/soft-q-trainer-v1\" (the state of a soft_q trainer that a checkpoint saves)",
        assertThrows(
                UserInputException.class,
                () -> TrainerStateFolder.read(softQ, RlAlgorithm.SOFT_Q, SoftQTrainer.State.class))
            .getMessage());
  }

  private String message(RlAlgorithm algorithm) {
    return assertThrows(
            UserInputException.class,
            () -> TrainerStateFolder.read(dir, algorithm, SacTrainer.State.class))
        .getMessage();
  }
}
