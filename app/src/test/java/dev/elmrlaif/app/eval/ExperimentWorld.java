package dev.elmrlaif.app.eval;

import dev.elmrlaif.algorithms.train.TinyElmWorld;
import dev.elmrlaif.domain.Concept;
import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.InMemoryDomain;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.tasks.TaskExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The tiny world ({@link TinyElmWorld}: 30 movies with movies 0-5 held out, 12 users with users 0-2
 * held out) with what the experiments on hypothetical vectors need beside it: the movies'
 * behavioral factors (so a hypothetical user's BC has a ground truth, {@code u·v}) and two
 * concepts, "comedy" in the movies' semantic space and in the users' behavioral space, carried by
 * the training comedies (movies 10, 15, 20, 25).
 */
final class ExperimentWorld {
  static final String CONCEPT = "comedy";

  /** The comedies among the training movies: m % 5 == 0, m >= 6. */
  static final int[] CARRIERS = {10, 15, 20, 25};

  private ExperimentWorld() {}

  static PreparedData data(Path folder) {
    PreparedData tiny = TinyElmWorld.data(folder);
    InMemoryDomain d = tiny.domain();
    Map<String, EmbeddingSpace> spaces = new LinkedHashMap<>(d.spaces());
    // the movies' factors in the users' 4-d behavioral space
    SplittableRandom random = new SplittableRandom(11);
    float[][] movieFactors = new float[TinyElmWorld.MOVIES][4];
    for (int m = 0; m < movieFactors.length; m++) {
      for (int k = 0; k < 4; k++) {
        movieFactors[m][k] = (float) (random.nextDouble() * 2 - 1);
      }
    }
    spaces.put(
        "behavioral_movie", EmbeddingSpace.ofRows("behavioral_movie", "movie", movieFactors));
    EmbeddingSpace semantic = d.space(PreparedData.SEMANTIC);
    List<Concept> concepts = new ArrayList<>();
    concepts.add(
        new Concept(
            CONCEPT,
            PreparedData.SEMANTIC,
            unit(meanOf(semantic, CARRIERS)),
            CARRIERS.length,
            0.9,
            "movie",
            CARRIERS.clone()));
    concepts.add(
        new Concept(
            CONCEPT,
            PreparedData.BEHAVIORAL,
            unit(new float[] {1, 0.5f, 0, 0}),
            CARRIERS.length,
            0.8,
            "movie",
            CARRIERS.clone()));
    InMemoryDomain domain =
        new InMemoryDomain(
            d.name(), d.entityTables(), spaces, d.texts(), d.splits(), d.ratings(), concepts);
    return new PreparedData(
        folder,
        domain,
        tiny.tasks(),
        tiny.trainExamples(),
        tiny.heldOutExamples(),
        tiny.textEncoder(),
        null,
        Map.of(),
        "tiny domain with concepts",
        "tiny teacher",
        false);
  }

  static float[] meanOf(EmbeddingSpace space, int[] indices) {
    float[] mean = new float[space.dimension()];
    for (int i : indices) {
      float[] v = space.vector(i);
      for (int k = 0; k < mean.length; k++) {
        mean[k] += v[k] / indices.length;
      }
    }
    return mean;
  }

  static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += x * x;
    }
    float[] u = new float[v.length];
    for (int k = 0; k < v.length; k++) {
      u[k] = (float) (v[k] / Math.sqrt(norm));
    }
    return u;
  }

  /**
   * A deterministic stand-in for a trained ELM that records every vector it is given: it writes
   * {@code text} for every prompt.
   */
  static final class FixedText implements TextSource {
    final String text;
    final List<TaskExample> examples = new ArrayList<>();
    final List<float[]> slots = new ArrayList<>();

    FixedText(String text) {
      this.text = text;
    }

    @Override
    public List<String> texts(List<TaskExample> examples, List<float[][]> slots) {
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < examples.size(); i++) {
        this.examples.add(examples.get(i));
        this.slots.add(slots.get(i)[0]);
        texts.add(text);
      }
      return texts;
    }
  }
}
