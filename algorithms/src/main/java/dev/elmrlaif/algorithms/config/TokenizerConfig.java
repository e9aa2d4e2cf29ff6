package dev.elmrlaif.algorithms.config;

import dev.elmrlaif.domain.config.ConfigKeys;
import dev.elmrlaif.domain.config.Default;
import dev.elmrlaif.domain.config.Doc;
import dev.elmrlaif.domain.config.Range;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The tokenizer stage: train a byte-level BPE on the training split's texts, or take the tokenizer
 * of a pretrained model folder (our special tokens are appended when it lacks them).
 */
@RecordBuilder
public record TokenizerConfig(
    @Doc("Vocabulary size of the trained BPE, special tokens included")
        @Range(min = 300, max = 262144)
        @Default("4096")
        int vocabSize,
    @Doc("A pair merges only when it occurs at least this often in the corpus")
        @Range(min = 1)
        @Default("2")
        int minPairFrequency,
    @Doc(
            "Folder (or tokenizer.json) of a pretrained tokenizer to use instead of training one; empty trains")
        @Default("")
        String pretrained)
    implements TokenizerConfigBuilder.With {

  /** The defaults every config starts from. */
  public static TokenizerConfig defaults() {
    return ConfigKeys.defaults(TokenizerConfig.class);
  }
}
