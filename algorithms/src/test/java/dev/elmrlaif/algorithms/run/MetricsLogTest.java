package dev.elmrlaif.algorithms.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  @Test
  @org.junit.jupiter.api.Tag("reliability")
  void aResumedTrainingDropsItsLinesAfterTheCheckpointSoNoStepIsLoggedTwice() throws IOException {
    Path f = dir.resolve("metrics.jsonl");
    try (MetricsLog log = new MetricsLog(f, null, clock)) {
      log.log("pretrain", 10, Map.of("loss", 1.0));
      for (long step = 1; step <= 5; step++) {
        log.log("rl/sac/toy", step, Map.of("reward", step));
      }
      log.log("other", 9, Map.of("x", 1));
      log.resumeAt("rl/sac/toy", 3);
      log.log("rl/sac/toy", 4, Map.of("reward", 40));
      log.resumeAt("rl/reinforce/toy", 0); // nothing of it yet: the file is left alone
    }
    ObjectMapper json = new ObjectMapper();
    List<String> seen = new java.util.ArrayList<>();
    for (String line : Files.readAllLines(f)) {
      JsonNode n = json.readTree(line);
      seen.add(n.get("stage").asText() + "@" + n.get("step").asLong());
    }
    assertEquals(
        List.of(
            "pretrain@10",
            "rl/sac/toy@1",
            "rl/sac/toy@2",
            "rl/sac/toy@3",
            "other@9",
            "rl/sac/toy@4"),
        seen);
    try (MetricsLog log = new MetricsLog(f, null, clock)) {
      log.resumeAt("rl/sac/toy", 0); // a restart from scratch forgets every line of the training
    }
    assertEquals(2, Files.readAllLines(f).size());
  }

  @Test
  void writesOneJsonObjectPerLineFlushedAsWritten() throws IOException {
    Path f = dir.resolve("metrics.jsonl");
    try (MetricsLog log = new MetricsLog(f, null, clock)) {
      Map<String, Number> m = new LinkedHashMap<>();
      m.put("loss", 2.5);
      m.put("tokens", 128);
      m.put("bad", Double.NaN);
      log.log("sft", 3, m);
      // flushed before close: another reader sees the line now
      List<String> lines = Files.readAllLines(f);
      assertEquals(1, lines.size());
      JsonNode n = new ObjectMapper().readTree(lines.get(0));
      assertEquals("2026-01-02T03:04:05Z", n.get("time").asText());
      assertEquals("sft", n.get("stage").asText());
      assertEquals(3, n.get("step").asLong());
      assertEquals(2.5, n.get("loss").asDouble());
      assertEquals(128, n.get("tokens").asLong());
      assertTrue(n.get("bad").isNull());
    }
  }

  @Test
  void reopeningCutsAPartialLastLineAndAppends() throws IOException {
    Path f = dir.resolve("metrics.jsonl");
    Files.writeString(f, "{\"step\":1}\n{\"step\":2,\"lo");
    try (MetricsLog log = new MetricsLog(f, null, clock)) {
      log.log("rl", 2, Map.of("loss", 1.0));
    }
    List<String> lines = Files.readAllLines(f);
    assertEquals(2, lines.size());
    assertEquals("{\"step\":1}", lines.get(0));
    for (String line : lines) {
      new ObjectMapper().readTree(line); // every line parses
    }
  }

  @Test
  void scalarsAlsoReachTensorBoard() throws IOException {
    Path f = dir.resolve("metrics.jsonl");
    TensorBoardWriter tb = new TensorBoardWriter(dir, "h", 1);
    try (MetricsLog log = new MetricsLog(f, tb, clock)) {
      log.log("sft", 1, Map.of("loss", 1.0));
    }
    // version record + one scalar record, each 12 + data + 4 bytes
    long size = Files.size(tb.file());
    assertTrue(size > 2 * 16, "two records written: " + size);
  }
}
