package dev.elmrlaif.policy.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link Elm#continuationLogProbs} is differentiable after it returns: a backward pass taken later,
 * after other allocations have reused freed memory, gives the same gradients as one taken at once.
 */
class BackwardAfterScopeTest {
  private static final List<ElmPrompt> PROMPTS =
      List.of(
          TinyModels.prompt(0.3f, -0.4f, 0.9f, 4, 5),
          TinyModels.prompt(-0.7f, 0.2f, 0.1f, 6, 7, 8));
  private static final List<int[]> CONTINUATIONS = List.of(new int[] {9, 10, 1}, new int[] {11, 1});

  private static Map<String, float[]> gradients(Elm elm, boolean churnBeforeBackward) {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (NDManager step = elm.manager().newSubManager();
        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray loss =
          elm.continuationLogProbs(step, PROMPTS, CONTINUATIONS, false).tokenLogProbs().sum().neg();
      if (churnBeforeBackward) {
        for (int i = 0; i < 200; i++) {
          System.gc();
          try (NDManager junk = step.newSubManager()) {
            junk.create(new long[4096]).add(123456789L);
            java.nio.ByteBuffer.allocateDirect(1 << 15).putLong(0, Long.MAX_VALUE);
          }
        }
      }
      collector.backward(loss);
      for (Map.Entry<String, NDArray> e : elm.trainableParameters().entrySet()) {
        try (NDArray g = e.getValue().getGradient()) {
          out.put(e.getKey(), g.toFloatArray());
          g.subi(g); // zero for the next pass
        }
      }
    }
    return out;
  }

  @Test
  void lateBackwardEqualsImmediateBackward() {
    try (Elm elm = Elm.initialize(TinyModels.elmConfig(), Device.cpu(), DataType.FLOAT32, 11)) {
      Map<String, float[]> now = gradients(elm, false);
      Map<String, float[]> again = gradients(elm, false);
      for (String name : now.keySet()) {
        assertArrayEquals(now.get(name), again.get(name), 1e-6f, "again " + name);
      }
      Map<String, float[]> late = gradients(elm, true);
      for (String name : now.keySet()) {
        assertArrayEquals(now.get(name), late.get(name), 1e-6f, name);
      }
    }
  }
}
