package dev.elmrlaif.critics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.elmrlaif.policy.io.SafetensorsFormatException;
import dev.elmrlaif.policy.model.ContinuationLogProbs;
import dev.elmrlaif.policy.model.Elm;
import dev.elmrlaif.policy.model.ElmPrompt;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriticTest {
  private static final CriticConfig SHARED = CriticConfig.sharedFrozen(0.5, 7);
  private static final CriticConfig SEPARATE = CriticConfig.separate(1, 2, 6, 0.5, 7);

  @TempDir Path folder;

  @Test
  void valuesHaveOneEntryPerStateAndZerosAtPadding() {
    try (Elm base = TinyElms.elm(DataType.FLOAT32, 1);
        QCritic q = QCritic.create(SEPARATE, base);
        VCritic v = VCritic.create(SHARED, base);
        NDScope arrays = new NDScope();
        NDManager scope = NDManager.newBaseManager()) {
      arrays.suppressNotUsedWarning();
      List<ElmPrompt> prompts = List.of(TinyElms.prompt(0.5f, 2), TinyElms.prompt(-1f));
      List<int[]> continuations = List.of(new int[] {3}, new int[] {4, 5, 0});
      CriticValues qs = q.values(scope, prompts, continuations);
      CriticValues vs = v.values(scope, prompts, continuations);
      assertEquals(new Shape(2, 3, TinyElms.VOCAB), qs.values().getShape());
      assertEquals(new Shape(2, 3), vs.values().getShape());
      assertArrayEquals(new float[] {1, 0, 0, 1, 1, 1}, vs.mask().toFloatArray());
      assertArrayEquals(new int[] {1, 3}, vs.lengths());
      float[] qFlat = qs.values().toFloatArray();
      for (int t = 1; t < 3; t++) {
        for (int a = 0; a < TinyElms.VOCAB; a++) {
          assertEquals(0f, qFlat[t * TinyElms.VOCAB + a], 0f, "padding of row 0 at t=" + t);
        }
      }
      float[] vFlat = vs.values().toFloatArray();
      assertEquals(0f, vFlat[1], 0f);
      assertNotEquals(0f, vFlat[0]);
      assertNotEquals(0f, vFlat[5]);
    }
  }

  @Test
  void aPaddedRowEqualsTheSameRowAlone() {
    for (CriticConfig config : List.of(SHARED, SEPARATE)) {
      try (Elm base = TinyElms.elm(DataType.FLOAT64, 2);
          QCritic q = QCritic.create(config, base);
          NDScope arrays = new NDScope();
          NDManager scope = NDManager.newBaseManager()) {
        arrays.suppressNotUsedWarning();
        ElmPrompt shortPrompt = TinyElms.prompt(0.25f);
        int[] shortContinuation = {6, 7};
        double[] alone =
            q.values(scope, List.of(shortPrompt), List.of(shortContinuation))
                .values()
                .toDoubleArray();
        double[] batched =
            q.values(
                    scope,
                    List.of(TinyElms.prompt(2f, 3, 4, 5), shortPrompt),
                    List.of(new int[] {1, 2, 3, 4, 0}, shortContinuation))
                .values()
                .get(new NDIndex("1, 0:2, :"))
                .toDoubleArray();
        assertArrayEquals(alone, batched, 1e-12, config.trunk().name());
      }
    }
  }

  @Test
  void theValueAtPositionTDependsOnlyOnTheStateBeforeTokenT() {
    for (CriticConfig config : List.of(SHARED, SEPARATE)) {
      try (Elm base = TinyElms.elm(DataType.FLOAT64, 3);
          VCritic v = VCritic.create(config, base);
          NDScope arrays = new NDScope();
          NDManager scope = NDManager.newBaseManager()) {
        arrays.suppressNotUsedWarning();
        ElmPrompt prompt = TinyElms.prompt(1f, 2);
        double[] original =
            v.values(scope, List.of(prompt), List.of(new int[] {3, 4, 5, 6}))
                .values()
                .toDoubleArray();
        double[] laterChanged =
            v.values(scope, List.of(prompt), List.of(new int[] {3, 4, 7, 8}))
                .values()
                .toDoubleArray();
        for (int t = 0; t <= 2; t++) { // s_t = prompt + y_<t is the same for t <= 2
          assertEquals(original[t], laterChanged[t], 0.0, config.trunk() + " t=" + t);
        }
        assertNotEquals(original[3], laterChanged[3], config.trunk() + ": s_3 differs");
        double[] otherEntity =
            v.values(scope, List.of(TinyElms.prompt(-1f, 2)), List.of(new int[] {3, 4, 5, 6}))
                .values()
                .toDoubleArray();
        assertNotEquals(original[0], otherEntity[0], config.trunk() + ": the entity is read");
      }
    }
  }

  @Test
  void positionTReadsTheHiddenStateWhoseLogitsGiveThePolicyAtStateT() {
    try (Elm base = TinyElms.elm(DataType.FLOAT64, 4);
        NDScope arrays = new NDScope();
        NDManager scope = NDManager.newBaseManager()) {
      arrays.suppressNotUsedWarning();
      List<ElmPrompt> prompts = List.of(TinyElms.prompt(0.7f, 3), TinyElms.prompt(-0.2f));
      List<int[]> continuations = List.of(new int[] {5, 6, 0}, new int[] {9});
      TrunkStates states = Critic.trunkStates(scope, base, prompts, continuations);
      NDArray mask = states.mask().expandDims(2);
      double[] fromStates = base.logits(states.hidden()).logSoftmax(-1).mul(mask).toDoubleArray();
      ContinuationLogProbs policy = base.continuationLogProbs(scope, prompts, continuations, true);
      assertArrayEquals(policy.logSoftmax().mul(mask).toDoubleArray(), fromStates, 1e-12);
    }
  }

  @Test
  void criticsOnOneTrunkShareItsHiddenStates() {
    try (Elm base = TinyElms.elm(DataType.FLOAT64, 4);
        Elm other = TinyElms.elm(DataType.FLOAT64, 5);
        QCritic q = QCritic.create(SHARED, base);
        VCritic v = VCritic.create(SHARED, base);
        NDScope arrays = new NDScope();
        NDManager scope = NDManager.newBaseManager()) {
      arrays.suppressNotUsedWarning();
      List<ElmPrompt> prompts = List.of(TinyElms.prompt(0.1f, 2, 3));
      List<int[]> continuations = List.of(new int[] {4, 0});
      TrunkStates states = Critic.trunkStates(scope, base, prompts, continuations);
      assertArrayEquals(
          q.values(scope, prompts, continuations).values().toDoubleArray(),
          q.values(states).values().toDoubleArray(),
          0.0);
      assertArrayEquals(
          v.values(scope, prompts, continuations).values().toDoubleArray(),
          v.values(states).values().toDoubleArray(),
          0.0);
      TrunkStates foreign = Critic.trunkStates(scope, other, prompts, continuations);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> q.values(foreign));
      assertTrue(e.getMessage().contains("another model"), e.getMessage());
    }
  }

  @Test
  void gradientsReachOnlyTheOwnedTrainableParameters() {
    try (Elm base = TinyElms.elm(DataType.FLOAT32, 5);
        VCritic shared = VCritic.create(SHARED, base);
        QCritic separate = QCritic.create(SEPARATE, base);
        VCritic target = shared.copy()) {
      assertEquals(
          List.of("v_head.weight", "v_head.bias"),
          List.copyOf(shared.trainableParameters().keySet()));
      assertTrue(separate.trainableParameters().containsKey("trunk.h.0.attn.c_attn.weight"));
      assertTrue(
          separate.trainableParameters().keySet().stream()
              .anyMatch(n -> n.startsWith("trunk.adapter.")),
          "a separate trunk has its own adapter");
      assertTrue(target.trainableParameters().isEmpty(), "a target network has no gradients");
      assertTrue(base.trainableParameters().size() > 0, "the base ELM itself trains here");
      try (NDScope arrays = new NDScope();
          NDManager scope = NDManager.newBaseManager()) {
        arrays.suppressNotUsedWarning();
        backwardOfSquares(base, scope, shared, 0f, separate);
      }
      assertTrue(gradientNorm(shared.trainableParameters().get("v_head.weight")) > 0);
      assertTrue(gradientNorm(separate.trainableParameters().get("q_head.weight")) > 0);
      assertTrue(gradientNorm(separate.trainableParameters().get("trunk.h.0.mlp.c_fc.weight")) > 0);
      shared.zeroGradients();
      assertEquals(0.0, gradientNorm(shared.trainableParameters().get("v_head.weight")), 0.0);
    }
  }

  @Test
  void aTiedHeadReadsTheHiddenStateThroughItsMatrixAndTheOutputEmbedding() {
    CriticConfig tied = SHARED.toBuilder().qHead(QHead.TIED).build();
    try (Elm base = TinyElms.elm(DataType.FLOAT64, 11);
        QCritic q = QCritic.create(tied, base);
        NDScope arrays = new NDScope();
        NDManager scope = NDManager.newBaseManager()) {
      arrays.suppressNotUsedWarning();
      int d = base.config().lm().dModel();
      int vocab = TinyElms.VOCAB;
      assertEquals(new Shape(d, d), q.parameters().get("q_head.weight").getShape());
      assertEquals(new Shape(vocab), q.parameters().get("q_head.bias").getShape());
      q.parameters().get("q_head.bias").set(new NDIndex("..."), 0.25); // a bias to add, too
      List<ElmPrompt> prompts = List.of(TinyElms.prompt(0.5f, 2), TinyElms.prompt(-1f));
      List<int[]> continuations = List.of(new int[] {3}, new int[] {4, 5, 0});
      TrunkStates states = Critic.trunkStates(scope, base, prompts, continuations);
      double[] q3 = q.values(states).values().toDoubleArray(); // [2, 3, V]
      double[] h = states.hidden().toDoubleArray(); // [2, 3, d]
      double[] a = q.parameters().get("q_head.weight").toDoubleArray(); // [d, d]
      double[] e = base.outputEmbedding().toDoubleArray(); // [V, d]
      double[] mask = {1, 0, 0, 1, 1, 1};
      for (int state = 0; state < 6; state++) {
        for (int token = 0; token < vocab; token++) {
          double expected = 0.25;
          for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
              expected += h[state * d + i] * a[i * d + j] * e[token * d + j];
            }
          }
          assertEquals(
              mask[state] * expected,
              q3[state * vocab + token],
              1e-12,
              "state " + state + " token " + token);
        }
      }
    }
  }

  @Test
  void aZeroInitialisedTiedHeadStartsAtZeroAndTrainsOnlyItsOwnParameters() {
    CriticConfig tiedShared =
        CriticConfig.sharedFrozen(0.0, 3).toBuilder().qHead(QHead.TIED).build();
    CriticConfig tiedSeparate = SEPARATE.toBuilder().qHead(QHead.TIED).build();
    try (Elm base = TinyElms.elm(DataType.FLOAT32, 12);
        QCritic shared = QCritic.create(tiedShared, base);
        QCritic separate = QCritic.create(tiedSeparate, base);
        NDScope arrays = new NDScope();
        NDManager scope = NDManager.newBaseManager()) {
      arrays.suppressNotUsedWarning();
      for (float value : shared.values(scope, PROMPTS, CONTINUATIONS).values().toFloatArray()) {
        assertEquals(0f, value, 0f);
      }
      backwardOfSquares(base, scope, shared, 1f, separate);
      assertTrue(gradientNorm(shared.trainableParameters().get("q_head.bias")) > 0);
      assertTrue(
          gradientNorm(separate.trainableParameters().get("trunk.wte.weight")) > 0,
          "a separate trunk's output embedding trains with its tied head");
      assertTrue(gradientNorm(separate.trainableParameters().get("q_head.weight")) > 0);
    }
  }

  @Test
  void aTiedHeadSavesLoadsAndRefusesAFullHeadsFile() throws IOException {
    CriticConfig tied = SHARED.toBuilder().qHead(QHead.TIED).build();
    try (Elm base = TinyElms.elm(DataType.FLOAT32, 13);
        QCritic saved = QCritic.create(tied, base);
        QCritic restored = QCritic.create(tied.withSeed(8), base);
        QCritic full = QCritic.create(SHARED, base)) {
      Path file = folder.resolve("tied.safetensors");
      saved.save(file);
      restored.load(file);
      Map<String, float[]> expected = snapshot(saved);
      snapshot(restored)
          .forEach((name, values) -> assertArrayEquals(expected.get(name), values, name));
      Path fullFile = folder.resolve("full.safetensors");
      full.save(fullFile);
      SafetensorsFormatException form =
          assertThrows(SafetensorsFormatException.class, () -> restored.load(fullFile));
      assertTrue(
          form.getMessage().contains("\"head_form\" is FULL, expected TIED"), form.getMessage());
      IllegalArgumentException polyak =
          assertThrows(IllegalArgumentException.class, () -> saved.polyakUpdate(full, 0.5));
      assertTrue(polyak.getMessage().contains("TIED head cannot follow"), polyak.getMessage());
      QCritic copy = saved.copy();
      snapshot(copy).forEach((name, values) -> assertArrayEquals(expected.get(name), values, name));
      copy.close();
    }
  }

  private static final List<ElmPrompt> PROMPTS = List.of(TinyElms.prompt(0.3f, 2));
  private static final List<int[]> CONTINUATIONS = List.of(new int[] {4, 5});

  /**
   * One backward pass of {@code Σ(first − firstTarget)² + Σ second²} on one prompt; the shared
   * trunk {@code base} must get no gradient from it.
   */
  private static void backwardOfSquares(
      Elm base, NDManager scope, Critic first, float firstTarget, Critic second) {
    try (GradientCollector collector = base.manager().getEngine().newGradientCollector()) {
      NDArray loss =
          values(first, scope)
              .sub(firstTarget)
              .square()
              .sum()
              .add(values(second, scope).square().sum());
      collector.backward(loss);
    }
    for (Map.Entry<String, NDArray> entry : base.trainableParameters().entrySet()) {
      assertEquals(0.0, gradientNorm(entry.getValue()), 0.0, "shared trunk " + entry.getKey());
    }
  }

  private static NDArray values(Critic critic, NDManager scope) {
    return critic instanceof QCritic q
        ? q.values(scope, PROMPTS, CONTINUATIONS).values()
        : ((VCritic) critic).values(scope, PROMPTS, CONTINUATIONS).values();
  }

  @Test
  void polyakAveragingIsExactInTheParametersType() {
    try (Elm base = TinyElms.elm(DataType.FLOAT32, 6);
        QCritic online = QCritic.create(SEPARATE, base);
        QCritic target = QCritic.create(SEPARATE.withSeed(99), base)) {
      Map<String, float[]> before = snapshot(target);
      Map<String, float[]> source = snapshot(online);
      double tau = 0.3;
      target.polyakUpdate(online, tau);
      Map<String, float[]> after = snapshot(target);
      float keep = (float) (1 - tau);
      float move = (float) tau;
      for (String name : before.keySet()) {
        float[] expected = new float[before.get(name).length];
        for (int i = 0; i < expected.length; i++) {
          expected[i] = keep * before.get(name)[i] + move * source.get(name)[i];
        }
        assertArrayEquals(expected, after.get(name), name);
      }
      target.polyakUpdate(online, 1.0);
      assertEquals(keys(source), keys(snapshot(target)));
      snapshot(target).forEach((name, values) -> assertArrayEquals(source.get(name), values, name));
      assertThrows(IllegalArgumentException.class, () -> target.polyakUpdate(online, 1.5));
    }
  }

  @Test
  void polyakRefusesACriticOfAnotherShape() {
    try (Elm base = TinyElms.elm(DataType.FLOAT32, 6);
        QCritic q = QCritic.create(SEPARATE, base);
        QCritic wider = QCritic.create(CriticConfig.separate(1, 2, 8, 0.5, 7), base);
        QCritic shared = QCritic.create(SHARED, base)) {
      IllegalArgumentException shape =
          assertThrows(IllegalArgumentException.class, () -> q.polyakUpdate(wider, 0.5));
      assertTrue(shape.getMessage().contains("trunk.wte.weight"), shape.getMessage());
      IllegalArgumentException trunk =
          assertThrows(IllegalArgumentException.class, () -> q.polyakUpdate(shared, 0.5));
      assertTrue(trunk.getMessage().contains("SHARED_FROZEN"), trunk.getMessage());
    }
  }

  @Test
  void saveAndLoadRestoreEveryParameterBitForBit() throws IOException {
    try (Elm base = TinyElms.elm(DataType.FLOAT32, 7);
        QCritic saved = QCritic.create(SEPARATE, base);
        QCritic restored = QCritic.create(SEPARATE.withSeed(123), base)) {
      Path file = folder.resolve("q.safetensors");
      saved.save(file);
      Map<String, float[]> expected = snapshot(saved);
      assertNotEquals(expected.get("q_head.weight")[0], snapshot(restored).get("q_head.weight")[0]);
      restored.load(file);
      snapshot(restored)
          .forEach((name, values) -> assertArrayEquals(expected.get(name), values, name));
      assertEquals(saved.trainableParameters().keySet(), restored.trainableParameters().keySet());
    }
  }

  @Test
  void loadNamesTheFileAndWhatDoesNotMatch() throws IOException {
    try (Elm base = TinyElms.elm(DataType.FLOAT32, 8);
        QCritic q = QCritic.create(SHARED, base);
        VCritic v = VCritic.create(SHARED, base);
        QCritic separate = QCritic.create(SEPARATE, base)) {
      Path file = folder.resolve("q.safetensors");
      q.save(file);
      SafetensorsFormatException head =
          assertThrows(SafetensorsFormatException.class, () -> v.load(file));
      assertTrue(head.getMessage().startsWith(file.toString()), head.getMessage());
      assertTrue(
          head.getMessage().contains("\"head\" is q_head, expected v_head"), head.getMessage());
      SafetensorsFormatException trunk =
          assertThrows(SafetensorsFormatException.class, () -> separate.load(file));
      assertTrue(
          trunk.getMessage().contains("\"trunk\" is SHARED_FROZEN, expected SEPARATE"),
          trunk.getMessage());
    }
  }

  @Test
  void aCopyIsIndependentOfItsSource() {
    try (Elm base = TinyElms.elm(DataType.FLOAT32, 9);
        QCritic online = QCritic.create(SEPARATE, base);
        QCritic other = QCritic.create(SEPARATE.withSeed(5), base)) {
      Map<String, float[]> original = snapshot(online);
      QCritic copy = online.copy();
      online.polyakUpdate(other, 0.5);
      snapshot(copy).forEach((name, values) -> assertArrayEquals(original.get(name), values, name));
      copy.close();
      assertFalse(snapshot(online).isEmpty()); // the source still reads after the copy is closed
    }
  }

  @Test
  void configValidationNamesTheKey() {
    IllegalArgumentException heads =
        assertThrows(IllegalArgumentException.class, () -> CriticConfig.separate(1, 3, 8, 0.1, 0));
    assertEquals(
        "critic.d_model: found 8, expected a multiple of critic.heads=3", heads.getMessage());
    IllegalArgumentException std =
        assertThrows(
            IllegalArgumentException.class, () -> CriticConfig.builder().headInitStd(-1).build());
    assertEquals(
        "critic.head_init_std: found -1.0, expected a finite value >= 0", std.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CriticConfig.builder().layers(0).build());
  }

  @Test
  void anEmptyContinuationIsRefused() {
    try (Elm base = TinyElms.elm(DataType.FLOAT32, 10);
        VCritic v = VCritic.create(SHARED, base);
        NDScope arrays = new NDScope();
        NDManager scope = NDManager.newBaseManager()) {
      arrays.suppressNotUsedWarning();
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> v.values(scope, List.of(TinyElms.prompt(1f)), List.of(new int[0])));
      assertTrue(e.getMessage().contains("continuation 0 is empty"), e.getMessage());
    }
  }

  private static double gradientNorm(NDArray parameter) {
    try (NDArray gradient = parameter.getGradient()) {
      return gradient.toType(DataType.FLOAT64, false).square().sum().getDouble();
    }
  }

  private static Map<String, float[]> snapshot(Critic critic) {
    Map<String, float[]> values = new java.util.LinkedHashMap<>();
    critic.parameters().forEach((name, p) -> values.put(name, p.toFloatArray()));
    return values;
  }

  private static List<String> keys(Map<String, float[]> map) {
    return List.copyOf(map.keySet());
  }
}
