package dev.elmrlaif.rewards.text;

import dev.elmrlaif.rewards.Vectors;
import dev.elmrlaif.rewards.fixtures.MovieLensFixture;
import dev.elmrlaif.rewards.fixtures.MovieLensFixture.MovieText;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * How well a text encoder tells movies apart on real overviews, the figure docs/benchmarks.md
 * reports for each encoder: each held-out movie's overview (with its tagline) is cut in two halves
 * of words; the first half's vector stands for the movie, and it is compared with its own second
 * half (same entity) and with the second half of another held-out movie drawn at random (random
 * entity). The movies are those of {@link MovieLensFixture#movieTexts()}, shuffled with a fixed
 * seed, 85 % training (what a fitted encoder may see) and 15 % held out, the split of {@code
 * RealDataConsistencyTest}.
 */
final class EncoderDiscrimination {

  /**
   * The result: mean cosine to the own half, mean cosine to another movie's half, share of movies
   * won.
   */
  record Result(int movies, double sameMean, double randomMean, double sameWins) {
    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT,
          "%d movies: same %.3f, random %.3f, same wins %.1f %%",
          movies,
          sameMean,
          randomMean,
          100 * sameWins);
    }
  }

  /** The training and held-out movies of the fixed split. */
  record Split(List<MovieText> training, List<MovieText> heldOut) {}

  private EncoderDiscrimination() {}

  static Split split() {
    List<MovieText> all = new ArrayList<>(MovieLensFixture.movieTexts());
    Collections.shuffle(all, new Random(20240601L));
    int trainCount = (int) (all.size() * 0.85);
    return new Split(
        List.copyOf(all.subList(0, trainCount)), List.copyOf(all.subList(trainCount, all.size())));
  }

  private static List<String> halves(String text) {
    List<String> words = Arrays.asList(text.strip().split("\\s+"));
    return List.of(
        String.join(" ", words.subList(0, words.size() / 2)),
        String.join(" ", words.subList(words.size() / 2, words.size())));
  }

  /** The figure over the first {@code count} held-out movies (all when count exceeds them). */
  static Result measure(TextEncoder encoder, List<MovieText> heldOut, int count) {
    List<MovieText> movies = heldOut.subList(0, Math.min(count, heldOut.size()));
    List<String> texts = new ArrayList<>();
    for (MovieText movie : movies) {
      texts.addAll(halves(movie.text()));
    }
    float[][] rows = encoder.encode(texts);
    Random draw = new Random(7);
    double same = 0;
    double random = 0;
    int wins = 0;
    int n = movies.size();
    for (int m = 0; m < n; m++) {
      int other = (m + 1 + draw.nextInt(n - 1)) % n;
      double own = Vectors.cosine(rows[2 * m], rows[2 * m + 1]);
      double another = Vectors.cosine(rows[2 * m], rows[2 * other + 1]);
      same += own;
      random += another;
      wins += own > another ? 1 : 0;
    }
    return new Result(n, same / n, random / n, (double) wins / n);
  }
}
