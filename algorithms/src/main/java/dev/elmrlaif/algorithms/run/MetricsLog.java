package dev.elmrlaif.algorithms.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.domain.base.IoFailures;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The metrics of a run: one JSON object per line in {@code metrics.jsonl}, flushed as written, and
 * the same scalars in a TensorBoard event file (tag {@code stage/name}) when enabled.
 *
 * <p>Each line holds {@code time} (UTC ISO-8601), {@code stage}, {@code step} and the named values.
 * Reopening after a kill first cuts a partial last line, so the file always parses line by line; a
 * training that resumes from a checkpoint drops its lines after the checkpoint's step ({@link
 * #resumeAt}), so no step appears twice.
 */
public final class MetricsLog implements Closeable {
  private final Path file;
  private Writer out;
  private final TensorBoardWriter tensorBoard;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * Opens (appending to) {@code metrics.jsonl} in a run folder.
   *
   * @param tensorBoard where scalars also go, or null for none
   */
  public MetricsLog(Path file, TensorBoardWriter tensorBoard, Clock clock) {
    this.file = file;
    this.tensorBoard = tensorBoard;
    this.clock = clock;
    try {
      cutPartialLastLine(file);
      this.out =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file + ": " + IoFailures.reason(e), e);
    }
  }

  /** Writes one line of metrics for a stage at a step. Non-finite values are written as null. */
  public synchronized void log(String stage, long step, Map<String, ? extends Number> values) {
    long millis = clock.millis();
    ObjectNode line = json.createObjectNode();
    line.put("time", java.time.Instant.ofEpochMilli(millis).toString());
    line.put("stage", stage);
    line.put("step", step);
    for (Map.Entry<String, ? extends Number> e : values.entrySet()) {
      double v = e.getValue().doubleValue();
      if (Double.isFinite(v)) {
        if (e.getValue() instanceof Integer || e.getValue() instanceof Long) {
          line.put(e.getKey(), e.getValue().longValue());
        } else {
          line.put(e.getKey(), v);
        }
      } else {
        line.putNull(e.getKey());
      }
      if (tensorBoard != null) {
        tensorBoard.scalar(stage + "/" + e.getKey(), v, step, millis / 1000.0);
      }
    }
    try {
      out.write(json.writeValueAsString(line));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + IoFailures.reason(e), e);
    }
  }

  /**
   * Forgets what a training logged after the step it resumes from: lines of {@code stage} with a
   * step above {@code step} (every line of {@code stage} when {@code step} is 0), which the resumed
   * training logs again. The file is replaced atomically.
   */
  public synchronized void resumeAt(String stage, long step) {
    if (!Files.isRegularFile(file)) {
      return; // nothing written yet (or not a file we can rewrite)
    }
    try {
      out.flush();
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      List<String> kept = new ArrayList<>(lines.size());
      for (String text : lines) {
        if (!isAfter(text, stage, step)) {
          kept.add(text);
        }
      }
      if (kept.size() == lines.size()) {
        return;
      }
      StringBuilder content = new StringBuilder();
      for (String text : kept) {
        content.append(text).append('\n');
      }
      out.close();
      AtomicFiles.writeString(file, content.toString());
      out =
          Files.newBufferedWriter(
              file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + file + ": " + e.getMessage(), e);
    }
  }

  private boolean isAfter(String text, String stage, long step) throws IOException {
    if (text.isBlank()) {
      return false;
    }
    JsonNode node;
    try {
      node = json.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return false; // not ours to judge; kept as it was
    }
    return node != null
        && stage.equals(node.path("stage").asText(null))
        && (step == 0 || node.path("step").asLong(0) > step);
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    } finally {
      if (tensorBoard != null) {
        tensorBoard.close();
      }
    }
  }

  /** Truncates the file after its last newline (a line a killed process did not finish). */
  static void cutPartialLastLine(Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long end = raf.length();
      long pos = end;
      while (pos > 0) {
        raf.seek(pos - 1);
        if (raf.read() == '\n') {
          break;
        }
        pos--;
      }
      if (pos != end) {
        raf.setLength(pos);
      }
    }
  }
}
