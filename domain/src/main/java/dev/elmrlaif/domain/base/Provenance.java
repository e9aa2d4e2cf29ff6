package dev.elmrlaif.domain.base;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How a run was made, written as {@code provenance.json} in its folder: the code (git commit and
 * whether the tree was dirty), the configuration (its SHA-256), the data (a fingerprint of the
 * files read), the seed, the software (Java, DJL, PyTorch) and the hardware (device, threads,
 * host), and the command line.
 */
public record Provenance(
    @JsonProperty("git_commit") String gitCommit,
    @JsonProperty("git_dirty") Boolean gitDirty,
    @JsonProperty("config_hash") String configHash,
    @JsonProperty("config_file") String configFile,
    @JsonProperty("data_fingerprint") String dataFingerprint,
    @JsonProperty("data_files") List<String> dataFiles,
    long seed,
    @JsonProperty("java_version") String javaVersion,
    @JsonProperty("djl_version") String djlVersion,
    @JsonProperty("engine") String engine,
    @JsonProperty("engine_version") String engineVersion,
    String device,
    @JsonProperty("intra_op_threads") int intraOpThreads,
    @JsonProperty("cpu_cores") int cpuCores,
    String host,
    String os,
    @JsonProperty("started_at") String startedAt,
    @JsonProperty("command_line") List<String> commandLine,
    Map<String, String> extra) {

  /** The git commit of the working tree holding {@code dir}, if git is available. */
  public static Optional<String> gitCommit(Path dir) {
    return git(dir, "rev-parse", "HEAD");
  }

  /** Whether the working tree holding {@code dir} has uncommitted changes, if git is available. */
  public static Optional<Boolean> gitDirty(Path dir) {
    return git(dir, "status", "--porcelain", "--untracked-files=no").map(s -> !s.isBlank());
  }

  private static Optional<String> git(Path dir, String... args) {
    try {
      ProcessBuilder pb = new ProcessBuilder();
      pb.command().add("git");
      pb.command().addAll(List.of(args));
      pb.directory(dir.toFile());
      pb.redirectErrorStream(false);
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
      Process p = pb.start();
      byte[] out;
      try (InputStream in = p.getInputStream()) {
        out = in.readAllBytes();
      }
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroy();
        return Optional.empty();
      }
      return Optional.of(new String(out, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /**
   * A SHA-256 over the files' relative paths, sizes and contents, in path order; the same data
   * gives the same fingerprint wherever it lies.
   */
  public static String fingerprint(Path root, List<Path> files) {
    try {
      MessageDigest all = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (Path f : files.stream().sorted().toList()) {
        all.update(
            root.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
        all.update((byte) 0);
        all.update(Long.toString(Files.size(f)).getBytes(StandardCharsets.UTF_8));
        all.update((byte) 0);
        try (InputStream in = Files.newInputStream(f)) {
          for (int n; (n = in.read(buf)) > 0; ) {
            all.update(buf, 0, n);
          }
        }
      }
      return HexFormat.of().formatHex(all.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fingerprint data under " + root, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The regular files under {@code dir}, recursively, in path order. */
  public static List<Path> filesUnder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }
}
