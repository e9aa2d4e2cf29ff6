package dev.elmrlaif.app.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.algorithms.config.DeviceSpec;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.io.AtomicFiles;
import dev.elmrlaif.policy.model.CheckpointFormatException;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.policy.tokenizer.TokenizerFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rlaif generate --model DIR --prompt "... <|entity_0|> ..." (--vector V | --vectors FILE)}:
 * lets an ELM talk about embeddings given on the command line or in a file, real or hypothetical
 * (an interpolation or a concept-shifted point is just another vector). Prints one JSON object per
 * generation ({@code id}, {@code sample}, {@code text}, {@code tokens}, {@code token_ids}, {@code
 * ended}, {@code logprob} = {@code log π(y|c)} under the untempered policy), to standard output or
 * atomically to {@code --out}.
 *
 * <p>Vectors file: JSON lines, each {@code {"id": "any label", "entities": [[...], ...]}} with one
 * vector per placeholder of the prompt, in slot order.
 *
 * <p>{@code --run RUN_DIR} names the entities instead ({@code --movie}, {@code --user}, {@code
 * --interpolate}, {@code --concept}; {@link GenerateByName}) and adds each text's SC and BC.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Generate texts from a checkpoint for given embeddings.")
public final class GenerateCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "Model folder written by training, e.g. RUN/sft/movie/model (elm.json, model.safetensors, tokenizer.json).")
  Path model;

  @Option(
      names = "--prompt",
      paramLabel = "TEXT",
      description =
          "The prompt; <|entity_0|>, <|entity_1|> mark where each vector goes, e.g. "
              + "\"Write a long summary of the movie <|entity_0|>.\"")
  String prompt;

  @Option(
      names = "--vector",
      paramLabel = "V1,V2,...",
      description =
          "One comma-separated vector per placeholder, in slot order (repeat for two slots).")
  List<String> vectors = new ArrayList<>();

  @Option(
      names = "--vectors",
      paramLabel = "FILE",
      description =
          "JSON lines, each {\"id\": ..., \"entities\": [[...], ...]}: one context per line.")
  Path vectorsFile;

  @Option(
      names = "--run",
      paramLabel = "RUN_DIR",
      description =
          "A run folder: name the entities instead of giving a model, a prompt and vectors"
              + " (--movie, --user, --interpolate; --concept to shift them).")
  Path run;

  @Option(
      names = "--movie",
      paramLabel = "TITLE",
      description =
          "With --run: a movie by title, e.g. \"Toy Story (1995)\" (twice for two-movie tasks).")
  List<String> movies = new ArrayList<>();

  @Option(names = "--user", paramLabel = "ID", description = "With --run: a user by id, e.g. 42.")
  String user;

  @Option(
      names = "--interpolate",
      arity = "2",
      paramLabel = "NAME",
      description =
          "With --run: two movies (or users, with a user --task); generates for (1-alpha)·A + alpha·B.")
  List<String> interpolate = new ArrayList<>();

  @Option(
      names = "--alpha",
      paramLabel = "A",
      defaultValue = "0.5",
      description =
          "Mixing weight of the second entity of --interpolate, in [0, 1] (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(
      names = "--concept",
      paramLabel = "NAME",
      description =
          "With --run and --movie or --user: shift the entity along this concept direction, e + scale·cav.")
  String concept;

  @Option(
      names = "--scale",
      paramLabel = "S",
      defaultValue = "1.0",
      description = "Step along --concept (default: ${DEFAULT-VALUE}).")
  double scale;

  @Option(
      names = "--task",
      paramLabel = "TASK",
      description =
          "With --run: the task, e.g. summary or user_profile (default: the run's first task about the named entity kind).")
  String task;

  @Option(
      names = "--stage",
      paramLabel = "STAGE",
      description =
          "With --run: the model to use, sft or rl_<algorithm> (default: the last RL stage with a model, else sft).")
  String stage;

  @Option(
      names = "--samples",
      paramLabel = "K",
      defaultValue = "1",
      description = "Generations per context (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(
      names = "--greedy",
      description = "Take the most likely token at each step instead of sampling.")
  boolean greedy;

  @Option(
      names = "--temperature",
      paramLabel = "T",
      defaultValue = "1.0",
      description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      defaultValue = "0",
      description = "Keep the K most likely tokens; 0 keeps all (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      defaultValue = "1.0",
      description =
          "Nucleus sampling: keep the most likely tokens up to probability P (default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(
      names = "--max-new-tokens",
      paramLabel = "N",
      defaultValue = "64",
      description =
          "Most tokens per generation (default: ${DEFAULT-VALUE}; also capped by the context length).")
  int maxNewTokens;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "Sampling seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write the JSON lines here (atomically) instead of standard output.")
  Path out;

  @Option(
      names = "--device",
      paramLabel = "DEVICE",
      defaultValue = "cpu",
      description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
  String device;

  @Spec CommandSpec spec;

  /**
   * One context to generate for: a label, where it was given (file and line, or --vector) and one
   * vector per slot.
   */
  private record Context(String id, String where, float[][] entities) {}

  @Override
  public Integer call() throws IOException {
    if (run != null) {
      return callByName();
    }
    if (model == null || prompt == null) {
      throw new UserInputException(
          "give --model DIR and --prompt TEXT (with --vector or --vectors), or --run RUN_DIR with"
              + " entities by name (--movie, --user, --interpolate)");
    }
    if (samples < 1) {
      throw new UserInputException("--samples: found " + samples + ", expected an integer >= 1");
    }
    if (maxNewTokens < 1) {
      throw new UserInputException(
          "--max-new-tokens: found " + maxNewTokens + ", expected an integer >= 1");
    }
    if (vectors.isEmpty() == (vectorsFile == null)) {
      throw new UserInputException(
          "give the embeddings either with --vector (one per placeholder) or with "
              + "--vectors FILE, not "
              + (vectors.isEmpty() ? "neither" : "both"));
    }
    SamplingConfig sampling = samplingConfig();
    if (out != null && Files.exists(out) && !Files.isRegularFile(out)) {
      throw new UserInputException(
          "--out "
              + out
              + ": "
              + (Files.isDirectory(out) ? "is a folder" : "is not a regular file")
              + "; expected the name of the file to write the JSON lines to");
    }
    Path tokenizerFile = model.resolve(ElmCheckpoint.TOKENIZER_FILE);
    if (!Files.isRegularFile(tokenizerFile)) {
      throw new UserInputException(
          tokenizerFile + ": file not found; expected the model's tokenizer.json");
    }
    List<Context> contexts = vectorsFile == null ? List.of(fromOptions()) : fromFile(vectorsFile);
    StringBuilder lines = new StringBuilder();
    try (ElmTokenizer tokenizer = ElmTokenizer.load(tokenizerFile);
        Elm elm = ElmCheckpoint.load(model, toDevice(), DataType.FLOAT32)) {
      int[] promptIds = promptIds(tokenizer);
      int slots = placeholderSlots(promptIds, elm.config());
      int room = elm.config().lm().contextLength() - promptIds.length;
      if (room < 1) {
        throw new UserInputException(
            "--prompt: "
                + promptIds.length
                + " tokens leave no room in the model's context of "
                + elm.config().lm().contextLength()
                + " tokens");
      }
      SamplingConfig capped =
          new SamplingConfig(
              Math.min(sampling.maxNewTokens(), room),
              sampling.greedy(),
              sampling.temperature(),
              sampling.topK(),
              sampling.topP());
      List<ElmPrompt> prompts = new ArrayList<>();
      for (Context context : contexts) {
        checkDimensions(context, slots, elm.config());
        for (int k = 0; k < samples; k++) {
          prompts.add(new ElmPrompt(promptIds, context.entities()));
        }
      }
      SampleResult result = Sampler.sample(elm, prompts, capped, seed);
      for (int row = 0; row < result.rows(); row++) {
        int[] tokens = result.continuation(row);
        ObjectNode line = JSON.createObjectNode();
        line.put("id", contexts.get(row / samples).id());
        line.put("sample", row % samples);
        line.put("text", tokenizer.decodeGenerated(tokens));
        line.put("tokens", tokens.length);
        ArrayNode tokenIds = line.putArray("token_ids");
        for (int token : tokens) {
          tokenIds.add(token);
        }
        line.put("ended", result.ended()[row]);
        line.put("logprob", result.sequencePolicyLogProb(row));
        lines.append(JSON.writeValueAsString(line)).append('\n');
      }
    } catch (CheckpointFormatException | TokenizerFormatException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    if (out != null) {
      AtomicFiles.writeString(out, lines.toString());
    } else {
      spec.commandLine().getOut().print(lines);
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  /** {@code --run}: entities by name, each generation printed with its SC (and BC). */
  private int callByName() throws IOException {
    if (model != null || prompt != null || !vectors.isEmpty() || vectorsFile != null) {
      throw new UserInputException(
          "--run names the entities: leave out --model, --prompt, --vector and --vectors");
    }
    int named =
        (movies.isEmpty() ? 0 : 1) + (user == null ? 0 : 1) + (interpolate.isEmpty() ? 0 : 1);
    if (named != 1) {
      throw new UserInputException(
          "--run: name the entities with exactly one of --movie, --user or --interpolate, found "
              + (named == 0 ? "none" : "several"));
    }
    if (concept != null && (interpolate.size() > 0 || movies.size() > 1)) {
      throw new UserInputException(
          "--concept: shifts one entity; combine it with one --movie or --user");
    }
    if (!(alpha >= 0 && alpha <= 1)) {
      throw new UserInputException("--alpha: found " + alpha + ", expected a number in [0, 1]");
    }
    if (!Double.isFinite(scale)) {
      throw new UserInputException("--scale: found " + scale + ", expected a finite number");
    }
    if (samples < 1) {
      throw new UserInputException("--samples: found " + samples + ", expected an integer >= 1");
    }
    if (maxNewTokens < 1) {
      throw new UserInputException(
          "--max-new-tokens: found " + maxNewTokens + ", expected an integer >= 1");
    }
    SamplingConfig sampling = samplingConfig();
    if (out != null && Files.exists(out) && !Files.isRegularFile(out)) {
      throw new UserInputException(
          "--out " + out + ": is not a regular file; expected the name of the file to write to");
    }
    GenerateByName byName =
        GenerateByName.open(
            new GenerateByName.Request(
                run, movies, user, interpolate, alpha, concept, scale, task, stage));
    StringBuilder lines = new StringBuilder();
    for (ObjectNode line : byName.generate(sampling, samples, seed, toDevice())) {
      lines.append(JSON.writeValueAsString(line)).append('\n');
    }
    if (out != null) {
      AtomicFiles.writeString(out, lines.toString());
    } else {
      spec.commandLine().getOut().print(lines);
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  private SamplingConfig samplingConfig() {
    try {
      SamplingConfig config =
          greedy ? SamplingConfig.greedy(maxNewTokens) : SamplingConfig.ancestral(maxNewTokens);
      return greedy ? config : config.withTemperature(temperature).withTopK(topK).withTopP(topP);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(
          "sampling options (--temperature, --top-k, --top-p): " + e.getMessage(), e);
    }
  }

  private int[] promptIds(ElmTokenizer tokenizer) {
    long[] ids = tokenizer.encode(prompt);
    if (ids.length == 0) {
      throw new UserInputException(
          "--prompt: empty, expected a prompt with placeholders such as <|entity_0|>");
    }
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /** How many vectors each context needs: the highest placeholder slot in the prompt, plus one. */
  private static int placeholderSlots(int[] promptIds, ElmConfig config) {
    int slots = 0;
    for (int id : promptIds) {
      slots = Math.max(slots, config.placeholderSlot(id) + 1);
    }
    if (slots == 0) {
      throw new UserInputException(
          "--prompt: has no placeholder; expected <|entity_0|> where the embedding goes"
              + (config.hasAdapter() ? "" : " (and a model with an adapter: this one has none)"));
    }
    return slots;
  }

  private static void checkDimensions(Context context, int slots, ElmConfig config) {
    if (context.entities().length != slots) {
      throw new UserInputException(
          context.where()
              + ": found "
              + context.entities().length
              + " vector(s), expected "
              + slots
              + ", one per placeholder <|entity_k|> in --prompt");
    }
    int dimension = config.adapter().domainDim();
    for (int k = 0; k < slots; k++) {
      if (context.entities()[k].length != dimension) {
        throw new UserInputException(
            context.where()
                + ": vector "
                + k
                + " has "
                + context.entities()[k].length
                + " components, expected "
                + dimension
                + " (the model's adapter input dimension)");
      }
    }
  }

  private Context fromOptions() {
    float[][] entities = new float[vectors.size()][];
    for (int k = 0; k < vectors.size(); k++) {
      String[] parts = vectors.get(k).split(",");
      entities[k] = new float[parts.length];
      for (int d = 0; d < parts.length; d++) {
        entities[k][d] = component("--vector #" + (k + 1), d, parts[d].trim());
      }
    }
    return new Context("--vector", "--vector", entities);
  }

  private static List<Context> fromFile(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new UserInputException(
          file + ": file not found; expected JSON lines of {\"id\": ..., \"entities\": [[...]]}");
    }
    List<Context> contexts = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String where = file + ", line " + (i + 1);
      if (lines.get(i).isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(lines.get(i));
      } catch (JsonProcessingException e) {
        throw new UserInputException(where + ": invalid JSON: " + e.getOriginalMessage());
      }
      JsonNode entities = node.get("entities");
      if (entities == null || !entities.isArray() || entities.isEmpty()) {
        throw new UserInputException(
            where + ": expected \"entities\": a list with one vector per placeholder");
      }
      float[][] vectors = new float[entities.size()][];
      for (int k = 0; k < entities.size(); k++) {
        JsonNode vector = entities.get(k);
        if (!vector.isArray()) {
          throw new UserInputException(where + ": entities[" + k + "] is not a list of numbers");
        }
        vectors[k] = new float[vector.size()];
        for (int d = 0; d < vector.size(); d++) {
          vectors[k][d] = component(where + ": entities[" + k + "]", d, vector.get(d).asText());
        }
      }
      String id = node.hasNonNull("id") ? node.get("id").asText() : "line " + (i + 1);
      contexts.add(
          new Context(id, where + (node.hasNonNull("id") ? " (id " + id + ")" : ""), vectors));
    }
    if (contexts.isEmpty()) {
      throw new UserInputException(file + ": holds no context; expected at least one JSON line");
    }
    return contexts;
  }

  private static float component(String where, int index, String text) {
    float value;
    try {
      value = Float.parseFloat(text);
    } catch (NumberFormatException e) {
      throw new UserInputException(
          where + ", component " + index + ": '" + text + "' is not a number");
    }
    if (!Float.isFinite(value)) {
      throw new UserInputException(
          where + ", component " + index + ": found " + text + ", expected a finite number");
    }
    return value;
  }

  private Device toDevice() {
    DeviceSpec parsed;
    try {
      parsed = DeviceSpec.parse(device);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--device: " + e.getMessage(), e);
    }
    return switch (parsed.kind()) {
      case CPU -> Device.cpu();
      case GPU -> Device.gpu(parsed.gpuIndex());
      case AUTO -> Engine.getInstance().defaultDevice();
    };
  }
}
