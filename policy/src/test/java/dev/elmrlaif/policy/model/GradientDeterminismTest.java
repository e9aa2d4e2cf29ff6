package dev.elmrlaif.policy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The language model's gradients are the same bits on every backward pass at two intra-op threads,
 * the default on a 2-core machine. Before {@link CausalLm#rows} the token and position lookups were
 * advanced indexing, whose CPU backward ({@code index_put_} with accumulation) adds with atomic
 * float additions in thread-arrival order once a gradient has 32,768 elements or more: two
 * identical runs at the default {@code threads: 0} drifted apart in the last bits from the first
 * step on.
 *
 * <p>The thread count is fixed when the engine loads, and the test JVM runs with one thread, so the
 * passes run in a child JVM with two; the batch (16 x 64 tokens of width 64) is large enough to
 * take the parallel path. The child prints one SHA-256 of all gradients per pass.
 */
class GradientDeterminismTest {
  private static final int PASSES = 4;

  @Test
  void gradientsAreBitIdenticalAcrossPassesAtTwoThreads() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=2",
                "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp",
                System.getProperty("java.class.path"),
                GradientDeterminismTest.class.getName(),
                Integer.toString(PASSES))
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, child.waitFor(), output);
    List<String> digests = output.lines().filter(line -> line.startsWith("digest ")).toList();
    assertEquals(PASSES, digests.size(), output);
    for (String digest : digests) {
      assertEquals(digests.get(0), digest, "gradients differ between identical passes:\n" + output);
    }
  }

  /** The child: {@code PASSES} identical forward and backward passes, one digest line each. */
  public static void main(String[] args) throws NoSuchAlgorithmException {
    int passes = Integer.parseInt(args[0]);
    GptConfig config =
        GptConfig.builder().vocabSize(256).contextLength(64).layers(1).heads(2).dModel(64).build();
    CausalLm lm = new CausalLm(config);
    int batch = 16;
    int steps = 64;
    SplittableRandom random = new SplittableRandom(11);
    long[] tokens = new long[batch * steps];
    long[] positions = new long[batch * steps];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = random.nextInt(config.vocabSize());
      positions[i] = i % steps;
    }
    Engine.getEngine("PyTorch");
    for (int pass = 0; pass < passes; pass++) {
      try (NDManager manager = NDManager.newBaseManager()) {
        Map<String, NDArray> parameters =
            new TreeMap<>(lm.initialize(manager, DataType.FLOAT32, 5));
        parameters.values().forEach(p -> p.setRequiresGradient(true));
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray ids = manager.create(tokens, new Shape(batch, steps));
          NDArray positionIds = manager.create(positions, new Shape(batch, steps));
          NDArray hidden =
              lm.hiddenStates(
                  parameters,
                  ProjectionDelta.NONE,
                  lm.embedTokens(parameters, ids),
                  positionIds,
                  null,
                  null);
          collector.backward(lm.logits(parameters, hidden).logSoftmax(-1).mean().neg());
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (NDArray parameter : parameters.values()) {
          try (NDArray gradient = parameter.getGradient()) {
            ByteBuffer bytes = gradient.toByteBuffer();
            sha.update(bytes);
          }
        }
        System.out.println("digest " + HexFormat.of().formatHex(sha.digest()));
      }
    }
  }
}
