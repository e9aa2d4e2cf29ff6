package dev.elmrlaif.rlaif.rl.stage;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.rlaif.UserInputException;
import dev.elmrlaif.rlaif.rl.RlTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Full-state checkpoints of one RL training ({@code checkpoints/rl/<algorithm>/<kind>/}):
 *
 * <pre>
 *   step-00000040/policy/       the policy's weights (ElmCheckpoint)
 *   step-00000040/reference/    the frozen π_ref, when it is not a model on disk already (synthetic)
 *   step-00000040/trainer/      everything else the trainer learns or remembers (RlTrainer.saveState)
 *   step-00000040/stage.json    the step and the training-health monitor
 *   latest.json                 the name of the newest complete step folder
 * </pre>
 *
 * A step folder is written under a temporary name and renamed when complete, then
 * {@code latest.json} is replaced atomically, so a process killed at any moment leaves
 * {@code latest.json} naming a complete checkpoint (or none). The newest {@link #KEEP} are kept.
 */
public final class RlCheckpoints {
  /** The pointer file naming the newest complete checkpoint. */
  public static final String LATEST = "latest.json";
  /** Step folders kept. */
  public static final int KEEP = 2;

  static final String POLICY = "policy";
  static final String REFERENCE = "reference";
  static final String TRAINER = "trainer";
  static final String STAGE = "stage.json";
  private static final Pattern STEP_FOLDER = Pattern.compile("step-\\d{8}");
  private static final String TEMP_SUFFIX = AtomicFiles.TEMP_INFIX + "checkpoint";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private RlCheckpoints() {}

  /** What the stage itself remembers: the steps done and the health monitor. */
  public record StageState(long step, TrainingHealth.State health) {}

  /** A complete checkpoint on disk. */
  public record Saved(Path folder, StageState state) {
    public Path policy() {
      return folder.resolve(POLICY);
    }

    /** The saved reference folder, if this checkpoint has one. */
    public Optional<Path> reference() {
      Path reference = folder.resolve(REFERENCE);
      return Files.isDirectory(reference) ? Optional.of(reference) : Optional.empty();
    }

    public Path trainer() {
      return folder.resolve(TRAINER);
    }
  }

  private record Pointer(String folder, long step) {}

  /**
   * Writes a checkpoint into {@code dir}.
   *
   * @param reference the frozen reference to save too, or null when it is reloaded from elsewhere
   * @param tokenizerJson the tokenizer to keep beside the policy, or null
   */
  public static Saved save(Path dir, StageState state, Elm policy, Elm reference, RlTrainer trainer,
      Path tokenizerJson) {
    String name = String.format("step-%08d", state.step());
    Path target = dir.resolve(name);
    Path temporary = dir.resolve(name + TEMP_SUFFIX);
    try {
      Files.createDirectories(dir);
      deleteRecursively(temporary);
      ElmCheckpoint.save(policy, temporary.resolve(POLICY), tokenizerJson);
      if (reference != null) {
        ElmCheckpoint.save(reference, temporary.resolve(REFERENCE), null);
      }
      Files.createDirectories(temporary.resolve(TRAINER));
      trainer.saveState(temporary.resolve(TRAINER));
      AtomicFiles.write(temporary.resolve(STAGE), JSON.writeValueAsBytes(state));
      deleteRecursively(target); // a folder left by a run killed before it updated latest.json
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.write(dir.resolve(LATEST), JSON.writeValueAsBytes(new Pointer(name, state.step())));
      prune(dir, name);
      return new Saved(target, state);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the RL checkpoint " + target, e);
    }
  }

  /** The newest complete checkpoint in {@code dir}, if any. */
  public static Optional<Saved> latest(Path dir) {
    Path pointerFile = dir.resolve(LATEST);
    if (!Files.isRegularFile(pointerFile)) {
      return Optional.empty();
    }
    Pointer pointer = read(pointerFile, Pointer.class);
    Path folder = dir.resolve(pointer.folder());
    Path stateFile = folder.resolve(STAGE);
    if (!Files.isRegularFile(stateFile)) {
      throw new UserInputException(pointerFile + ": names " + folder + ", which has no " + STAGE
          + "; expected a complete RL checkpoint (delete " + pointerFile + " to start this training over)");
    }
    return Optional.of(new Saved(folder, read(stateFile, StageState.class)));
  }

  private static <T> T read(Path file, Class<T> type) {
    try {
      return JSON.readValue(file.toFile(), type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : ", line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr();
      throw new UserInputException(file + where + ": " + e.getOriginalMessage() + "; expected a "
          + type.getSimpleName() + " written by an RL checkpoint", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Deletes step folders older than the newest {@link #KEEP} and folders a killed save left. */
  private static void prune(Path dir, String newest) throws IOException {
    List<Path> children;
    try (Stream<Path> listing = Files.list(dir)) {
      children = listing.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    }
    List<Path> steps = children.stream().filter(p -> STEP_FOLDER.matcher(p.getFileName().toString()).matches())
        .toList();
    for (Path child : children) {
      if (child.getFileName().toString().endsWith(TEMP_SUFFIX)) {
        deleteRecursively(child);
      }
    }
    for (int i = 0; i < steps.size() - KEEP; i++) {
      if (!steps.get(i).getFileName().toString().equals(newest)) {
        deleteRecursively(steps.get(i));
      }
    }
  }

  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
