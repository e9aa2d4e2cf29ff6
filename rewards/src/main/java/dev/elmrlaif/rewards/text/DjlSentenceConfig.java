package dev.elmrlaif.rewards.text;

import dev.elmrlaif.rewards.InvalidRewardInputException;
import java.nio.file.Path;

/**
 * Where and how {@link DjlSentenceEncoder} loads a sentence-embedding model.
 *
 * @param modelDirectory local folder holding the TorchScript model and {@code tokenizer.json}
 * @param modelFileName the TorchScript file in that folder, e.g. {@code model.pt}
 * @param maxLength texts are truncated to this many tokens (special tokens included)
 * @param includeTokenTypeIds pass {@code token_type_ids} as a third input (BERT-style models traced
 *     with it)
 * @param normalize L2-normalise the pooled sentence vectors
 */
public record DjlSentenceConfig(
    Path modelDirectory,
    String modelFileName,
    int maxLength,
    boolean includeTokenTypeIds,
    boolean normalize) {

  public DjlSentenceConfig {
    if (modelDirectory == null) {
      throw new InvalidRewardInputException(
          "DjlSentenceConfig.modelDirectory is missing (expected a folder)");
    }
    if (modelFileName == null || !modelFileName.endsWith(".pt")) {
      throw new InvalidRewardInputException(
          "DjlSentenceConfig.modelFileName must name a TorchScript '.pt' "
              + "file, found '"
              + modelFileName
              + "'");
    }
    if (maxLength < 2) {
      throw new InvalidRewardInputException(
          "DjlSentenceConfig.maxLength must be >= 2, found " + maxLength);
    }
  }

  /**
   * A folder with {@code model.pt} and {@code tokenizer.json}: 256 tokens, no token types,
   * normalised.
   */
  public static DjlSentenceConfig of(Path modelDirectory) {
    return new DjlSentenceConfig(modelDirectory, "model.pt", 256, false, true);
  }
}
