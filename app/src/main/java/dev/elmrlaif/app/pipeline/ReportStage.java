package dev.elmrlaif.app.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.pipeline.RunContext;
import dev.elmrlaif.algorithms.pipeline.Stage;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.app.report.HtmlReport;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last stage: {@code report.md}, a page that explains the run — what was run (config name and
 * hash, seed, device, code version), each stage's wall time and outcome, the evaluation's tables
 * ({@code eval.md} as written, so every SC and BC figure with its bootstrap interval and RL − SFT
 * with its paired interval; on the synthetic CoMDP the distance to the exact optimum), and the last
 * value of every metric per stage, read back from {@code metrics.jsonl} and {@code
 * provenance.json}; then {@code report.html} with plots ({@link HtmlReport}).
 */
public final class ReportStage implements Stage {
  private final ObjectMapper json = new ObjectMapper();

  @Override
  public StageName name() {
    return StageName.REPORT;
  }

  @Override
  public Map<String, Object> run(RunContext context) throws IOException {
    RunDirectory run = context.run();
    StringBuilder md = new StringBuilder();
    md.append("# Run report: ").append(context.config().name()).append("\n\n");

    JsonNode prov = json.readTree(run.path().resolve(RunDirectory.PROVENANCE_FILE).toFile());
    md.append("| what | value |\n| --- | --- |\n");
    for (String key :
        new String[] {
          "config_hash", "seed", "git_commit", "git_dirty", "data_fingerprint", "device",
          "engine", "engine_version", "djl_version", "java_version", "intra_op_threads", "host",
          "started_at"
        }) {
      JsonNode v = prov.get(key);
      md.append("| ")
          .append(key)
          .append(" | ")
          .append(v == null || v.isNull() ? "—" : v.asText())
          .append(" |\n");
    }

    md.append("\n## Stages\n\n| stage | seconds | outcome |\n| --- | --- | --- |\n");
    for (StageName stage : context.config().stages().stream().distinct().sorted().toList()) {
      if (stage == StageName.REPORT) {
        continue;
      }
      Map<String, Object> record = run.stageRecord(stage).orElse(null);
      if (record == null) {
        md.append("| ").append(stage.key()).append(" | — | not run |\n");
        continue;
      }
      StringBuilder outcome = new StringBuilder();
      record.forEach(
          (k, v) -> {
            if (!k.equals("stage") && !k.equals("seconds") && !k.equals("finished_at")) {
              outcome.append(outcome.length() == 0 ? "" : "; ").append(k).append(" = ").append(v);
            }
          });
      md.append("| ")
          .append(stage.key())
          .append(" | ")
          .append(record.get("seconds"))
          .append(" | ")
          .append(outcome.length() == 0 ? "done" : outcome)
          .append(" |\n");
    }

    Path evaluation = run.path().resolve("eval.md");
    if (Files.isRegularFile(evaluation)) {
      md.append("\n## Evaluation\n\n");
      for (String line : Files.readAllLines(evaluation, StandardCharsets.UTF_8)) {
        md.append(line.startsWith("#") ? "##" + line : line)
            .append('\n'); // its headings nest under this one
      }
    }

    Map<String, Map<String, String>> last = lastMetrics(run.metricsFile());
    md.append("\n## Last value of each metric\n\n");
    if (last.isEmpty()) {
      md.append("No metrics were logged.\n");
    } else {
      md.append("| stage | metric | value |\n| --- | --- | --- |\n");
      last.forEach(
          (stage, metrics) ->
              metrics.forEach(
                  (k, v) ->
                      md.append("| ")
                          .append(stage)
                          .append(" | ")
                          .append(k)
                          .append(" | ")
                          .append(v)
                          .append(" |\n")));
    }
    Path out = run.path().resolve("report.md");
    AtomicFiles.writeString(out, md.toString());
    Path html = HtmlReport.write(run.path());
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("report", out.getFileName().toString());
    record.put("report_html", html.getFileName().toString());
    return record;
  }

  private Map<String, Map<String, String>> lastMetrics(Path metrics) throws IOException {
    Map<String, Map<String, String>> last = new TreeMap<>();
    if (!Files.exists(metrics)) {
      return last;
    }
    try (BufferedReader r = Files.newBufferedReader(metrics, StandardCharsets.UTF_8)) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = json.readTree(line);
        Map<String, String> m =
            last.computeIfAbsent(node.path("stage").asText(), k -> new LinkedHashMap<>());
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!e.getKey().equals("time")
              && !e.getKey().equals("stage")
              && !e.getKey().equals("step")) {
            m.put(e.getKey(), e.getValue().asText());
          }
        }
      }
    }
    return last;
  }
}
