package dev.elmrlaif.rewards.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A {@link JudgeReplyStore} in one append-only JSON-lines file, {@code {"key": <sha-256>, "reply":
 * "SCORE: 0.75"}} per line: read whole when opened, appended (and flushed) on every new reply.
 * Appending never rewrites what is there, so a process killed mid-write loses at most its last
 * line, which the next open skips with a warning. The file is created on the first reply, not
 * before. It holds request digests and the judge's one-line replies only: no prompt text, no key.
 */
public final class JudgeReplyFile implements JudgeReplyStore, AutoCloseable {

  /** The file's name inside the cache folder. */
  public static final String FILE_NAME = "judge-replies.jsonl";

  private static final Logger LOG = LogManager.getLogger(JudgeReplyFile.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, String> replies = new ConcurrentHashMap<>();
  private BufferedWriter writer;
  private boolean broken;

  private JudgeReplyFile(Path file) {
    this.file = file;
  }

  /**
   * Opens (reads) the store in {@code folder}; the folder and file are created on the first {@link
   * #put}.
   *
   * @throws UncheckedIOException when an existing file cannot be read
   */
  public static JudgeReplyFile open(Path folder) {
    JudgeReplyFile store = new JudgeReplyFile(folder.resolve(FILE_NAME));
    if (Files.isRegularFile(store.file)) {
      List<String> lines;
      try {
        lines = Files.readAllLines(store.file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the judge's reply cache " + store.file, e);
      }
      int skipped = 0;
      for (String line : lines) {
        try {
          JsonNode node = JSON.readTree(line);
          if (node != null && node.path("key").isTextual() && node.path("reply").isTextual()) {
            store.replies.put(node.get("key").asText(), node.get("reply").asText());
            continue;
          }
        } catch (IOException e) {
          // counted below
        }
        if (!line.isBlank()) {
          skipped++;
        }
      }
      if (skipped > 0) {
        LOG.warn(
            "judge reply cache {}: skipped {} unreadable line(s) (a write cut short?)",
            store.file,
            skipped);
      }
    }
    return store;
  }

  /** The replies held. */
  public int size() {
    return replies.size();
  }

  public Path file() {
    return file;
  }

  @Override
  public Optional<String> get(String key) {
    return Optional.ofNullable(replies.get(key));
  }

  @Override
  public synchronized void put(String key, String reply) {
    if (replies.putIfAbsent(key, reply) != null || broken) {
      return;
    }
    try {
      if (writer == null) {
        Files.createDirectories(file.getParent());
        boolean endsInNewline =
            !Files.exists(file) || Files.size(file) == 0 || endsWithNewline(file);
        writer =
            Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (!endsInNewline) {
          writer.newLine(); // after a cut-short last line, start a fresh one
        }
      }
      writer.write(JSON.writeValueAsString(Map.of("key", key, "reply", reply)));
      writer.newLine();
      writer.flush();
    } catch (IOException e) {
      broken = true;
      LOG.warn(
          "judge reply cache {}: cannot write ({}); replies are kept in memory only from now on",
          file,
          e.getMessage());
    }
  }

  private static boolean endsWithNewline(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    return bytes.length == 0 || bytes[bytes.length - 1] == '\n';
  }

  @Override
  public synchronized void close() {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        LOG.warn("judge reply cache {}: cannot close ({})", file, e.getMessage());
      }
      writer = null;
    }
  }
}
