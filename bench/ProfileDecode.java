import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import dev.elmrlaif.policy.model.AdapterConfig;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.GptConfig;
import dev.elmrlaif.policy.sampling.SampleResult;
import dev.elmrlaif.policy.sampling.Sampler;
import dev.elmrlaif.policy.sampling.SamplingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Where the Java side's sampling time goes (issue 16): the quickstart-size model of {@code rlaif
 * bench --compare} samples 64 tokens at batch 1, 16 and 64, timed without a profiler (the median
 * of 15 runs after 5 warm-ups), then once more under libtorch's own profiler (DJL's {@code
 * JniUtils.startProfile}), whose Chrome trace {@code bench/profile_decode.py} reads: the time
 * inside libtorch's operators against the wall time, per decode step. {@code
 * bench/profile_decode.py --python} does the same for the PyTorch reference's sampler.
 *
 * <pre>
 * OMP_NUM_THREADS=2 java -Dai.djl.pytorch.num_threads=2 \
 *     -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true \
 *     -cp app/target/rlaif.jar bench/ProfileDecode.java OUT_DIR [VOCAB D_MODEL]
 * </pre>
 *
 * (without {@code OMP_WAIT_POLICY}, as {@code ./rlaif train} runs; docs/benchmarks.md also shows
 * a profile under {@code OMP_WAIT_POLICY=PASSIVE}).
 */
public class ProfileDecode {
  static final int CONTEXT = 128, LAYERS = 2, HEADS = 4;
  static final int ENTITY_DIM = 32, PROMPT = 8, NEW_TOKENS = 64;
  static int VOCAB = 1024, D = 64; // the quickstart's; args 2 and 3 set others (recipe: 2048 128)

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "profile-decode");
    if (args.length > 2) {
      VOCAB = Integer.parseInt(args[1]);
      D = Integer.parseInt(args[2]);
    }
    Files.createDirectories(out);
    GptConfig lm =
        GptConfig.builder()
            .vocabSize(VOCAB)
            .contextLength(CONTEXT)
            .layers(LAYERS)
            .heads(HEADS)
            .dModel(D)
            .build();
    ElmConfig config =
        new ElmConfig(lm, new AdapterConfig(ENTITY_DIM, 128, 0.02), List.of(VOCAB - 1), 1, 0);
    StringBuilder summary =
        new StringBuilder("side,batch,wall_us_per_step,steps_per_run,profiled_steps\n");
    try (Elm elm = Elm.initialize(config, Device.cpu(), DataType.FLOAT32, 1)) {
      for (int rows : new int[] {1, 16, 64}) {
        List<ElmPrompt> prompts = prompts(rows);
        SamplingConfig sampling = SamplingConfig.ancestral(NEW_TOKENS);
        long seed = 0;
        for (int i = 0; i < 5; i++) {
          Sampler.sample(elm, prompts, sampling, seed++);
        }
        double[] perStep = new double[15];
        int steps = 0;
        for (int i = 0; i < perStep.length; i++) {
          long start = System.nanoTime();
          SampleResult result = Sampler.sample(elm, prompts, sampling, seed++);
          long elapsed = System.nanoTime() - start;
          steps = Arrays.stream(result.lengths()).max().orElse(1);
          perStep[i] = elapsed / 1e3 / steps;
        }
        Arrays.sort(perStep);
        int profiledSteps = 0;
        JniUtils.startProfile(false, false, false);
        for (int i = 0; i < 3; i++) {
          SampleResult result = Sampler.sample(elm, prompts, sampling, seed++);
          profiledSteps += Arrays.stream(result.lengths()).max().orElse(1);
        }
        JniUtils.stopProfile(out.resolve("java-b" + rows + ".json").toString());
        summary.append(
            String.format(
                "java,%d,%.1f,%d,%d%n", rows, perStep[perStep.length / 2], steps, profiledSteps));
      }
    }
    Files.writeString(out.resolve("java-wall.csv"), summary.toString());
    System.out.print(summary);
  }

  /** Random 8-token prompts with the placeholder at index 2, as the bench's inputs. */
  static List<ElmPrompt> prompts(int rows) {
    SplittableRandom rng = new SplittableRandom(7);
    List<ElmPrompt> prompts = new ArrayList<>();
    for (int row = 0; row < rows; row++) {
      int[] ids = new int[PROMPT];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = 2 + rng.nextInt(VOCAB - 3);
      }
      ids[2] = VOCAB - 1;
      float[] entity = new float[ENTITY_DIM];
      for (int i = 0; i < entity.length; i++) {
        entity[i] = (float) rng.nextGaussian();
      }
      prompts.add(new ElmPrompt(ids, new float[][] {entity}));
    }
    return prompts;
  }
}
