package dev.elmrlaif.domain.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invented recipe world: deterministic for a seed, readable by the file domain, and its texts
 * really are recoverable from its vectors (a linear read-out of the flavour vector finds the
 * cuisine the description names).
 */
class ExampleDatasetGeneratorTest {
  @TempDir Path dir;

  @Test
  void sameSeedSameFiles() throws IOException {
    List<Path> first =
        new ExampleDatasetGenerator(ExampleDatasetGenerator.Size.TINY, 3).write(dir.resolve("a"));
    List<Path> second =
        new ExampleDatasetGenerator(ExampleDatasetGenerator.Size.TINY, 3).write(dir.resolve("b"));
    assertEquals(7, first.size());
    for (int i = 0; i < first.size(); i++) {
      assertArrayEquals(
          Files.readAllBytes(first.get(i)),
          Files.readAllBytes(second.get(i)),
          first.get(i).toString());
    }
  }

  @Test
  void cuisineNamedInTheDescriptionIsLinearlyReadableFromTheFlavourVector() {
    Path folder = dir.resolve("world");
    new ExampleDatasetGenerator(ExampleDatasetGenerator.Size.FULL, 11).write(folder);
    EntityRecords recipes = EntityRecords.read("recipe", folder.resolve("recipes.jsonl"));
    float[][] vectors = recipes.vectors().get("flavour");
    List<String> descriptions = recipes.requireText("description", "the test reads it");
    int n = recipes.size();
    int cuisines = ExampleDatasetGenerator.CUISINES.length;
    int[] cuisine = new int[n];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < cuisines; c++) {
        if (descriptions.get(r).contains(" " + ExampleDatasetGenerator.CUISINES[c] + " dish")) {
          cuisine[r] = c;
        }
      }
    }
    // least squares read-out W: vector (+ bias) -> cuisine one-hot, fitted on the first 400 recipes
    int fit = 400;
    int d = vectors[0].length + 1;
    RealMatrix x = new Array2DRowRealMatrix(fit, d);
    RealMatrix y = new Array2DRowRealMatrix(fit, cuisines);
    for (int r = 0; r < fit; r++) {
      for (int k = 0; k < d - 1; k++) {
        x.setEntry(r, k, vectors[r][k]);
      }
      x.setEntry(r, d - 1, 1);
      y.setEntry(r, cuisine[r], 1);
    }
    RealMatrix w = new QRDecomposition(x).getSolver().solve(y);
    int correct = 0;
    for (int r = fit; r < n; r++) {
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < cuisines; c++) {
        double score = w.getEntry(d - 1, c);
        for (int k = 0; k < d - 1; k++) {
          score += vectors[r][k] * w.getEntry(k, c);
        }
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      correct += best == cuisine[r] ? 1 : 0;
    }
    double accuracy = correct / (double) (n - fit);
    assertTrue(accuracy > 0.95, "held-out cuisine accuracy " + accuracy + " (chance 1/6)");
  }
}
