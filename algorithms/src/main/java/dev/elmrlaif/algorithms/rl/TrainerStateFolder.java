package dev.elmrlaif.algorithms.rl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.domain.base.IoFailures;
import dev.elmrlaif.domain.base.JsonProblems;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The one layout of an RL trainer's checkpoint folder ({@code checkpoints/rl/<algorithm>/<kind>/
 * step-N/trainer/}, written by {@link RlTrainer#saveState}): the same file for the same thing in
 * every trainer, and one reader that checks every trainer's state the same way.
 *
 * <pre>
 *   trainer_state.json            the trainer's {@link TrainerState} record (Jackson, snake_case keys)
 *   policy_optimizer.safetensors  AdamW moments of π_θ                  (every trainer)
 *   critic_optimizer.safetensors  AdamW moments of the critics          (SAC: Q and V together; soft-Q: Q)
 *   q_critic.safetensors          the Q critic                          (SAC, soft-Q)
 *   q_target.safetensors          soft-Q's Polyak target Q̄
 *   v_critic.safetensors          SAC's V critic
 *   v_target.safetensors          SAC's Polyak target V̄
 *   replay.bin                    the replay buffer, contents and sampler (SAC, soft-Q)
 * </pre>
 *
 * A fault is reported the same way for every trainer: one line naming the file, the key and what
 * was expected, as a {@link UserInputException} (the checkpoint folder is the user's).
 *
 * <p>Older versions (before this format) wrote each trainer its own way ({@code
 * reinforce-state.json} and {@code optimizer.safetensors}; {@code sac_state.json} and {@code
 * replay.buffer}; soft-Q's {@code trainer.json} and {@code q-critic.safetensors}, ...). A folder in
 * such a layout is still read: {@link #file} maps each name to the one that version used and {@link
 * #read} converts its state file to the record, so runs from before the change resume (the next
 * checkpoint is written in this layout).
 */
public final class TrainerStateFolder {
  /** The trainer's scalars ({@link TrainerState}). */
  public static final String STATE = "trainer_state.json";

  /** The policy's optimizer. */
  public static final String POLICY_OPTIMIZER = "policy_optimizer.safetensors";

  /** The critics' optimizer. */
  public static final String CRITIC_OPTIMIZER = "critic_optimizer.safetensors";

  /** The Q critic. */
  public static final String Q_CRITIC = "q_critic.safetensors";

  /** The Q critic's Polyak target. */
  public static final String Q_TARGET = "q_target.safetensors";

  /** The V critic. */
  public static final String V_CRITIC = "v_critic.safetensors";

  /** The V critic's Polyak target. */
  public static final String V_TARGET = "v_target.safetensors";

  /** The replay buffer. */
  public static final String REPLAY = "replay.bin";

  private static final Logger LOG = LogManager.getLogger(TrainerStateFolder.class);
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();
  private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE =
      new PropertyNamingStrategies.SnakeCaseStrategy();

  /**
   * A trainer's layout in the versions before this format: its state file, that file's {@code
   * format} value, the names its other files had, and how its keys become the record's.
   */
  private record Legacy(
      String stateFile, String format, Map<String, String> files, Consumer<ObjectNode> keys) {}

  private static final Map<RlAlgorithm, Legacy> LEGACY =
      Map.of(
          RlAlgorithm.REINFORCE,
              new Legacy(
                  "reinforce-state.json",
                  "elm-rlaif/reinforce-state-v1",
                  Map.of(POLICY_OPTIMIZER, "optimizer.safetensors"),
                  state -> {}),
          RlAlgorithm.SAC,
              new Legacy(
                  "sac_state.json",
                  "elm-rlaif/sac-state-v1",
                  Map.of(REPLAY, "replay.buffer"),
                  TrainerStateFolder::sacKeys),
          RlAlgorithm.SOFT_Q,
              new Legacy(
                  "trainer.json",
                  "elm-rlaif/soft-q-trainer-v1",
                  Map.of(
                      Q_CRITIC,
                      "q-critic.safetensors",
                      Q_TARGET,
                      "q-target.safetensors",
                      CRITIC_OPTIMIZER,
                      "q-optimizer.safetensors",
                      POLICY_OPTIMIZER,
                      "policy-optimizer.safetensors"),
                  state -> {}));

  private TrainerStateFolder() {}

  /** The YAML name of an algorithm, as the state's {@code algorithm} key holds it. */
  public static String key(RlAlgorithm algorithm) {
    return algorithm.name().toLowerCase(Locale.ROOT);
  }

  /** Writes {@code state} as {@link #STATE} into {@code folder}. */
  public static void write(Path folder, TrainerState state) throws IOException {
    AtomicFiles.write(folder.resolve(STATE), JSON.writeValueAsBytes(state));
  }

  /**
   * The file {@code name} (one of this class's names) of the trainer state in {@code folder}: the
   * name itself, or in a folder an older version wrote, the name that version gave the same thing.
   */
  public static Path file(Path folder, RlAlgorithm algorithm, String name) {
    Legacy legacy = LEGACY.get(algorithm);
    return isLegacy(folder, legacy)
        ? folder.resolve(legacy.files().getOrDefault(name, name))
        : folder.resolve(name);
  }

  private static boolean isLegacy(Path folder, Legacy legacy) {
    return !Files.exists(folder.resolve(STATE)) && Files.exists(folder.resolve(legacy.stateFile()));
  }

  /**
   * Reads the state {@link #write} wrote (or an older version's state file) as {@code type}: every
   * key of the record present with a value of its type and no other key, {@code format} and {@code
   * algorithm} as this trainer writes them, {@code completed_steps >= 0}.
   *
   * @throws UserInputException naming the file and key, and what was expected
   */
  public static <S extends TrainerState> S read(Path folder, RlAlgorithm algorithm, Class<S> type) {
    String key = key(algorithm);
    String what = "the state of a " + key + " trainer that a checkpoint saves";
    Legacy legacy = LEGACY.get(algorithm);
    boolean old = isLegacy(folder, legacy);
    Path file = folder.resolve(old ? legacy.stateFile() : STATE);
    if (!Files.isRegularFile(file)) {
      throw new UserInputException(folder + ": has no " + STATE + "; expected " + what);
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new UserInputException(
          file + ": not valid JSON" + JsonProblems.describe(e) + "; expected " + what, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + IoFailures.reason(e), e);
    }
    if (!(tree instanceof ObjectNode state)) {
      throw new UserInputException(file + ": holds " + tree + ", expected a JSON object, " + what);
    }
    String format = old ? legacy.format() : TrainerState.FORMAT;
    JsonNode foundFormat = state.get("format");
    if (foundFormat == null || !foundFormat.isTextual() || !foundFormat.asText().equals(format)) {
      throw new UserInputException(
          file
              + ": key \"format\" is "
              + found(foundFormat)
              + ", expected \""
              + format
              + "\" ("
              + what
              + ")");
    }
    if (old) {
      LOG.info(
          "{}: the trainer state of an older version; read in that layout (the next checkpoint is written"
              + " as {})",
          file,
          STATE);
      state.put("format", TrainerState.FORMAT);
      state.put("algorithm", key);
      legacy.keys().accept(state);
    }
    JsonNode foundAlgorithm = state.get("algorithm");
    if (foundAlgorithm == null
        || !foundAlgorithm.isTextual()
        || !foundAlgorithm.asText().equals(key)) {
      throw new UserInputException(
          file
              + ": key \"algorithm\" is "
              + found(foundAlgorithm)
              + ", expected \""
              + key
              + "\" ("
              + what
              + ")");
    }
    requireShape(file, state, type, "");
    S bound;
    try {
      bound = JSON.treeToValue(state, type);
    } catch (JsonProcessingException e) { // a value its record refuses (e.g. a negative count)
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new UserInputException(
          file
              + ": "
              + (cause.getMessage() == null
                  ? JsonProblems.what(e)
                  : cause.getMessage().lines().findFirst().orElse(""))
              + "; expected "
              + what,
          e);
    }
    if (bound.completedSteps() < 0) {
      throw new UserInputException(
          file
              + ": key \"completed_steps\" is "
              + bound.completedSteps()
              + ", expected an integer >= 0");
    }
    return bound;
  }

  /**
   * Every component of the record {@code type} present in {@code node} with a value of its type (an
   * integer, a number, a string, or an object checked the same way), and no other key.
   */
  private static void requireShape(Path file, ObjectNode node, Class<?> type, String prefix) {
    List<String> names = new ArrayList<>();
    for (RecordComponent component : type.getRecordComponents()) {
      String name = SNAKE.translate(component.getName());
      names.add(name);
      JsonNode value = node.get(name);
      Class<?> kind = component.getType();
      String expected;
      boolean ok;
      if (kind == long.class || kind == int.class) {
        expected = "an integer";
        ok = value != null && value.isIntegralNumber() && value.canConvertToLong();
      } else if (kind == double.class) {
        expected = "a number";
        ok = value != null && value.isNumber();
      } else if (kind == String.class) {
        expected = "a string";
        ok = value != null && value.isTextual();
      } else if (kind.isRecord()) {
        expected = "an object";
        ok = value instanceof ObjectNode;
      } else {
        throw new IllegalStateException(
            type
                + ": component "
                + component.getName()
                + " of type "
                + kind
                + " is not a kind a trainer state holds (integer, number, string, record)");
      }
      if (!ok) {
        throw new UserInputException(
            file + ": key \"" + prefix + name + "\" is " + found(value) + ", expected " + expected);
      }
      if (kind.isRecord()) {
        requireShape(file, (ObjectNode) value, kind, prefix + name + ".");
      }
    }
    for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
      String name = keys.next();
      if (!names.contains(name)) {
        throw new UserInputException(
            file
                + ": key \""
                + prefix
                + name
                + "\" is not a key of this trainer state;"
                + " expected only "
                + names);
      }
    }
  }

  private static String found(JsonNode value) {
    return value == null ? "missing" : value.toString();
  }

  /** SAC's state before this format kept its α controller in three top-level keys. */
  private static void sacKeys(ObjectNode state) {
    ObjectNode alpha = JSON.createObjectNode();
    move(state, "alpha", alpha, "beta");
    move(state, "alpha_updates", alpha, "updates");
    move(state, "alpha_samples", alpha, "steps");
    state.set("alpha_controller", alpha);
  }

  private static void move(ObjectNode from, String key, ObjectNode to, String newKey) {
    JsonNode value = from.remove(key);
    if (value != null) {
      to.set(newKey, value);
    }
  }
}
