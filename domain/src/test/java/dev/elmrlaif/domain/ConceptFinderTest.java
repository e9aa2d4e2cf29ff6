package dev.elmrlaif.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConceptFinderTest {
  private static final int K = 12;

  private static float[] unit(Random random) {
    float[] d = new float[K];
    double norm = 0;
    for (int i = 0; i < K; i++) {
      d[i] = (float) random.nextGaussian();
      norm += d[i] * d[i];
    }
    for (int i = 0; i < K; i++) {
      d[i] /= (float) Math.sqrt(norm);
    }
    return d;
  }

  @Test
  void findsPlantedDirectionAndReportsHighHeldOutAccuracy() {
    Random random = new Random(3);
    float[] planted = unit(random);
    int n = 3000;
    float[] data = new float[n * K];
    boolean[] label = new boolean[n];
    for (int e = 0; e < n; e++) {
      double projection = 0;
      for (int d = 0; d < K; d++) {
        data[e * K + d] = (float) random.nextGaussian();
        projection += data[e * K + d] * planted[d];
      }
      label[e] = projection + 0.1 * random.nextGaussian() > 1.0;
    }
    EmbeddingSpace space = new EmbeddingSpace("semantic", "movie", K, data);
    int[] all = IntStream.range(0, n).toArray();
    Concept concept = new ConceptFinder(0.1, 0.2).fit("planted", space, all, label, 5);
    double cosine = 0;
    double norm = 0;
    for (int d = 0; d < K; d++) {
      cosine += concept.direction()[d] * planted[d];
      norm += concept.direction()[d] * concept.direction()[d];
    }
    assertEquals(1.0, norm, 1e-5, "direction is a unit vector");
    assertTrue(cosine > 0.97, "cosine with the planted direction " + cosine);
    assertTrue(
        concept.heldOutAccuracy() > 0.9, "held-out balanced accuracy " + concept.heldOutAccuracy());
    assertEquals("planted", concept.name());
  }

  @Test
  void randomLabelsGiveChanceAccuracy() {
    Random random = new Random(4);
    int n = 3000;
    float[] data = new float[n * K];
    boolean[] label = new boolean[n];
    for (int e = 0; e < n; e++) {
      for (int d = 0; d < K; d++) {
        data[e * K + d] = (float) random.nextGaussian();
      }
      label[e] = random.nextDouble() < 0.2;
    }
    EmbeddingSpace space = new EmbeddingSpace("semantic", "movie", K, data);
    Concept concept =
        new ConceptFinder(1.0, 0.3).fit("noise", space, IntStream.range(0, n).toArray(), label, 6);
    assertTrue(
        Math.abs(concept.heldOutAccuracy() - 0.5) < 0.08, "accuracy " + concept.heldOutAccuracy());
  }

  @Test
  void readsOnlyCandidatesAndSkipsRareConcepts() {
    Random random = new Random(5);
    float[] planted = unit(random);
    int n = 2000;
    float[] data = new float[n * K];
    int[] carriers = IntStream.range(0, n).filter(e -> e % 2 == 0 || e >= 1500).toArray();
    for (int e = 0; e < n; e++) {
      for (int d = 0; d < K; d++) {
        data[e * K + d] = (float) random.nextGaussian();
      }
    }
    // carriers are shifted 4 units along the planted direction: Bayes accuracy Φ(2) ≈ 0.977
    for (int e : carriers) {
      for (int d = 0; d < K; d++) {
        data[e * K + d] += 4 * planted[d];
      }
    }
    // entities 1500.. are "held out": poison them so any read would make the result NaN
    for (int e = 1500; e < n; e++) {
      for (int d = 0; d < K; d++) {
        data[e * K + d] = Float.NaN;
      }
    }
    EmbeddingSpace space = new EmbeddingSpace("semantic", "movie", K, data);
    Map<String, int[]> concepts = new LinkedHashMap<>();
    concepts.put("even", carriers);
    concepts.put("rare", new int[] {1, 3, 1600, 1700, 1800});
    List<Concept> found =
        new ConceptFinder(1.0, 0.2)
            .findAll(space, concepts, IntStream.range(0, 1500).toArray(), 5, 9);
    assertEquals(1, found.size(), "'rare' has only 2 carriers among the candidates");
    Concept even = found.get(0);
    assertEquals(750, even.positives());
    for (float v : even.direction()) {
      assertFalse(Float.isNaN(v), "a held-out entity was read");
    }
    assertTrue(even.heldOutAccuracy() > 0.93, "accuracy " + even.heldOutAccuracy());
  }
}
