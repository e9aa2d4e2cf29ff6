package dev.elmrlaif.app.cli;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elmrlaif.algorithms.config.DeviceSpec;
import dev.elmrlaif.algorithms.run.ComputeEnvironment;
import dev.elmrlaif.app.bench.CompareWorkload;
import dev.elmrlaif.app.bench.ComparisonTable;
import dev.elmrlaif.app.bench.JavaFigures;
import dev.elmrlaif.app.bench.MemorySoak;
import dev.elmrlaif.app.bench.PolicyThroughput;
import dev.elmrlaif.app.bench.SideBySide;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rlaif bench}: training and sampling throughput of an ELM of the chosen size on this
 * machine ({@link PolicyThroughput}), the figures {@code bench/pytorch_reference.py} measures for
 * the same model in Python PyTorch, so the two can be compared on the same hardware; with {@code
 * --compare}, both sides run alternately in separate processes ({@link SideBySide}) and one
 * Markdown table compares them ({@link ComparisonTable}).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure ELM training and sampling tokens/s at a given size (compare with"
          + " bench/pytorch_reference.py).",
      "With --compare: run the Java figures and bench/pytorch_reference.py alternately for"
          + " --rounds rounds and print (and with --out write) a Markdown table of both sides'"
          + " medians and the Java/PyTorch time ratio. Its sizes default to the quickstart's"
          + " (vocab 1024, 2 layers, 4 heads, context 128) at d_model 64,256,512, 5 warm-ups and"
          + " 15 runs per figure (fewer leave the Java side's JIT cold for the first figures:"
          + " batch-1 sampling 1,349 tokens/s after 1 warm-up, 1,833 after 5)."
    })
public final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--d-model",
      split = ",",
      paramLabel = "D",
      defaultValue = "128,256",
      description = "Residual widths to measure, comma-separated (default: ${DEFAULT-VALUE}).")
  List<Integer> dModels = new ArrayList<>();

  @Option(
      names = "--layers",
      defaultValue = "4",
      description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(
      names = "--heads",
      defaultValue = "4",
      description = "Attention heads (default: ${DEFAULT-VALUE}).")
  int heads;

  @Option(
      names = "--vocab",
      defaultValue = "4096",
      description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
  int vocab;

  @Option(
      names = "--context",
      defaultValue = "128",
      description = "Training sequence length (default: ${DEFAULT-VALUE}).")
  int context;

  @Option(
      names = "--batch",
      defaultValue = "16",
      description = "Rows per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--prompt-tokens",
      defaultValue = "8",
      description = "Prompt length (default: ${DEFAULT-VALUE}).")
  int promptTokens;

  @Option(
      names = "--new-tokens",
      defaultValue = "64",
      description = "Tokens sampled per row (default: ${DEFAULT-VALUE}).")
  int newTokens;

  @Option(
      names = "--warmups",
      defaultValue = "3",
      description = "Untimed repetitions first (default: ${DEFAULT-VALUE}).")
  int warmups;

  @Option(
      names = "--runs",
      defaultValue = "5",
      description = "Timed repetitions; the median is reported (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "PyTorch intra-op threads; 0 means one per core (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      description = "auto, cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
  String device;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Also write the figures as JSON here (with --compare: the Markdown table).")
  Path out;

  @Option(
      names = "--compare",
      description = "Run side by side with bench/pytorch_reference.py and print one table.")
  boolean compare;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      description = "With --compare: alternated rounds per side (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--python",
      defaultValue = "python3",
      description = "With --compare: the Python that has PyTorch (default: ${DEFAULT-VALUE}).")
  String python;

  @Option(
      names = "--script",
      defaultValue = "bench/pytorch_reference.py",
      description = "With --compare: the PyTorch reference script (default: ${DEFAULT-VALUE}).")
  Path script;

  @Option(
      names = "--sample-batches",
      split = ",",
      paramLabel = "B",
      defaultValue = "1,16,64",
      description = "With --compare: rows of each sampling figure (default: ${DEFAULT-VALUE}).")
  List<Integer> sampleBatches = new ArrayList<>();

  @Option(
      names = "--contexts",
      defaultValue = "4",
      description = "With --compare: prompts of the REINFORCE step (default: ${DEFAULT-VALUE}).")
  int contexts;

  @Option(
      names = "--samples-per-context",
      defaultValue = "8",
      description = "With --compare: samples K per prompt (default: ${DEFAULT-VALUE}).")
  int samplesPerContext;

  @Option(
      names = "--gemm-size",
      defaultValue = "2048",
      description = "With --compare: n of the timed n x n matMul (default: ${DEFAULT-VALUE}).")
  int gemmSize;

  @Option(
      names = "--size",
      defaultValue = "quickstart",
      description =
          "With --compare or --soak: the model, quickstart (vocab 1024, 2 layers, d_model 64;"
              + " --compare also trains at 256 and 512) or recipe (issue 13's: vocab 2048, 2 layers,"
              + " d_model 128); context 128, 4 heads; --vocab, --layers, --d-model override it"
              + " (default: ${DEFAULT-VALUE}).")
  String size;

  @Option(
      names = "--reward-texts",
      defaultValue = "32",
      description =
          "With --compare: texts per timed run of the MiniLM reward-throughput figure; 0 leaves it"
              + " out (default: ${DEFAULT-VALUE}).")
  int rewardTexts;

  @Option(
      names = "--soak",
      description =
          "Memory soak: --steps REINFORCE steps, then --steps SAC steps, at --size with a"
              + " stand-in reward, resident memory read every --soak-every steps; writes the"
              + " readings as CSV to --out (default bench-soak.csv) and prints the slope after"
              + " warm-up (the first tenth of the steps) and the peak.")
  boolean soak;

  @Option(
      names = "--steps",
      defaultValue = "2000",
      description = "With --soak: steps of each algorithm (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--soak-every",
      defaultValue = "10",
      description = "With --soak: steps between readings (default: ${DEFAULT-VALUE}).")
  int soakEvery;

  /** The child process of {@code --compare}: measure the Java side, print one JSON line. */
  @Option(names = "--java-side", hidden = true)
  boolean javaSide;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    DeviceSpec deviceSpec;
    try {
      deviceSpec = DeviceSpec.parse(device);
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--device: " + e.getMessage(), e);
    }
    if (threads < 0) {
      throw new UserInputException(
          "--threads: found " + threads + ", expected 0 (one per core) or more");
    }
    if (soak) {
      return soak(deviceSpec);
    }
    if (compare || javaSide) {
      return compare(deviceSpec);
    }
    List<PolicyThroughput.Workload> workloads = new ArrayList<>();
    for (int dModel : dModels) {
      if (dModel < heads || dModel % heads != 0) {
        throw new UserInputException(
            "--d-model: found " + dModel + ", expected a multiple of --heads " + heads);
      }
      try {
        workloads.add(
            new PolicyThroughput.Workload(
                vocab,
                context,
                layers,
                heads,
                dModel,
                batch,
                promptTokens,
                newTokens,
                warmups,
                runs));
      } catch (IllegalArgumentException e) {
        throw new UserInputException(e.getMessage(), e);
      }
    }
    ComputeEnvironment compute = ComputeEnvironment.select(deviceSpec, threads);
    Device target = compute.device();
    PrintWriter printer = spec.commandLine().getOut();
    printer.printf(
        Locale.ROOT,
        "%s %s on %s, %d intra-op threads; batch %d, %d-token sequences, %d new tokens; "
            + "median of %d runs after %d warm-ups%n",
        compute.engineName(),
        compute.engineVersion(),
        target,
        compute.intraOpThreads(),
        batch,
        context,
        newTokens,
        runs,
        warmups);
    printer.println(
        "| d_model | layers | train fwd+bwd (tok/s) | + AdamW (tok/s) | sampling, KV cache (tok/s) |");
    printer.println("| --- | --- | --- | --- | --- |");
    printer.flush();
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    root.put("engine", compute.engineName() + " " + compute.engineVersion());
    root.put("device", target.toString());
    root.put("threads", compute.intraOpThreads());
    ArrayNode results = root.putArray("results");
    for (PolicyThroughput.Workload workload : workloads) {
      PolicyThroughput.Result result = PolicyThroughput.measure(workload, target);
      printer.printf(
          Locale.ROOT,
          "| %d | %d | %.0f | %.0f | %.0f |%n",
          workload.dModel(),
          workload.layers(),
          result.trainTokensPerSecond(),
          result.trainWithAdamWTokensPerSecond(),
          result.samplingTokensPerSecond());
      printer.flush();
      ObjectNode node = results.addObject();
      node.putPOJO("workload", workload);
      node.put("train_tokens_per_s", result.trainTokensPerSecond());
      node.put("train_adamw_tokens_per_s", result.trainWithAdamWTokensPerSecond());
      node.put("sampling_tokens_per_s", result.samplingTokensPerSecond());
    }
    if (out != null) {
      AtomicFiles.writeString(out, json.writeValueAsString(root));
    }
    return 0;
  }

  /** {@code --compare}, and the Java side's child process ({@code --java-side}). */
  private int compare(DeviceSpec deviceSpec) throws Exception {
    if (rounds < 1) {
      throw new UserInputException("--rounds: found " + rounds + ", expected 1 or more");
    }
    if (deviceSpec.kind() != DeviceSpec.Kind.CPU) {
      throw new UserInputException(
          "--device: found "
              + device
              + ", expected cpu with --compare (the reference runs on the"
              + " CPU)");
    }
    ModelSize model = modelSize();
    CompareWorkload workload;
    try {
      workload =
          new CompareWorkload(
              or("--vocab", vocab, model.vocab()),
              context,
              or("--layers", layers, model.layers()),
              heads,
              matched("--d-model") ? dModels : model.compareWidths(),
              batch,
              promptTokens,
              newTokens,
              sampleBatches,
              contexts,
              samplesPerContext,
              gemmSize,
              or("--warmups", warmups, 5),
              or("--runs", runs, 15),
              threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
              rewardTexts);
    } catch (IllegalArgumentException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    PrintWriter printer = spec.commandLine().getOut();
    if (javaSide) {
      ComputeEnvironment compute = ComputeEnvironment.select(deviceSpec, workload.threads());
      printer.println(JavaFigures.measure(workload, compute.device()).toJsonLine());
      printer.flush();
      return 0;
    }
    SideBySide sides = new SideBySide(python, script, RlaifCommand.class.getName());
    sides.requirePyTorch();
    PrintWriter err = spec.commandLine().getErr();
    SideBySide.Rounds result =
        sides.run(
            workload,
            rounds,
            line -> {
              err.println("bench --compare: " + line);
              err.flush();
            });
    String table =
        ComparisonTable.markdown(
            workload, ComparisonTable.Machine.detect(), result.java(), result.pytorch());
    printer.print(table);
    printer.flush();
    if (out != null) {
      AtomicFiles.writeString(out, table);
    }
    return 0;
  }

  /**
   * The model sizes of {@code --size}: the quickstart's, and issue 13's recipe.
   *
   * @param vocab vocabulary
   * @param layers blocks
   * @param compareWidths the widths {@code --compare} trains at (the first is the base size)
   */
  private record ModelSize(int vocab, int layers, List<Integer> compareWidths) {}

  private ModelSize modelSize() {
    return switch (size) {
      case "quickstart" -> new ModelSize(1024, 2, List.of(64, 256, 512));
      case "recipe" -> new ModelSize(2048, 2, List.of(128));
      default ->
          throw new UserInputException("--size: found " + size + ", expected quickstart or recipe");
    };
  }

  /** {@code --soak}: the memory soak of {@link MemorySoak}, its CSV and its fitted slopes. */
  private int soak(DeviceSpec deviceSpec) throws Exception {
    ModelSize model = modelSize();
    int width = matched("--d-model") ? dModels.get(0) : model.compareWidths().get(0);
    if (steps < 1 || soakEvery < 1) {
      throw new UserInputException(
          "--steps/--soak-every: found " + steps + "/" + soakEvery + ", expected both >= 1");
    }
    long warmup = steps / 10;
    if ((steps - warmup) / soakEvery < 3) {
      throw new UserInputException(
          "--steps/--soak-every: found "
              + steps
              + "/"
              + soakEvery
              + ", expected at least 3 readings after the warm-up of "
              + warmup
              + " steps (more steps or a smaller --soak-every)");
    }
    if (width < heads || width % heads != 0) {
      throw new UserInputException(
          "--d-model: found " + width + ", expected a multiple of --heads " + heads);
    }
    Path csv = out != null ? out : Path.of("bench-soak.csv");
    Path parent = csv.toAbsolutePath().getParent();
    if (parent != null && !java.nio.file.Files.isDirectory(parent)) {
      throw new UserInputException(
          "--out: the folder " + parent + " does not exist, expected an existing folder");
    }
    MemorySoak.Size soakSize =
        new MemorySoak.Size(
            or("--vocab", vocab, model.vocab()),
            context,
            or("--layers", layers, model.layers()),
            heads,
            width);
    ComputeEnvironment compute = ComputeEnvironment.select(deviceSpec, threads);
    PrintWriter printer = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    printer.printf(
        Locale.ROOT,
        "memory soak: %s (vocab %d, context %d, %d layers, %d heads, d_model %d), %d REINFORCE"
            + " then %d SAC steps, %s %s, %d intra-op threads; RSS every %d steps%n",
        size,
        soakSize.vocabSize(),
        soakSize.contextLength(),
        soakSize.layers(),
        soakSize.heads(),
        soakSize.dModel(),
        steps,
        steps,
        compute.engineName(),
        compute.engineVersion(),
        compute.intraOpThreads(),
        soakEvery);
    printer.flush();
    List<MemorySoak.Sample> samples =
        MemorySoak.run(
            soakSize,
            steps,
            soakEvery,
            compute.device(),
            line -> {
              err.println("bench --soak: " + line);
              err.flush();
            });
    AtomicFiles.writeString(csv, MemorySoak.csv(samples));
    for (String phase : List.of("reinforce", "sac")) {
      printer.println(MemorySoak.fit(samples, phase, warmup).describe(warmup));
    }
    printer.printf(
        Locale.ROOT,
        "process peak RSS (VmHWM): %.0f MiB; readings written to %s%n",
        MemorySoak.statusMib("VmHWM"),
        csv);
    printer.flush();
    return 0;
  }

  private boolean matched(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  /** The option's value when given, else {@code --compare}'s own default. */
  private int or(String option, int value, int compareDefault) {
    return matched(option) ? value : compareDefault;
  }
}
