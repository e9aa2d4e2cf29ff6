package dev.elmrlaif.policy.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import dev.elmrlaif.policy.model.ParameterGroup;
import dev.elmrlaif.policy.model.TinyModels;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** LoRA (identity at start, merge equals unmerged) and the reference policy's sharing rules. */
class LoraAndReferenceTest {
  private static final List<ElmPrompt> PROMPTS =
      List.of(TinyModels.prompt(0.3f, -0.7f, 1.2f, 5, 6, 7), TinyModels.prompt(-1f, 0.4f, 0.9f, 8));
  private static final List<int[]> CONTINUATIONS =
      List.of(new int[] {9, 10, 11, 1}, new int[] {12, 13});
  private static final LoraConfig ALL_TARGETS =
      new LoraConfig(3, 6.0, EnumSet.allOf(LoraTarget.class));

  @Test
  void freshLoraLeavesTheModelUnchangedAndHasHuggingFaceAlignedNames() {
    try (Elm elm = TinyModels.elm(3);
        NDManager scope = elm.manager().newSubManager()) {
      float[] before = logProbs(elm, scope);
      LoraWeights lora = elm.attachLora(ALL_TARGETS, 8);
      assertTrue(lora.isIdentity());
      assertEquals(0.0, TinyModels.maxAbsDiff(before, logProbs(elm, scope)), 1e-6);
      Map<String, NDArray> tensors = lora.tensors();
      assertEquals(2 * 4 * 2, tensors.size()); // 2 layers x 4 projections x (A, B)
      assertEquals(
          List.of(16L, 3L),
          List.of(
              tensors.get("h.1.attn.c_attn.lora_A").getShape().getShape()[0],
              tensors.get("h.1.attn.c_attn.lora_A").getShape().getShape()[1]));
      assertEquals(48L, tensors.get("h.1.attn.c_attn.lora_B").getShape().get(1));
      assertEquals(16L, tensors.get("h.0.mlp.c_proj.lora_B").getShape().get(1));
      assertEquals(64L, tensors.get("h.0.mlp.c_proj.lora_A").getShape().get(0));
      assertEquals(ParameterGroup.LORA, ParameterGroup.of("h.0.mlp.c_proj.lora_A"));
    }
  }

  @Test
  void mergedLoraGivesTheSameOutputsAsUnmerged() {
    try (Elm elm = TinyModels.elm(4);
        NDManager scope = elm.manager().newSubManager()) {
      LoraWeights lora = elm.attachLora(ALL_TARGETS, 9);
      randomise(lora.tensors().values(), 0.2, 21);
      float[] unmerged = logProbs(elm, scope);
      float[] base;
      try (NDManager other = elm.manager().newSubManager()) {
        base = logProbsWithout(elm, other);
      }
      assertTrue(TinyModels.maxAbsDiff(unmerged, base) > 1e-2, "the random LoRA changes the model");
      try (Elm merged = elm.withLoraMerged()) {
        assertNull(merged.lora());
        assertNotSame(
            elm.parameters().get("h.0.attn.c_attn.weight"),
            merged.parameters().get("h.0.attn.c_attn.weight"));
        assertSame(elm.parameters().get("wte.weight"), merged.parameters().get("wte.weight"));
        assertEquals(0.0, TinyModels.maxAbsDiff(unmerged, logProbs(merged, scope)), 1e-5);
      }
    }
  }

  @Test
  void referenceSharesTheFrozenLmWhenOnlyAdapterAndLoraTrain() {
    try (Elm policy = TinyModels.elm(5);
        NDManager scope = policy.manager().newSubManager()) {
      policy.attachLora(ALL_TARGETS, 10);
      policy.trainOnly(Set.of(ParameterGroup.ADAPTER, ParameterGroup.LORA));
      assertEquals(
          EnumSet.of(ParameterGroup.ADAPTER, ParameterGroup.LORA), policy.trainableGroups());
      float[] policyBefore = logProbs(policy, scope);
      try (Elm reference = policy.referencePolicy()) {
        for (Map.Entry<String, NDArray> entry : policy.baseParameters().entrySet()) {
          NDArray mine = entry.getValue();
          NDArray theirs = reference.parameters().get(entry.getKey());
          if (ParameterGroup.of(entry.getKey()) == ParameterGroup.ADAPTER) {
            assertNotSame(mine, theirs, entry.getKey());
            assertFalse(theirs.hasGradient(), entry.getKey());
          } else {
            assertSame(mine, theirs, entry.getKey());
            assertEquals(
                ((PtNDArray) mine).getHandle(), ((PtNDArray) theirs).getHandle(), entry.getKey());
          }
        }
        assertNull(reference.lora(), "a fresh (identity) LoRA is left out of the reference");
        assertEquals(0.0, TinyModels.maxAbsDiff(policyBefore, logProbs(reference, scope)), 1e-6);
        // Training the policy's adapter and LoRA moves the policy, not the reference.
        randomise(policy.lora().tensors().values(), 0.2, 3);
        randomise(List.of(policy.parameters().get("adapter.fc2.weight")), 0.5, 4);
        assertTrue(TinyModels.maxAbsDiff(policyBefore, logProbs(policy, scope)) > 1e-2);
        assertEquals(0.0, TinyModels.maxAbsDiff(policyBefore, logProbs(reference, scope)), 1e-6);
      }
    }
  }

  @Test
  void referenceIsAFullCopyWhenTheBodyTrains() {
    try (Elm policy = TinyModels.elm(6);
        NDManager scope = policy.manager().newSubManager()) {
      LoraWeights lora = policy.attachLora(ALL_TARGETS, 11);
      randomise(lora.tensors().values(), 0.2, 5);
      float[] before = logProbs(policy, scope);
      try (Elm reference = policy.referencePolicy()) {
        for (Map.Entry<String, NDArray> entry : policy.parameters().entrySet()) {
          NDArray theirs = reference.parameters().get(entry.getKey());
          assertNotSame(entry.getValue(), theirs, entry.getKey());
          assertFalse(theirs.hasGradient(), entry.getKey());
        }
        randomise(List.of(policy.parameters().get("h.0.mlp.c_fc.weight")), 0.5, 6);
        assertEquals(0.0, TinyModels.maxAbsDiff(before, logProbs(reference, scope)), 1e-6);
      }
    }
  }

  private static float[] logProbs(Elm elm, NDManager scope) {
    ContinuationLogProbs out = elm.continuationLogProbs(scope, PROMPTS, CONTINUATIONS, false);
    return out.tokenLogProbs().toFloatArray();
  }

  /** The same model's log-probs with its LoRA ignored, via a reference built before any LoRA. */
  private static float[] logProbsWithout(Elm elm, NDManager scope) {
    Map<String, NDArray> base = elm.baseParameters();
    try (Elm plain =
        Elm.fromParameters(elm.config(), scope.newSubManager(), copies(base, scope), null)) {
      return logProbs(plain, scope);
    }
  }

  private static Map<String, NDArray> copies(Map<String, NDArray> base, NDManager scope) {
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    base.forEach(
        (name, array) -> {
          NDArray copy = array.duplicate();
          copy.attach(scope);
          out.put(name, copy);
        });
    return out;
  }

  private static void randomise(Iterable<NDArray> arrays, double std, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    for (NDArray array : arrays) {
      float[] values = array.toFloatArray();
      for (int i = 0; i < values.length; i++) {
        values[i] += (float) (std * rng.nextGaussian());
      }
      array.set(values);
    }
  }
}
