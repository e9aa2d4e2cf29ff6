package dev.elmrlaif.algorithms.pipeline;

import dev.elmrlaif.algorithms.config.PretrainCorpusSource;
import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.config.TokenizerConfig;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.PreparedData;
import dev.elmrlaif.domain.data.PretrainCorpus;
import dev.elmrlaif.domain.tasks.TaskExample;
import dev.elmrlaif.policy.tokenizer.BpeTrainerConfig;
import dev.elmrlaif.policy.tokenizer.ElmTokenizer;
import dev.elmrlaif.policy.tokenizer.SpecialTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The {@code tokenizer} stage: trains a byte-level BPE on the training split's prompts and targets
 * (never on held-out texts), plus, with {@code pretrain.corpus: training_texts}, the other texts
 * pretraining will read ({@link PretrainCorpus#trainingTexts}), or takes a pretrained model's
 * tokenizer and appends the special tokens it lacks; writes {@code tokenizer/tokenizer.json} and
 * reports the vocabulary and the compression (bytes per token) on training and held-out targets.
 */
public final class TokenizerStage implements Stage {
  private static final Logger LOG = LogManager.getLogger(TokenizerStage.class);

  /** How many targets the compression figure (bytes per token) is measured on, per split. */
  static final int COMPRESSION_SAMPLE = 2000;

  /** The tokenizer file a finished stage leaves in the run folder. */
  public static Path tokenizerFile(RunContext context) {
    return context.run().path().resolve(StageName.TOKENIZER.key()).resolve("tokenizer.json");
  }

  @Override
  public StageName name() {
    return StageName.TOKENIZER;
  }

  @Override
  public Map<String, Object> run(RunContext context) {
    TokenizerConfig config = context.config().tokenizer();
    PreparedData data = DataStage.load(context);
    int slots = data.tasks().stream().mapToInt(t -> t.slots().size()).max().orElse(1);
    SpecialTokens special = SpecialTokens.defaults().withPlaceholderCount(Math.max(1, slots));

    ElmTokenizer tokenizer;
    if (config.pretrained().isBlank()) {
      List<String> corpus = corpus(data.trainExamples());
      PretrainCorpusSource source = context.config().pretrain().corpus();
      if (source == PretrainCorpusSource.TRAINING_TEXTS) {
        // the texts pretraining reads beyond the examples: a BPE that never saw them would split
        // their words into bytes
        for (PretrainCorpus.Part part : PretrainCorpus.trainingTexts(data).parts()) {
          if (!part.source().equals(PretrainCorpus.TEACHER_TEXTS)) {
            corpus.addAll(part.texts());
          }
        }
      }
      LOG.info(
          "training a {}-token byte-level BPE on {} training texts (pretrain.corpus {})",
          config.vocabSize(),
          corpus.size(),
          source.name().toLowerCase(java.util.Locale.ROOT));
      tokenizer =
          ElmTokenizer.train(
              corpus,
              BpeTrainerConfig.builder()
                  .vocabSize(config.vocabSize())
                  .minPairFrequency(config.minPairFrequency())
                  .specialTokens(special)
                  .build());
    } else {
      Path source = Path.of(config.pretrained());
      if (!Files.exists(source)) {
        throw new UserInputException(
            context.loaded().originOf("tokenizer.pretrained")
                + ": tokenizer.pretrained = "
                + source
                + " does not exist; expected a model folder holding tokenizer.json, or empty to train one");
      }
      tokenizer = ElmTokenizer.load(source).withSpecialTokens(special);
    }
    try (tokenizer) {
      Path out = tokenizer.save(tokenizerFile(context));
      double trainBytesPerToken = bytesPerToken(tokenizer, targets(data.trainExamples()));
      double heldOutBytesPerToken = bytesPerToken(tokenizer, targets(data.heldOutExamples()));
      context
          .metrics()
          .log(
              name().key(),
              0,
              Map.of(
                  "vocab_size", tokenizer.vocabSize(),
                  "train_bytes_per_token", trainBytesPerToken,
                  "held_out_bytes_per_token", heldOutBytesPerToken));
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("tokenizer", context.run().path().relativize(out).toString());
      record.put("vocab_size", tokenizer.vocabSize());
      record.put("source", config.pretrained().isBlank() ? "trained" : config.pretrained());
      record.put("held_out_bytes_per_token", Math.round(heldOutBytesPerToken * 1000) / 1000.0);
      return record;
    }
  }

  /** Prompts and targets of the training examples, in task-name order for determinism. */
  static List<String> corpus(Map<String, List<TaskExample>> trainExamples) {
    List<String> texts = new ArrayList<>();
    for (List<TaskExample> examples : new TreeMap<>(trainExamples).values()) {
      for (TaskExample e : examples) {
        texts.add(e.prompt());
        texts.add(e.target());
      }
    }
    return texts;
  }

  /** Up to {@link #COMPRESSION_SAMPLE} targets, spread evenly over the tasks, in a fixed order. */
  private static List<String> targets(Map<String, List<TaskExample>> examples) {
    List<String> all = new ArrayList<>();
    new TreeMap<>(examples).values().forEach(list -> list.forEach(e -> all.add(e.target())));
    int stride = Math.max(1, all.size() / COMPRESSION_SAMPLE);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < all.size(); i += stride) {
      texts.add(all.get(i));
    }
    return texts;
  }

  private static double bytesPerToken(ElmTokenizer tokenizer, List<String> texts) {
    long bytes = 0;
    long tokens = 0;
    for (String t : texts) {
      bytes += t.getBytes(StandardCharsets.UTF_8).length;
      tokens += tokenizer.encode(t).length;
    }
    return tokens == 0 ? 0 : (double) bytes / tokens;
  }
}
