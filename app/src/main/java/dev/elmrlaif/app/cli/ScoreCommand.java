package dev.elmrlaif.app.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.algorithms.config.DeviceSpec;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.model.CheckpointFormatException;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.TextScorer;
import dev.elmrlaif.policy.model.TextScorer.TextScore;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.policy.tokenizer.TokenizerFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rlaif score --model DIR --text "..."}: prints, as one JSON object, the tokens of a text,
 * their ids, the log-probability of each given the ones before it (the first given the begin token)
 * and their sum, under a project checkpoint or a Hugging Face GPT-2 folder. It uses the same
 * log-prob function as training ({@code Elm.continuationLogProbs}).
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description =
        "Print the per-token log-probs of a text under a model (project checkpoint or Hugging Face GPT-2 folder).")
public final class ScoreCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description =
          "Model folder: config.json, model.safetensors, tokenizer.json (and elm.json for a project checkpoint).")
  Path model;

  @Option(
      names = "--text",
      required = true,
      paramLabel = "TEXT",
      description = "The text to score.")
  String text;

  @Option(
      names = "--device",
      paramLabel = "DEVICE",
      defaultValue = "cpu",
      description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
  String device;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path tokenizerFile = model.resolve(ElmCheckpoint.TOKENIZER_FILE);
    if (!Files.isRegularFile(tokenizerFile)) {
      throw new UserInputException(
          tokenizerFile + ": file not found; expected the model's tokenizer.json");
    }
    Device target;
    try {
      target = toDevice(DeviceSpec.parse(device));
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--device: " + e.getMessage(), e);
    }
    TextScore score;
    try (ElmTokenizer tokenizer = ElmTokenizer.load(tokenizerFile);
        Elm elm = ElmCheckpoint.load(model, target, DataType.FLOAT32)) {
      score = TextScorer.score(elm, tokenizer, text);
    } catch (CheckpointFormatException | TokenizerFormatException e) {
      throw new UserInputException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--text: " + e.getMessage(), e);
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode out = json.createObjectNode();
    ArrayNode tokens = out.putArray("tokens");
    score.tokens().forEach(tokens::add);
    ArrayNode ids = out.putArray("token_ids");
    for (long id : score.tokenIds()) {
      ids.add(id);
    }
    ArrayNode logProbs = out.putArray("logprobs");
    for (double logProb : score.logProbs()) {
      logProbs.add(logProb);
    }
    out.put("sum", score.sum());
    spec.commandLine().getOut().println(json.writeValueAsString(out));
    spec.commandLine().getOut().flush();
    return 0;
  }

  private static Device toDevice(DeviceSpec spec) {
    return switch (spec.kind()) {
      case CPU -> Device.cpu();
      case GPU -> Device.gpu(spec.gpuIndex());
      case AUTO -> Engine.getInstance().defaultDevice();
    };
  }
}
