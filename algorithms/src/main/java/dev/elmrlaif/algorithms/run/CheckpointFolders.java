package dev.elmrlaif.algorithms.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.elmrlaif.domain.base.IoFailures;
import dev.elmrlaif.domain.base.JsonProblems;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.io.FolderManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Step-numbered checkpoint folders that a kill at any moment cannot corrupt, shared by the
 * supervised and the RL checkpoints:
 *
 * <pre>
 *   step-00000040/   one complete checkpoint (its contents are the caller's)
 *   latest.json      {"folder": "step-00000040", "step": 40}: the newest complete one
 * </pre>
 *
 * A step folder is written under a temporary name and renamed when complete; {@code latest.json} is
 * replaced atomically after that. So {@code latest.json} always names a complete checkpoint (or is
 * absent: start from scratch). Only the newest {@link #KEEP} step folders are kept; folders a
 * killed save left half-written are deleted by the next save. Each step folder holds a {@link
 * FolderManifest} (every file's size and SHA-256), checked when the checkpoint is read: a damaged
 * newest checkpoint falls back to the one before it.
 */
public final class CheckpointFolders {
  private static final Logger LOG = LogManager.getLogger(CheckpointFolders.class);

  /** The pointer file naming the newest complete checkpoint. */
  public static final String LATEST = "latest.json";

  /** Step folders kept; older ones are deleted after a new one is complete. */
  public static final int KEEP = 2;

  /** The snake_case JSON mapper the checkpoints' state files are written and read with. */
  public static final ObjectMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .build();

  private static final Pattern STEP_FOLDER = Pattern.compile("step-\\d{8}");
  private static final String TEMP_SUFFIX = AtomicFiles.TEMP_INFIX + "checkpoint";

  private CheckpointFolders() {}

  /** Writes the contents of one checkpoint into the folder it is given (a fresh temporary one). */
  @FunctionalInterface
  public interface Contents {
    void write(Path folder) throws IOException;
  }

  private record Pointer(String folder, long step) {}

  /**
   * Writes {@code step}'s checkpoint into {@code dir}: {@code contents} fill a temporary folder,
   * which is renamed to {@code step-NNNNNNNN}, then {@code latest.json} points at it and older
   * folders beyond {@link #KEEP} go. Returns the checkpoint's folder.
   *
   * @param what names the checkpoint in an error, e.g. "the RL checkpoint"
   */
  public static Path save(Path dir, long step, String what, Contents contents) {
    String name = String.format("step-%08d", step);
    Path target = dir.resolve(name);
    Path temporary = dir.resolve(name + TEMP_SUFFIX);
    try {
      Files.createDirectories(dir);
      deleteRecursively(temporary);
      Files.createDirectories(temporary);
      contents.write(temporary);
      FolderManifest.write(temporary); // sizes and checksums, checked when the checkpoint is read
      deleteRecursively(target); // a folder left by a run killed before it updated latest.json
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.write(dir.resolve(LATEST), JSON.writeValueAsBytes(new Pointer(name, step)));
      prune(dir, name);
      return target;
    } catch (IOException | RuntimeException e) {
      try {
        deleteRecursively(temporary); // nothing half-written stays behind
      } catch (IOException ignored) {
        // the original failure is the one worth reporting
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException(
            "cannot write " + what + " " + target + ": " + IoFailures.reason(io), io);
      }
      if (e instanceof UncheckedIOException unchecked) {
        throw new UncheckedIOException(
            "cannot write " + what + " " + target + ": " + IoFailures.reason(unchecked.getCause()),
            unchecked.getCause());
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * The newest usable checkpoint in {@code dir}: the folder {@code latest.json} names, when it
   * holds {@code requiredFile} (the file a save writes last) and agrees with its manifest (sizes
   * and SHA-256); otherwise, with a warning, the newest older step folder that does. Empty when
   * there is no checkpoint at all.
   *
   * @param what names the checkpoint in an error, e.g. "a complete RL checkpoint"
   * @param startOver what deleting {@code latest.json} would start over, e.g. "this training"
   * @throws UserInputException naming the damaged file when no checkpoint in {@code dir} is usable
   */
  public static Optional<Path> latest(
      Path dir, String requiredFile, String what, String startOver) {
    Path pointerFile = dir.resolve(LATEST);
    if (!Files.isRegularFile(pointerFile)) {
      return Optional.empty();
    }
    List<Path> candidates = new ArrayList<>();
    String firstProblem = null;
    long newest = Long.MAX_VALUE;
    try {
      Pointer pointer = readJson(pointerFile, Pointer.class, "checkpoint pointer");
      candidates.add(dir.resolve(pointer.folder()));
      newest = pointer.step();
    } catch (UserInputException e) {
      firstProblem = e.getMessage();
    }
    for (Path older : stepFolders(dir)) {
      if (!candidates.contains(older) && stepOf(older) < newest) {
        candidates.add(older);
      }
    }
    for (Path folder : candidates) {
      String problem = problem(folder, requiredFile, what);
      if (problem == null) {
        if (firstProblem != null) {
          LOG.warn("{}; resuming from the previous checkpoint {} instead", firstProblem, folder);
        }
        return Optional.of(folder);
      }
      if (firstProblem == null) {
        firstProblem = problem;
      }
    }
    throw new UserInputException(
        firstProblem
            + "; no earlier usable checkpoint in "
            + dir
            + " (delete "
            + pointerFile
            + " to start "
            + startOver
            + " over)");
  }

  /** What makes {@code folder} unusable as a checkpoint, or null when it is complete and intact. */
  private static String problem(Path folder, String requiredFile, String what) {
    if (!Files.isRegularFile(folder.resolve(requiredFile))) {
      return folder + ": has no " + requiredFile + "; expected " + what;
    }
    return FolderManifest.problem(folder).orElse(null);
  }

  /** The complete step folders in {@code dir}, newest first. */
  private static List<Path> stepFolders(Path dir) {
    try (Stream<Path> listing = Files.list(dir)) {
      return listing
          .filter(p -> STEP_FOLDER.matcher(p.getFileName().toString()).matches())
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + IoFailures.reason(e), e);
    }
  }

  private static long stepOf(Path stepFolder) {
    return Long.parseLong(stepFolder.getFileName().toString().substring("step-".length()));
  }

  /** Reads a checkpoint's JSON file; a malformed one is a user error naming its line and column. */
  public static <T> T readJson(Path file, Class<T> type, String writtenBy) {
    try {
      return JSON.readValue(file.toFile(), type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UserInputException(
          file
              + JsonProblems.describe(e)
              + "; expected a "
              + type.getSimpleName()
              + " written by "
              + writtenBy,
          e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + IoFailures.reason(e), e);
    }
  }

  /** Deletes {@code path} and everything below it, if it exists. */
  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Deletes step folders older than the newest {@link #KEEP} and folders a killed save left. */
  private static void prune(Path dir, String newest) throws IOException {
    List<Path> steps = new ArrayList<>();
    try (Stream<Path> listing = Files.list(dir)) {
      for (Path child :
          listing.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList()) {
        String file = child.getFileName().toString();
        if (STEP_FOLDER.matcher(file).matches()) {
          steps.add(child);
        } else if (file.endsWith(TEMP_SUFFIX)) {
          deleteRecursively(child); // half-written by a killed run
        }
      }
    }
    for (int i = 0; i < steps.size() - KEEP; i++) {
      if (!steps.get(i).getFileName().toString().equals(newest)) {
        deleteRecursively(steps.get(i));
      }
    }
  }
}
