package dev.elmrlaif.rewards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.elmrlaif.rewards.fixtures.MovieLensFixture;
import dev.elmrlaif.rewards.fixtures.MovieLensFixture.MovieText;
import dev.elmrlaif.rewards.text.TextEncoder;
import dev.elmrlaif.rewards.text.TfidfSvdConfig;
import dev.elmrlaif.rewards.text.TfidfSvdTextEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Semantic and behavioral consistency on the real MovieLens + TMDB data (skipped, loudly, when the
 * shared data folder is absent). The text encoder is fitted on the overviews of a training split of
 * movies only; every figure below is measured on held-out movies, or on held-out users.
 *
 * <p>User profiles: no teacher-written profile texts exist in this module, so a profile is composed
 * from the first sentence of the overviews of up to 10 movies the user rated 4 or more (the
 * "profile movies"), and the candidates to rank exclude those movies, so the profile never contains
 * a candidate's own text. For movie BC (ranking users), every user's profile is composed from liked
 * training-split movies only, and the target movies are held out, so a profile never contains the
 * target's text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealDataConsistencyTest {

  private static final Logger LOG = LogManager.getLogger(RealDataConsistencyTest.class);
  private List<MovieText> heldOut;
  private TextEncoder encoder;
  private final Map<Integer, MovieText> movies = new LinkedHashMap<>();
  private Set<Integer> trainingMovies;

  @BeforeAll
  void fitEncoderOnTrainingMovies() {
    assumeTrue(MovieLensFixture.available(), "shared MovieLens/TMDB data absent");
    List<MovieText> all = new ArrayList<>(MovieLensFixture.movieTexts());
    all.forEach(m -> movies.put(m.movieId(), m));
    Collections.shuffle(all, new Random(20240601L));
    int trainCount = (int) (all.size() * 0.85);
    List<String> trainTexts = all.subList(0, trainCount).stream().map(MovieText::text).toList();
    heldOut = List.copyOf(all.subList(trainCount, all.size()));
    trainingMovies =
        all.subList(0, trainCount).stream().map(MovieText::movieId).collect(Collectors.toSet());
    long start = System.nanoTime();
    encoder = TfidfSvdTextEncoder.fit(trainTexts, TfidfSvdConfig.defaults());
    LOG.info(
        "fitted on {} training overviews in {} ms; {} held-out movies",
        trainTexts.size(),
        (System.nanoTime() - start) / 1_000_000,
        heldOut.size());
  }

  /** A user profile composed from the first sentence of each profile movie's overview. */
  private String profileText(List<Integer> profileMovies) {
    StringBuilder profile = new StringBuilder();
    for (int movie : profileMovies) {
      String text = movies.get(movie).text();
      int end = text.indexOf(". ");
      profile.append(end > 0 ? text.substring(0, end + 1) : text).append(' ');
    }
    return profile.toString().strip();
  }

  private static List<String> words(String text) {
    return Arrays.asList(text.strip().split("\\s+"));
  }

  @Test
  void semanticConsistencyFallsAsAMoviesTextIsReplacedWordByWord() {
    double[] fractions = {0.0, 0.2, 0.4, 0.6, 0.8, 1.0};
    double[] meanSc = new double[fractions.length];
    int movieCount = Math.min(400, heldOut.size() - 1);
    SemanticConsistencyReward sc = new SemanticConsistencyReward(encoder);
    for (int k = 0; k < fractions.length; k++) {
      List<String> texts = new ArrayList<>();
      List<RewardContext> contexts = new ArrayList<>();
      for (int m = 0; m < movieCount; m++) {
        MovieText movie = heldOut.get(m);
        List<String> own = words(movie.text());
        List<String> other = words(heldOut.get(m + 1).text());
        int replaced = (int) Math.round(fractions[k] * own.size());
        List<String> mixed = new ArrayList<>(own.size());
        for (int i = 0; i < own.size(); i++) {
          mixed.add(i < replaced ? other.get(i % other.size()) : own.get(i));
        }
        texts.add(String.join(" ", mixed));
        contexts.add(
            RewardContext.single("movie:" + movie.movieId(), encoder.encode(movie.text())));
      }
      meanSc[k] = sc.score(texts, contexts).componentStats().get("sc").mean();
    }
    LOG.info(
        "mean SC over {} held-out movies vs fraction of words replaced {}: {}",
        movieCount,
        Arrays.toString(fractions),
        Arrays.toString(meanSc));
    assertEquals(1.0, meanSc[0], 1e-5, "a text is perfectly consistent with its own embedding");
    for (int k = 1; k < fractions.length; k++) {
      assertTrue(
          meanSc[k] < meanSc[k - 1] - 0.02,
          "SC must fall at every step: " + Arrays.toString(meanSc));
    }
    assertTrue(
        meanSc[fractions.length - 1] < 0.25, "fully replaced text is unrelated: " + meanSc[5]);
  }

  @Test
  void groundTruthTextsWinOverOtherMoviesTextsOnHeldOutMovies() {
    // e = E_txt(first half of the overview); ground truth = second half; random = another movie's
    // second half
    SemanticConsistencyReward sc = new SemanticConsistencyReward(encoder);
    List<String> truth = new ArrayList<>();
    List<String> random = new ArrayList<>();
    List<RewardContext> contexts = new ArrayList<>();
    List<String> secondHalves = new ArrayList<>();
    for (MovieText movie : heldOut) {
      List<String> w = words(movie.text());
      secondHalves.add(String.join(" ", w.subList(w.size() / 2, w.size())));
    }
    Random shuffle = new Random(7);
    for (int m = 0; m < heldOut.size(); m++) {
      List<String> w = words(heldOut.get(m).text());
      contexts.add(
          RewardContext.single(
              "movie:" + heldOut.get(m).movieId(),
              encoder.encode(String.join(" ", w.subList(0, w.size() / 2)))));
      truth.add(secondHalves.get(m));
      int other = (m + 1 + shuffle.nextInt(heldOut.size() - 1)) % heldOut.size();
      random.add(secondHalves.get(other));
    }
    RewardResult truthScores = sc.score(truth, contexts);
    RewardResult randomScores = sc.score(random, contexts);
    double truthMean = truthScores.componentStats().get("sc").mean();
    double randomMean = randomScores.componentStats().get("sc").mean();
    int wins = 0;
    for (int m = 0; m < heldOut.size(); m++) {
      wins += truthScores.scores()[m] > randomScores.scores()[m] ? 1 : 0;
    }
    LOG.info(
        "held-out SC over {} movies: ground truth {} vs random other movie {}; ground truth wins {} %",
        heldOut.size(),
        String.format("%.4f", truthMean),
        String.format("%.4f", randomMean),
        String.format("%.1f", 100.0 * wins / heldOut.size()));
    assertTrue(truthMean > randomMean + 0.1, "truth " + truthMean + " vs random " + randomMean);
    assertTrue(wins > 0.65 * heldOut.size(), "ground truth wins " + wins + " of " + heldOut.size());
  }

  @Test
  void groundTruthUserProfilesWinOverOtherUsersProfiles() {
    Map<Integer, Map<Integer, Double>> ratings = MovieLensFixture.ratingsByUser();
    List<Integer> users = new ArrayList<>(ratings.keySet());
    Collections.sort(users);
    Collections.shuffle(users, new Random(99));
    List<Integer> heldOutUsers = users.subList((int) (users.size() * 0.8), users.size());
    Map<String, float[]> movieVectors = new HashMap<>();
    for (MovieText movie : movies.values()) {
      movieVectors.put(Integer.toString(movie.movieId()), encoder.encode(movie.text()));
    }
    List<String> profiles = new ArrayList<>();
    List<CandidateSet> candidateSets = new ArrayList<>();
    CandidateConfig candidateConfig = new CandidateConfig(50, 0.5, 11L);
    for (int user : heldOutUsers) {
      List<Integer> liked = new ArrayList<>();
      ratings
          .get(user)
          .forEach(
              (movie, rating) -> {
                if (rating >= 4.0 && movies.containsKey(movie)) {
                  liked.add(movie);
                }
              });
      if (liked.size() < 10) {
        continue;
      }
      Collections.sort(liked);
      Collections.shuffle(liked, new Random(user));
      List<Integer> profileMovies = liked.subList(0, Math.min(10, liked.size() / 2));
      String profile = profileText(profileMovies);
      Map<String, float[]> pool = new HashMap<>(movieVectors);
      profileMovies.forEach(movie -> pool.remove(Integer.toString(movie)));
      Map<String, Double> userRatings = new HashMap<>();
      ratings
          .get(user)
          .forEach((movie, rating) -> userRatings.put(Integer.toString(movie), rating));
      profiles.add(profile);
      candidateSets.add(
          new CandidateSampler(pool, candidateConfig).fromRatings("user:" + user, userRatings));
    }
    BehavioralConsistencyReward bc =
        new BehavioralConsistencyReward(encoder, BehavioralConsistencyConfig.spearman());
    List<RewardContext> contexts = new ArrayList<>();
    List<String> otherProfiles = new ArrayList<>();
    for (int i = 0; i < profiles.size(); i++) {
      contexts.add(RewardContext.builder("user#" + i).candidates(candidateSets.get(i)).build());
      otherProfiles.add(profiles.get((i + 1 + i * 7 % (profiles.size() - 1)) % profiles.size()));
    }
    RewardResult truth = bc.score(profiles, contexts);
    RewardResult other = bc.score(otherProfiles, contexts);
    double truthMean = truth.componentStats().get("bc").mean();
    double otherMean = other.componentStats().get("bc").mean();
    LOG.info(
        "held-out BC (Spearman, 50 candidates, half rated) over {} users: ground-truth profile {} vs "
            + "another user's profile {}",
        profiles.size(),
        String.format("%.4f", truthMean),
        String.format("%.4f", otherMean));
    assertTrue(
        profiles.size() >= 50, "enough held-out users with 10+ liked movies: " + profiles.size());
    assertTrue(truthMean > otherMean + 0.02, "truth " + truthMean + " vs other " + otherMean);
  }

  @Test
  void groundTruthMovieTextsWinOverOtherMoviesTextsAtRankingUsers() {
    // profiles from training-split movies only; targets are held-out movies with 10+ ratings
    Map<Integer, Map<Integer, Double>> ratings = MovieLensFixture.ratingsByUser();
    Map<String, float[]> userProfiles = new HashMap<>();
    Map<Integer, Map<String, Double>> ratingsOfMovie = new HashMap<>();
    for (Map.Entry<Integer, Map<Integer, Double>> user : ratings.entrySet()) {
      List<Integer> liked = new ArrayList<>();
      user.getValue()
          .forEach(
              (movie, rating) -> {
                ratingsOfMovie
                    .computeIfAbsent(movie, m -> new HashMap<>())
                    .put(Integer.toString(user.getKey()), rating);
                if (rating >= 4.0 && trainingMovies.contains(movie)) {
                  liked.add(movie);
                }
              });
      if (liked.size() >= 3) {
        Collections.sort(liked);
        Collections.shuffle(liked, new Random(user.getKey()));
        userProfiles.put(
            Integer.toString(user.getKey()),
            encoder.encode(profileText(liked.subList(0, Math.min(10, liked.size())))));
      }
    }
    CandidateSampler sampler =
        new CandidateSampler(userProfiles, new CandidateConfig(50, 0.5, 13L));
    List<MovieText> targets =
        heldOut.stream()
            .filter(m -> ratingsOfMovie.getOrDefault(m.movieId(), Map.of()).size() >= 10)
            .toList();
    List<RewardContext> contexts = new ArrayList<>();
    List<String> truth = new ArrayList<>();
    List<String> other = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      MovieText movie = targets.get(i);
      contexts.add(
          RewardContext.builder("movie:" + movie.movieId())
              .candidates(
                  sampler.fromRatings(
                      "movie:" + movie.movieId(), ratingsOfMovie.get(movie.movieId())))
              .build());
      truth.add(movie.text());
      other.add(targets.get((i + 1 + i * 7 % (targets.size() - 1)) % targets.size()).text());
    }
    BehavioralConsistencyReward bc =
        new BehavioralConsistencyReward(encoder, BehavioralConsistencyConfig.spearman());
    double truthMean = bc.score(truth, contexts).componentStats().get("bc").mean();
    double otherMean = bc.score(other, contexts).componentStats().get("bc").mean();
    LOG.info(
        "held-out movie BC (Spearman, 50 candidate users, half raters) over {} movies: ground-truth "
            + "overview {} vs another movie's overview {}",
        targets.size(),
        String.format("%.4f", truthMean),
        String.format("%.4f", otherMean));
    assertTrue(targets.size() >= 50, "enough held-out movies with 10+ ratings: " + targets.size());
    assertTrue(truthMean > otherMean + 0.01, "truth " + truthMean + " vs other " + otherMean);
  }
}
