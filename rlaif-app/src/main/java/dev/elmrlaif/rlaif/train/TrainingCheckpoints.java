package dev.elmrlaif.rlaif.train;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.optim.AdamW;
import dev.elmrlaif.rlaif.UserInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Full-state checkpoints of one training sub-stage, in one folder:
 *
 * <pre>
 *   step-00000040/model/        weights, config.json, elm.json, tokenizer.json (ElmCheckpoint)
 *   step-00000040/optimizer.safetensors   AdamW moments and step count (hence schedule position)
 *   step-00000040/state.json    step, data cursor, seeds, batch and dataset size (TrainerState)
 *   latest.json                 the name of the newest complete step folder
 * </pre>
 *
 * A step folder is written under a temporary name and renamed when complete; {@code latest.json}
 * is replaced atomically after that. A process killed at any moment leaves {@code latest.json}
 * naming a complete checkpoint (or no {@code latest.json}, meaning start from scratch). Only the
 * newest {@link #KEEP} step folders are kept.
 */
public final class TrainingCheckpoints {
  /** The pointer file naming the newest complete checkpoint. */
  public static final String LATEST = "latest.json";
  /** Step folders kept; older ones are deleted after a new one is complete. */
  public static final int KEEP = 2;

  static final String MODEL = "model";
  static final String OPTIMIZER = "optimizer.safetensors";
  static final String STATE = "state.json";

  private static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  private TrainingCheckpoints() {}

  /** A complete checkpoint on disk. */
  public record Saved(Path folder, TrainerState state) {
    public Path model() {
      return folder.resolve(MODEL);
    }

    public Path optimizer() {
      return folder.resolve(OPTIMIZER);
    }

    /** Loads the model of this checkpoint; every parameter trains until frozen. */
    public Elm loadModel(Device device) {
      return ElmCheckpoint.load(model(), device, DataType.FLOAT32);
    }
  }

  private record Pointer(String folder, long step) {}

  /** Writes a checkpoint of {@code elm}, {@code optimizer} and {@code state} into {@code dir}. */
  public static Saved save(Path dir, Elm elm, AdamW optimizer, TrainerState state, Path tokenizerJson) {
    String name = String.format("step-%08d", state.step());
    Path target = dir.resolve(name);
    Path temporary = dir.resolve(name + AtomicFiles.TEMP_INFIX + "checkpoint");
    try {
      Files.createDirectories(dir);
      deleteRecursively(temporary);
      ElmCheckpoint.save(elm, temporary.resolve(MODEL), tokenizerJson);
      optimizer.save(temporary.resolve(OPTIMIZER));
      AtomicFiles.write(temporary.resolve(STATE), JSON.writeValueAsBytes(state));
      deleteRecursively(target); // a folder left by a run killed before it updated latest.json
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.write(dir.resolve(LATEST), JSON.writeValueAsBytes(new Pointer(name, state.step())));
      prune(dir, name);
      return new Saved(target, state);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint " + target, e);
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
    Path stateFile = folder.resolve(STATE);
    if (!Files.isRegularFile(stateFile)) {
      throw new UserInputException(pointerFile + ": names " + folder + ", which has no " + STATE
          + "; expected a complete checkpoint folder (delete " + pointerFile + " to start this sub-stage over)");
    }
    return Optional.of(new Saved(folder, read(stateFile, TrainerState.class)));
  }

  private static <T> T read(Path file, Class<T> type) {
    try {
      return JSON.readValue(file.toFile(), type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : ", line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr();
      throw new UserInputException(file + where + ": " + e.getOriginalMessage() + "; expected a "
          + type.getSimpleName() + " written by a training checkpoint", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void prune(Path dir, String newest) throws IOException {
    List<Path> steps = new ArrayList<>();
    List<Path> leftovers = new ArrayList<>();
    try (Stream<Path> listing = Files.list(dir)) {
      listing.sorted(Comparator.comparing(p -> p.getFileName().toString())).forEach(p -> {
        String file = p.getFileName().toString();
        if (file.matches("step-\\d{8}")) {
          steps.add(p);
        } else if (file.matches("step-\\d{8}" + java.util.regex.Pattern.quote(AtomicFiles.TEMP_INFIX) + ".*")) {
          leftovers.add(p); // half-written by a killed run
        }
      });
    }
    for (Path leftover : leftovers) {
      deleteRecursively(leftover);
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
