package dev.elmrlaif.domain.data;

import dev.elmrlaif.domain.Domain;
import dev.elmrlaif.domain.InMemoryDomain;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.domain.tasks.TaskSpec;
import dev.elmrlaif.rewards.text.TextEncoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code data prepare} produces, as the trainers consume it: the domain (entities,
 * splits, semantic and behavioral embeddings, texts, ratings, concepts), the selected tasks with
 * their training and held-out examples, the fitted text encoder, and what the summary reports.
 *
 * @param folder the cache folder it was saved in
 * @param domain entities, splits, spaces, texts, interactions and concepts. MovieLens: kinds
 *     "movie" and "user", spaces "semantic" (movies), "behavioral" (users) and "behavioral_movie"
 *     (movies, same latent space as users); a file domain: the user's kinds and spaces plus
 *     "&lt;kind&gt;_text" ({@code domain.files.FileDomainPreparer})
 * @param tasks the selected tasks
 * @param trainExamples training examples by task name (training entities only)
 * @param heldOutExamples held-out examples by task name
 * @param textEncoder the text encoder fitted on training entities' texts
 * @param ranking held-out ranking quality of the behavioral embeddings vs popularity (MovieLens);
 *     null when the domain fits no factorisation
 * @param timings seconds per preparation step, in order
 * @param datasetSummary the loader's summary (counts, rating histogram, text coverage)
 * @param teacher the teacher's description
 * @param fromCache whether this was read from the cache rather than built
 * @param outsideTexts texts about things that are no entity of the domain (MovieLens: the TMDB
 *     texts of films without a links.csv row, {@code domain.movielens.OutsideFilmTexts}), usable
 *     for language-model pretraining only ({@link PretrainCorpus}); empty for a domain without any
 */
public record PreparedData(
    Path folder,
    InMemoryDomain domain,
    List<TaskSpec> tasks,
    Map<String, List<TaskExample>> trainExamples,
    Map<String, List<TaskExample>> heldOutExamples,
    TextEncoder textEncoder,
    RankingReport ranking,
    Map<String, Double> timings,
    String datasetSummary,
    String teacher,
    boolean fromCache,
    List<String> outsideTexts) {

  public PreparedData {
    outsideTexts = outsideTexts == null ? List.of() : List.copyOf(outsideTexts);
  }

  /** Prepared data without outside texts (the files domain, tests). */
  public PreparedData(
      Path folder,
      InMemoryDomain domain,
      List<TaskSpec> tasks,
      Map<String, List<TaskExample>> trainExamples,
      Map<String, List<TaskExample>> heldOutExamples,
      TextEncoder textEncoder,
      RankingReport ranking,
      Map<String, Double> timings,
      String datasetSummary,
      String teacher,
      boolean fromCache) {
    this(
        folder,
        domain,
        tasks,
        trainExamples,
        heldOutExamples,
        textEncoder,
        ranking,
        timings,
        datasetSummary,
        teacher,
        fromCache,
        List.of());
  }

  /** Space name of the movies' semantic embeddings. */
  public static final String SEMANTIC = "semantic";

  /**
   * Space name of the users' behavioral embeddings ({@link Domain#behavioralSpace}{@code
   * ("user")}).
   */
  public static final String BEHAVIORAL = Domain.BEHAVIORAL_SPACE;

  /**
   * Space name of the movies' behavioral embeddings (the same latent space as the users'; {@link
   * Domain#behavioralSpace}{@code ("movie")}).
   */
  public static final String BEHAVIORAL_MOVIE = Domain.BEHAVIORAL_SPACE + "_movie";

  /** This result marked as read from the cache. */
  public PreparedData asCached() {
    return new PreparedData(
        folder,
        domain,
        tasks,
        trainExamples,
        heldOutExamples,
        textEncoder,
        ranking,
        timings,
        datasetSummary,
        teacher,
        true,
        outsideTexts);
  }
}
