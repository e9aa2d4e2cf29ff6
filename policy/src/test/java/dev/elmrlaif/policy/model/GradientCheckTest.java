package dev.elmrlaif.policy.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.policy.lora.LoraConfig;
import dev.elmrlaif.policy.lora.LoraTarget;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Autograd through the whole ELM (adapter, placeholder splicing, one GPT-2 block with LoRA on every
 * projection, tied head, log-softmax and gather) agrees with central finite differences in float64.
 */
class GradientCheckTest {
  private static final List<ElmPrompt> PROMPTS =
      List.of(
          new ElmPrompt(new int[] {4, 2, 6}, new float[][] {{0.7f, -0.2f, 1.1f}}),
          new ElmPrompt(
              new int[] {2, 9, 2, 3, 8}, new float[][] {{-1f, 0.5f, 0.3f}, {0.2f, 0.1f, -0.6f}}));
  private static final List<int[]> CONTINUATIONS =
      List.of(new int[] {10, 11, 1}, new int[] {12, 5});

  @Test
  void autogradMatchesFiniteDifferencesForEveryParameterTensor() {
    GptConfig lm =
        GptConfig.builder()
            .vocabSize(20)
            .contextLength(12)
            .layers(1)
            .heads(2)
            .dModel(8)
            .initStd(0.4)
            .build();
    ElmConfig config =
        new ElmConfig(
            lm,
            new AdapterConfig(3, 5, 0.4),
            List.of(TinyModels.PLACEHOLDER, TinyModels.PLACEHOLDER_1),
            TinyModels.END,
            TinyModels.PAD);
    try (Elm elm = Elm.initialize(config, Device.cpu(), DataType.FLOAT64, 3)) {
      elm.attachLora(new LoraConfig(2, 4.0, EnumSet.allOf(LoraTarget.class)), 5);
      SplittableRandom rng = new SplittableRandom(17);
      perturbAll(elm, rng);
      double[] weights = {0.3, -1.2, 0.8, 1.5, -0.4, 0.0};

      Map<String, double[]> analytic = new LinkedHashMap<>();
      try (NDManager step = elm.manager().newSubManager()) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          collector.backward(loss(elm, step, weights));
        }
        for (Map.Entry<String, NDArray> entry : elm.trainableParameters().entrySet()) {
          try (NDArray gradient = entry.getValue().getGradient()) {
            analytic.put(entry.getKey(), gradient.toDoubleArray());
          }
        }
      }
      assertTrue(
          analytic.size() == elm.parameters().size(),
          "every parameter trains: " + analytic.keySet());

      double h = 1e-5;
      double worst = 0;
      String worstAt = "";
      for (Map.Entry<String, NDArray> entry : elm.parameters().entrySet()) {
        NDArray parameter = entry.getValue();
        double[] values = parameter.toDoubleArray();
        for (int probe = 0; probe < 3; probe++) {
          int index = rng.nextInt(values.length);
          double saved = values[index];
          values[index] = saved + h;
          parameter.set(values);
          double plus = lossValue(elm, weights);
          values[index] = saved - h;
          parameter.set(values);
          double minus = lossValue(elm, weights);
          values[index] = saved;
          parameter.set(values);
          double numeric = (plus - minus) / (2 * h);
          double error =
              Math.abs(numeric - analytic.get(entry.getKey())[index])
                  / Math.max(1.0, Math.abs(numeric));
          if (error > worst) {
            worst = error;
            worstAt =
                entry.getKey()
                    + "["
                    + index
                    + "] numeric="
                    + numeric
                    + " autograd="
                    + analytic.get(entry.getKey())[index];
          }
        }
      }
      assertTrue(worst < 1e-6, "worst relative gradient error " + worst + " at " + worstAt);
    }
  }

  /** Moves every parameter off its special init (zero biases, unit gains, zero LoRA B). */
  private static void perturbAll(Elm elm, SplittableRandom rng) {
    for (NDArray parameter : elm.parameters().values()) {
      double[] values = parameter.toDoubleArray();
      for (int i = 0; i < values.length; i++) {
        values[i] += 0.3 * rng.nextGaussian();
      }
      parameter.set(values);
    }
  }

  /** A loss using both outputs: weighted token log-probs and the exact entropy of every step. */
  private static NDArray loss(Elm elm, NDManager step, double[] weights) {
    ContinuationLogProbs out = elm.continuationLogProbs(step, PROMPTS, CONTINUATIONS, true);
    NDArray w = step.create(weights, out.tokenLogProbs().getShape());
    NDArray entropy =
        out.logSoftmax().exp().mul(out.logSoftmax()).sum(new int[] {2}).neg().mul(out.mask());
    return out.tokenLogProbs().mul(w).sum().add(entropy.sum().mul(0.5));
  }

  private static double lossValue(Elm elm, double[] weights) {
    try (NDManager step = elm.manager().newSubManager()) {
      return loss(elm, step, weights).getDouble();
    }
  }
}
