package dev.elmrlaif.policy.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.policy.io.Safetensors;
import dev.elmrlaif.policy.io.SafetensorsFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWTest {

  private static final Shape WEIGHT_SHAPE = new Shape(3, 4);
  private static final Shape BIAS_SHAPE = new Shape(4);

  @TempDir Path folder;
  private NDManager manager;

  @BeforeEach
  void openManager() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  /**
   * Five updates on float64 parameters against torch.optim.AdamW's formula in plain Java doubles,
   * with a warmup-cosine schedule, two groups and an eps large enough that its placement (after the
   * bias correction of sqrt(v)) changes the result.
   */
  @Test
  void handWrittenKernelMatchesTheDoublePrecisionReference() {
    assertMatchesReference(AdamWKernel.HAND_WRITTEN, DataType.FLOAT64, 1e-12);
  }

  @Test
  void bothKernelsMatchTheReferenceInFloat32() {
    assertMatchesReference(AdamWKernel.HAND_WRITTEN, DataType.FLOAT32, 2e-6);
    assertMatchesReference(AdamWKernel.NATIVE, DataType.FLOAT32, 2e-6);
  }

  private void assertMatchesReference(AdamWKernel kernel, DataType type, double tolerance) {
    AdamWConfig config = configWith(kernel);
    LearningRateSchedule schedule = LearningRateSchedule.warmupCosine(0.05, 2, 5, 0.2);
    Map<String, NDArray> parameters = initialParameters(type, 7);
    ReferenceAdamW reference = new ReferenceAdamW(config, schedule, valuesOf(parameters));
    SplittableRandom random = new SplittableRandom(11);
    try (AdamW adamW = new AdamW(config, schedule, manager)) {
      for (int step = 0; step < 5; step++) {
        Map<String, double[]> gradients = randomGradients(parameters, random, 1e-3);
        backward(parameters, gradients);
        double learningRate = adamW.step(parameters);
        reference.step(gradients);
        assertEquals(schedule.learningRate(step), learningRate, 0);
        for (String name : parameters.keySet()) {
          double[] expected = reference.parameters.get(name);
          double[] actual = toDoubles(parameters.get(name));
          for (int i = 0; i < expected.length; i++) {
            assertEquals(
                expected[i],
                actual[i],
                tolerance * (1 + Math.abs(expected[i])),
                kernel + " " + type + " step " + step + " " + name + "[" + i + "]");
          }
        }
      }
      assertEquals(5, adamW.stepCount());
    }
  }

  @Test
  void weightDecayIsDecoupledFromTheGradient() {
    AdamWConfig config =
        AdamWConfig.builder().weightDecay(0.3).noDecayOnBiasNormAndEmbeddings().build();
    Map<String, NDArray> parameters = initialParameters(DataType.FLOAT64, 3);
    double[] weightBefore = toDoubles(parameters.get("h.0.mlp.c_fc.weight"));
    double[] biasBefore = toDoubles(parameters.get("h.0.mlp.c_fc.bias"));
    double learningRate = 0.1;
    try (AdamW adamW = new AdamW(config, LearningRateSchedule.constant(learningRate), manager)) {
      backward(parameters, zeroGradients(parameters));
      adamW.step(parameters);
    }
    double[] weightAfter = toDoubles(parameters.get("h.0.mlp.c_fc.weight"));
    for (int i = 0; i < weightBefore.length; i++) {
      assertEquals(weightBefore[i] * (1 - learningRate * 0.3), weightAfter[i], 0.0);
    }
    assertArrayEquals(biasBefore, toDoubles(parameters.get("h.0.mlp.c_fc.bias")), 0.0);
  }

  @Test
  void nativeKernelDecaysTheSameWay() {
    AdamWConfig config = AdamWConfig.builder().weightDecay(0.3).kernel(AdamWKernel.NATIVE).build();
    Map<String, NDArray> parameters = initialParameters(DataType.FLOAT32, 3);
    double[] before = toDoubles(parameters.get("h.0.mlp.c_fc.weight"));
    try (AdamW adamW = new AdamW(config, LearningRateSchedule.constant(0.1), manager)) {
      backward(parameters, zeroGradients(parameters));
      adamW.step(parameters);
    }
    double[] after = toDoubles(parameters.get("h.0.mlp.c_fc.weight"));
    for (int i = 0; i < before.length; i++) {
      assertEquals(before[i] * 0.97, after[i], 1e-6 * Math.abs(before[i]));
    }
  }

  @Test
  void stepZeroesGradientsAndSkipsFrozenParameters() {
    Map<String, NDArray> parameters = initialParameters(DataType.FLOAT32, 5);
    NDArray frozen = manager.create(new float[] {1f, 2f});
    parameters.put("frozen", frozen);
    try (AdamW adamW =
        new AdamW(AdamWConfig.defaults(), LearningRateSchedule.constant(1e-2), manager)) {
      backward(parameters, randomGradients(parameters, new SplittableRandom(1), 1.0));
      adamW.step(parameters);
      for (String name : new String[] {"h.0.mlp.c_fc.weight", "h.0.mlp.c_fc.bias"}) {
        try (NDArray gradient = parameters.get(name).getGradient()) {
          assertEquals(0f, gradient.abs().sum().getFloat(), 0f, name);
        }
      }
      assertArrayEquals(new float[] {1f, 2f}, frozen.toFloatArray());
      assertFalse(adamW.state().firstMoments().containsKey("frozen"));
      assertEquals(2, adamW.state().secondMoments().size());
    }
  }

  @Test
  void stepInsideAnOpenGradientCollectorIsRefused() {
    Map<String, NDArray> parameters = initialParameters(DataType.FLOAT32, 5);
    try (AdamW adamW =
            new AdamW(AdamWConfig.defaults(), LearningRateSchedule.constant(1e-2), manager);
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      collector.backward(parameters.get("h.0.mlp.c_fc.bias").sum());
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> adamW.step(parameters));
      assertTrue(e.getMessage().contains("GradientCollector"), e.getMessage());
      assertEquals(0, adamW.stepCount());
    }
  }

  @Test
  void stateSurvivesACallersScope() {
    Map<String, NDArray> parameters = initialParameters(DataType.FLOAT32, 5);
    try (AdamW adamW =
        new AdamW(AdamWConfig.defaults(), LearningRateSchedule.constant(1e-2), manager)) {
      for (int step = 0; step < 2; step++) {
        try (NDScope scope = new NDScope()) {
          backward(parameters, randomGradients(parameters, new SplittableRandom(step), 1.0));
          adamW.step(parameters);
        }
      }
      NDArray firstMoment = adamW.state().firstMoments().get("h.0.mlp.c_fc.weight");
      assertTrue(firstMoment.abs().sum().getFloat() > 0);
    }
  }

  @Test
  void stepAndClippingCloseEveryTemporary() {
    for (AdamWKernel kernel : AdamWKernel.values()) {
      Map<String, NDArray> parameters = initialParameters(DataType.FLOAT32, 4);
      try (AdamW adamW =
          new AdamW(configWith(kernel), LearningRateSchedule.constant(1e-2), manager)) {
        int arraysBefore = -1;
        for (int step = 0; step < 4; step++) {
          try (NDScope backwardScope = new NDScope()) {
            backward(parameters, randomGradients(parameters, new SplittableRandom(step), 1.0));
          }
          GradientClipping.clipByGlobalNorm(parameters, 0.5);
          adamW.step(parameters);
          if (step == 0) {
            arraysBefore = manager.getManagedArrays().size();
          }
        }
        assertEquals(arraysBefore, manager.getManagedArrays().size(), kernel.name());
      }
    }
  }

  @Test
  void saveLoadContinueEqualsUninterrupted() throws IOException {
    for (AdamWKernel kernel : AdamWKernel.values()) {
      AdamWConfig config = configWith(kernel);
      LearningRateSchedule schedule = LearningRateSchedule.warmupCosine(0.05, 2, 6, 0.1);
      Map<String, NDArray> straight = initialParameters(DataType.FLOAT32, 9);
      Map<String, NDArray> resumed = initialParameters(DataType.FLOAT32, 9);
      Path stateFile = folder.resolve(kernel + "/optimizer.safetensors");

      try (AdamW uninterrupted = new AdamW(config, schedule, manager)) {
        trainSteps(uninterrupted, straight, 0, 6);
      }
      try (AdamW first = new AdamW(config, schedule, manager)) {
        trainSteps(first, resumed, 0, 3);
        first.save(stateFile);
      }
      try (AdamW second = new AdamW(config, schedule, manager)) {
        second.load(stateFile);
        assertEquals(3, second.stepCount());
        trainSteps(second, resumed, 3, 6);
        assertEquals(schedule.learningRate(5), second.lastLearningRate(), 0);
      }
      for (String name : straight.keySet()) {
        assertArrayEquals(
            straight.get(name).toFloatArray(),
            resumed.get(name).toFloatArray(),
            0f,
            kernel + " " + name);
      }
    }
  }

  @Test
  void loadRejectsFilesThatAreNotAdamWState() throws IOException {
    Path file = folder.resolve("model.safetensors");
    Safetensors.write(file, Map.of("w", manager.zeros(new Shape(2))), Map.of("format", "pt"));
    try (AdamW adamW =
        new AdamW(AdamWConfig.defaults(), LearningRateSchedule.constant(1e-3), manager)) {
      SafetensorsFormatException e =
          assertThrows(SafetensorsFormatException.class, () -> adamW.load(file));
      assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
      assertTrue(e.getMessage().contains(AdamW.STATE_FORMAT), e.getMessage());
    }
  }

  @Test
  void stateOfAnotherModelIsRefusedNamingTheParameter() throws IOException {
    Path file = folder.resolve("other.safetensors");
    Map<String, NDArray> other = new LinkedHashMap<>();
    NDArray wide = manager.zeros(new Shape(5, 4), DataType.FLOAT32);
    wide.setRequiresGradient(true);
    other.put("h.0.mlp.c_fc.weight", wide);
    try (AdamW adamW =
        new AdamW(AdamWConfig.defaults(), LearningRateSchedule.constant(1e-3), manager)) {
      trainSteps(adamW, other, 0, 1);
      adamW.save(file);
    }
    Map<String, NDArray> parameters = initialParameters(DataType.FLOAT32, 1);
    try (AdamW adamW =
        new AdamW(AdamWConfig.defaults(), LearningRateSchedule.constant(1e-3), manager)) {
      adamW.load(file);
      backward(parameters, zeroGradients(parameters));
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> adamW.step(parameters));
      assertTrue(e.getMessage().contains("h.0.mlp.c_fc.weight"), e.getMessage());
    }
  }

  @Test
  void invalidConfigNamesTheField() {
    IllegalArgumentException beta =
        assertThrows(
            IllegalArgumentException.class, () -> AdamWConfig.builder().betas(0.9, 1.0).build());
    assertTrue(beta.getMessage().startsWith("beta2 "), beta.getMessage());
    IllegalArgumentException eps =
        assertThrows(
            IllegalArgumentException.class, () -> AdamWConfig.builder().epsilon(0).build());
    assertTrue(eps.getMessage().startsWith("epsilon "), eps.getMessage());
    IllegalArgumentException group =
        assertThrows(
            IllegalArgumentException.class, () -> new OptimizerGroup("slow", name -> true, -1, 0));
    assertTrue(
        group.getMessage().startsWith("learningRateScale of group slow"), group.getMessage());
  }

  @Test
  void biasNormAndEmbeddingNamesAreRecognised() {
    for (String name :
        new String[] {
          "wte.weight",
          "wpe.weight",
          "ln_f.weight",
          "h.3.ln_1.bias",
          "h.0.attn.c_attn.bias",
          "adapter.fc1.bias"
        }) {
      assertTrue(OptimizerGroup.isBiasNormOrEmbedding(name), name);
    }
    for (String name :
        new String[] {
          "h.0.attn.c_attn.weight",
          "h.1.mlp.c_proj.weight",
          "adapter.fc1.weight",
          "lm_head.weight",
          "h.0.attn.c_attn.lora_A"
        }) {
      assertFalse(OptimizerGroup.isBiasNormOrEmbedding(name), name);
    }
  }

  // -----------------------------------------------------------------------------------------
  // Helpers

  /** Betas (0.9, 0.95), eps 1e-3, decay 0.1 except biases (scale 0.5, no decay). */
  private static AdamWConfig configWith(AdamWKernel kernel) {
    return AdamWConfig.builder()
        .betas(0.9, 0.95)
        .epsilon(1e-3)
        .weightDecay(0.1)
        .group(new OptimizerGroup("biases", name -> name.endsWith(".bias"), 0.5, 0.0))
        .kernel(kernel)
        .build();
  }

  private void trainSteps(AdamW adamW, Map<String, NDArray> parameters, int from, int to) {
    for (int step = from; step < to; step++) {
      backward(parameters, randomGradients(parameters, new SplittableRandom(100 + step), 1e-2));
      adamW.step(parameters);
    }
  }

  private Map<String, NDArray> initialParameters(DataType type, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, NDArray> parameters = new LinkedHashMap<>();
    parameters.put("h.0.mlp.c_fc.weight", randomParameter(WEIGHT_SHAPE, type, random));
    parameters.put("h.0.mlp.c_fc.bias", randomParameter(BIAS_SHAPE, type, random));
    return parameters;
  }

  private NDArray randomParameter(Shape shape, DataType type, SplittableRandom random) {
    double[] values = new double[(int) shape.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextDouble(-1, 1);
    }
    NDArray parameter = manager.create(values, shape).toType(type, false);
    parameter.setRequiresGradient(true);
    return parameter;
  }

  private static Map<String, double[]> randomGradients(
      Map<String, NDArray> parameters, SplittableRandom random, double scale) {
    Map<String, double[]> gradients = new LinkedHashMap<>();
    parameters.forEach(
        (name, parameter) -> {
          if (parameter.hasGradient()) {
            double[] gradient = new double[(int) parameter.getShape().size()];
            for (int i = 0; i < gradient.length; i++) {
              gradient[i] = random.nextGaussian() * scale;
            }
            gradients.put(name, gradient);
          }
        });
    return gradients;
  }

  private static Map<String, double[]> zeroGradients(Map<String, NDArray> parameters) {
    Map<String, double[]> gradients = new LinkedHashMap<>();
    parameters.forEach((name, p) -> gradients.put(name, new double[(int) p.getShape().size()]));
    return gradients;
  }

  /** Adds {@code gradients} to the parameters' gradients through autograd: d/dp sum(p * c) = c. */
  private void backward(Map<String, NDArray> parameters, Map<String, double[]> gradients) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray loss = null;
      for (Map.Entry<String, double[]> entry : gradients.entrySet()) {
        NDArray parameter = parameters.get(entry.getKey());
        NDArray c =
            manager
                .create(entry.getValue(), parameter.getShape())
                .toType(parameter.getDataType(), false);
        NDArray term = parameter.mul(c).sum();
        loss = loss == null ? term : loss.add(term);
      }
      collector.backward(loss);
    }
  }

  private static Map<String, double[]> valuesOf(Map<String, NDArray> parameters) {
    Map<String, double[]> values = new LinkedHashMap<>();
    parameters.forEach((name, parameter) -> values.put(name, toDoubles(parameter)));
    return values;
  }

  private static double[] toDoubles(NDArray array) {
    try (NDArray asDouble = array.toType(DataType.FLOAT64, true)) {
      return asDouble.toDoubleArray();
    }
  }

  /** torch.optim.AdamW (decoupled decay, bias correction, eps after sqrt(v_hat)) in doubles. */
  private static final class ReferenceAdamW {
    final AdamWConfig config;
    final LearningRateSchedule schedule;
    final Map<String, double[]> parameters;
    final Map<String, double[]> m = new LinkedHashMap<>();
    final Map<String, double[]> v = new LinkedHashMap<>();
    int t;

    ReferenceAdamW(
        AdamWConfig config, LearningRateSchedule schedule, Map<String, double[]> parameters) {
      this.config = config;
      this.schedule = schedule;
      this.parameters = parameters;
      parameters.forEach(
          (name, p) -> {
            m.put(name, new double[p.length]);
            v.put(name, new double[p.length]);
          });
    }

    void step(Map<String, double[]> gradients) {
      double baseRate = schedule.learningRate(t);
      t++;
      double b1 = config.beta1();
      double b2 = config.beta2();
      double bc1 = 1 - Math.pow(b1, t);
      double bc2 = 1 - Math.pow(b2, t);
      for (String name : parameters.keySet()) {
        OptimizerGroup group = config.groupFor(name);
        double lr = baseRate * group.learningRateScale();
        double[] p = parameters.get(name);
        double[] g = gradients.get(name);
        double[] mi = m.get(name);
        double[] vi = v.get(name);
        for (int i = 0; i < p.length; i++) {
          p[i] *= 1 - lr * group.weightDecay();
          mi[i] = b1 * mi[i] + (1 - b1) * g[i];
          vi[i] = b2 * vi[i] + (1 - b2) * g[i] * g[i];
          double mHat = mi[i] / bc1;
          double vHat = vi[i] / bc2;
          p[i] -= lr * mHat / (Math.sqrt(vHat) + config.epsilon());
        }
      }
    }
  }
}
