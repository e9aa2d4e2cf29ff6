package dev.elmrlaif.policy.tokenizer;

/**
 * Texts encoded to one common length, ready to become a {@code (batch, length)} tensor: padded with
 * the pad id, with an attention mask of 1 for real tokens and 0 for padding.
 *
 * @param ids {@code [batch][length]} token ids
 * @param attentionMask {@code [batch][length]} 1 where {@code ids} holds a real token, 0 where
 *     padding
 * @param lengths number of real tokens per row (after truncation)
 * @param truncated how many texts were longer than {@code length} and lost their tail
 */
public record EncodedBatch(long[][] ids, long[][] attentionMask, int[] lengths, int truncated) {

  public EncodedBatch {
    if (ids.length != attentionMask.length || ids.length != lengths.length) {
      throw new IllegalArgumentException(
          "batch rows: found ids "
              + ids.length
              + ", attentionMask "
              + attentionMask.length
              + ", lengths "
              + lengths.length
              + ", expected equal counts");
    }
  }

  /**
   * Where padding goes. Left padding keeps every row's last token in the last column (for
   * generation).
   */
  public enum PaddingSide {
    RIGHT,
    LEFT
  }

  /** Number of texts. */
  public int batchSize() {
    return ids.length;
  }

  /** Common row length (0 for an empty batch). */
  public int length() {
    return ids.length == 0 ? 0 : ids[0].length;
  }
}
