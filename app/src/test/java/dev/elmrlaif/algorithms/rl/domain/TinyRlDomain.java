package dev.elmrlaif.algorithms.rl.domain;

import dev.elmrlaif.app.config.ConfigLoader;
import dev.elmrlaif.domain.config.DataConfig;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.movielens.TinyMovieLens;
import dev.elmrlaif.domain.prepare.DataPreparer;
import dev.elmrlaif.policy.model.ElmConfig;
import dev.elmrlaif.policy.model.GptConfig;
import dev.elmrlaif.policy.tokenizer.BpeTrainerConfig;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the domain RL tests build once: a small generated MovieLens prepared with the TF-IDF encoder
 * (the encoder is beside the point there), a BPE tokenizer of 400 tokens trained on its training
 * examples, and the config of a one-layer, width-8 ELM over that tokenizer.
 *
 * @param tokenizer close it after the tests
 */
record TinyRlDomain(PreparedData data, ElmTokenizer tokenizer, ElmConfig elm) {

  /**
   * Prepares the domain under {@code dir} with the given tasks, e.g. {@code "summary,
   * user_profile"}.
   */
  static TinyRlDomain prepare(Path dir, String tasks) throws IOException {
    Path root = dir.resolve("root");
    TinyMovieLens.write(root);
    Path yaml = dir.resolve("tiny-movielens.yaml");
    Files.writeString(
        yaml,
        String.join(
            "\n",
            "data:",
            "  root: " + root.toAbsolutePath(),
            "  cache_dir: " + dir.resolve("cache").toAbsolutePath(),
            "  held_out_movies: 0.2",
            "  held_out_users: 0.2",
            "  semantic_dimension: 8",
            "  text_encoder: tfidf",
            "  wals: {dimension: 4, iterations: 6, unobserved_weight: 0.1, regularization: 1.0, threads: 1}",
            "  concepts: {spaces: [semantic, behavioral], min_movies: 3, include_genres: true}",
            "  tasks: {enabled: [" + tasks + "], profile_movies: 3}",
            ""));
    DataConfig config = new ConfigLoader().load(yaml, List.of()).config().data();
    PreparedData data = new DataPreparer(config, 17, Map.of()).prepare(false);
    List<String> corpus = new ArrayList<>();
    data.trainExamples()
        .values()
        .forEach(list -> list.forEach(e -> corpus.add(e.prompt() + " " + e.target())));
    ElmTokenizer tokenizer =
        ElmTokenizer.train(corpus, BpeTrainerConfig.builder().vocabSize(400).build());
    GptConfig lm = new GptConfig(tokenizer.vocabSize(), 256, 1, 1, 8, 4, 1e-5, 0.02, true);
    ElmConfig elm =
        ElmConfig.languageModel(
            lm, (int) tokenizer.endId().orElseThrow(), (int) tokenizer.padId().orElseThrow());
    return new TinyRlDomain(data, tokenizer, elm);
  }
}
