package dev.elmrlaif.algorithms.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.domain.base.IoFailures;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.io.FolderManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A folder of finished stage outputs shared by many runs ({@code rlaif train --stage-store DIR}),
 * one entry per stage key ({@code dev.elmrlaif.algorithms.pipeline.StageKeys}), so that a sweep
 * over RL settings trains its supervised stages once:
 *
 * <pre>
 *   DIR/&lt;key&gt;/output/        a copy of the stage's folder in the run that trained it
 *   DIR/&lt;key&gt;/record.json    the stage's completion record (stages/&lt;stage&gt;.json)
 *   DIR/&lt;key&gt;/manifest.json  size and SHA-256 of every file above
 *   DIR/&lt;key&gt;/entry.json     stage, key, source run, time: written last
 *   DIR/&lt;key&gt;.lock          the lock the runs needing this key take in turn
 * </pre>
 *
 * An entry is built in a temporary folder ({@code DIR/.tmp-<key>-<pid>-<random>}) and renamed to
 * {@code DIR/<key>} when complete, so a killed publisher leaves at most a temporary folder, never a
 * {@code DIR/<key>} that looks complete; the next holder of the key's lock deletes it. Runs that
 * need the same key take {@link #lock} in turn: the first trains and publishes, the others wait and
 * then reuse. The lock is a {@link FileChannel#lock} (between processes; the operating system
 * releases it when a process dies) behind a lock per key within this JVM (file locks are held per
 * process, so two threads need the second one).
 */
public final class StageStore {
  private static final Logger LOG = LogManager.getLogger(StageStore.class);

  /** The entry's completion marker, written last. */
  public static final String ENTRY_FILE = "entry.json";

  /** The stage's folder inside an entry. */
  public static final String OUTPUT = "output";

  /** The stage's completion record inside an entry. */
  public static final String RECORD_FILE = "record.json";

  private static final String TEMP_PREFIX = ".tmp-";
  private static final Map<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path root;

  private StageStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /**
   * The store in {@code dir}, created when missing.
   *
   * @throws UserInputException naming {@code --stage-store} when the folder cannot be made or
   *     written
   */
  public static StageStore at(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UserInputException(
          "--stage-store "
              + dir
              + ": "
              + IoFailures.reason(e)
              + "; expected a folder this user can write",
          e);
    }
    if (!Files.isWritable(dir)) {
      throw new UserInputException(
          "--stage-store " + dir + ": not writable by this user; expected a writable folder");
    }
    return new StageStore(dir);
  }

  /** The store in {@code dir} to look up keys in, without creating anything (a dry run). */
  public static StageStore lookIn(Path dir) {
    return new StageStore(dir);
  }

  /** The store's folder (absolute). */
  public Path root() {
    return root;
  }

  /** The folder of a key's entry (complete or not). */
  public Path entry(String key) {
    return root.resolve(key);
  }

  /** Whether a complete entry for {@code key} exists. */
  public boolean contains(String key) {
    return Files.isRegularFile(entry(key).resolve(ENTRY_FILE));
  }

  /** What is wrong with a complete entry according to its manifest; empty when it is intact. */
  public Optional<String> problem(String key) {
    return FolderManifest.problem(entry(key));
  }

  /** The completion record of the stage that made the entry. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> record(String key) {
    Path file = entry(key).resolve(RECORD_FILE);
    try {
      return JSON.readValue(file.toFile(), LinkedHashMap.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + IoFailures.reason(e), e);
    }
  }

  /** Deletes an entry (a damaged one, before it is trained again); hold its lock. */
  public void remove(String key) {
    try {
      CheckpointFolders.deleteRecursively(entry(key));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot delete " + entry(key) + ": " + IoFailures.reason(e), e);
    }
  }

  /** The lock of one key; closing it lets the next run needing the key go on. */
  public static final class Lock implements AutoCloseable {
    private final ReentrantLock inThisJvm;
    private final FileChannel channel;
    private final FileLock fileLock;

    private Lock(ReentrantLock inThisJvm, FileChannel channel, FileLock fileLock) {
      this.inThisJvm = inThisJvm;
      this.channel = channel;
      this.fileLock = fileLock;
    }

    @Override
    public void close() {
      try {
        fileLock.release();
        channel.close();
      } catch (IOException e) {
        LOG.warn("cannot release a stage-store lock: {}", IoFailures.reason(e));
      } finally {
        inThisJvm.unlock();
      }
    }
  }

  /**
   * Takes the lock of {@code key}, waiting (with a log line) while another run or thread holds it.
   *
   * @param what names the waiter in the log, e.g. "stage sft"
   */
  public Lock lock(String key, String what) {
    Path file = root.resolve(key + ".lock");
    ReentrantLock local = IN_THIS_JVM.computeIfAbsent(file, f -> new ReentrantLock());
    if (!local.tryLock()) {
      LOG.info("{}: waiting for another run that is making {}", what, entry(key));
      local.lock();
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock fileLock = channel.tryLock();
      if (fileLock == null) {
        LOG.info("{}: waiting for another process that is making {}", what, entry(key));
        fileLock = channel.lock();
      }
      return new Lock(local, channel, fileLock);
    } catch (IOException | RuntimeException e) {
      try {
        if (channel != null) {
          channel.close();
        }
      } catch (IOException ignored) {
        // the original failure is the one worth reporting
      }
      local.unlock();
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot lock " + file + ": " + IoFailures.reason(io), io);
      }
      throw (RuntimeException) e;
    }
  }

  /** The lock of {@code key} if no other process holds it now (for tests); never waits. */
  Optional<Lock> tryLockBetweenProcesses(String key) throws IOException {
    Path file = root.resolve(key + ".lock");
    ReentrantLock local = IN_THIS_JVM.computeIfAbsent(file, f -> new ReentrantLock());
    local.lock();
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock fileLock = channel.tryLock();
    if (fileLock == null) {
      channel.close();
      local.unlock();
      return Optional.empty();
    }
    return Optional.of(new Lock(local, channel, fileLock));
  }

  /**
   * Publishes a finished stage's folder and record as the entry of {@code key}, unless a complete
   * one exists; call it holding {@link #lock}. Temporary folders of this key that a killed
   * publisher left are deleted first.
   *
   * @param fromRun the run folder that trained the stage, remembered in {@code entry.json}
   * @return the entry's folder
   */
  public Path publish(
      String key, StageName stage, Path output, Map<String, Object> record, Path fromRun) {
    if (contains(key)) {
      return entry(key);
    }
    removeLeftovers(key);
    Path temporary = writeTemporary(key, stage, output, record, fromRun);
    commit(key, temporary);
    return entry(key);
  }

  /** Step 1 of {@link #publish}: the complete entry in a temporary folder. */
  Path writeTemporary(
      String key, StageName stage, Path output, Map<String, Object> record, Path fromRun) {
    Path temporary =
        root.resolve(
            TEMP_PREFIX + key + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
    try {
      copyTree(output, temporary.resolve(OUTPUT));
      Files.write(temporary.resolve(RECORD_FILE), JSON.writeValueAsBytes(record));
      FolderManifest.write(temporary);
      Map<String, Object> about = new LinkedHashMap<>();
      about.put("stage", stage.key());
      about.put("key", key);
      about.put("from_run", fromRun.toAbsolutePath().toString());
      about.put("created_at", Instant.now().toString());
      Files.write(temporary.resolve(ENTRY_FILE), JSON.writeValueAsBytes(about));
      return temporary;
    } catch (IOException e) {
      deleteQuietly(temporary);
      throw new UncheckedIOException(
          "cannot publish stage " + stage.key() + " into " + root + ": " + IoFailures.reason(e), e);
    }
  }

  /** Step 2 of {@link #publish}: the temporary folder renamed to {@code DIR/<key>} at once. */
  void commit(String key, Path temporary) {
    try {
      CheckpointFolders.deleteRecursively(entry(key)); // an incomplete one (never made by publish)
      Files.move(temporary, entry(key), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(temporary);
      throw new UncheckedIOException(
          "cannot publish " + entry(key) + ": " + IoFailures.reason(e), e);
    }
  }

  /** Deletes the temporary folders of {@code key} (only a killed publisher leaves one). */
  void removeLeftovers(String key) {
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.toList()) {
        if (child.getFileName().toString().startsWith(TEMP_PREFIX + key + "-")) {
          LOG.info("deleting {}, left by a run killed while publishing", child);
          CheckpointFolders.deleteRecursively(child);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + root + ": " + IoFailures.reason(e), e);
    }
  }

  /** How {@link #linkInto} put an entry's output into a run folder. */
  public enum LinkKind {
    /** A symbolic link to the entry's output: nothing copied. */
    SYMLINK,
    /** A copy, where the file system refuses symbolic links. */
    COPY
  }

  /**
   * Puts the output of {@code key}'s entry at {@code target} (replacing what is there, e.g. a
   * half-trained folder of a killed run): a symbolic link, so a reused model costs no disk and no
   * copying; a copy where symbolic links fail (a file system or an OS without them). Hard links are
   * not used: a folder cannot be hard-linked, and linked files would let a run that rewrites one in
   * place change the store.
   */
  public LinkKind linkInto(String key, Path target) {
    Path output = entry(key).resolve(OUTPUT);
    try {
      deleteTarget(target);
      Files.createDirectories(target.toAbsolutePath().getParent());
      try {
        Files.createSymbolicLink(target, output);
        return LinkKind.SYMLINK;
      } catch (UnsupportedOperationException | FileSystemException e) {
        LOG.info(
            "cannot make a symbolic link {} ({}); copying {} instead",
            target,
            e.getMessage(),
            output);
        copyTree(output, target);
        return LinkKind.COPY;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot link " + output + " into " + target + ": " + IoFailures.reason(e), e);
    }
  }

  private static void deleteTarget(Path target) throws IOException {
    if (Files.isSymbolicLink(target)) {
      Files.delete(target);
    } else {
      CheckpointFolders.deleteRecursively(target);
    }
  }

  /** Copies a folder (following a symbolic link at its top) with every file below it. */
  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(from)) {
      files = walk.toList();
    }
    for (Path source : files) {
      Path destination = to.resolve(from.relativize(source).toString());
      if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(destination);
      } else if (!source.getFileName().toString().contains(AtomicFiles.TEMP_INFIX)) {
        Files.copy(source, destination, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void deleteQuietly(Path folder) {
    try {
      CheckpointFolders.deleteRecursively(folder);
    } catch (IOException ignored) {
      // the original failure is the one worth reporting
    }
  }
}
