package dev.elmrlaif.rewards.text;

/**
 * Sentence embedding from token embeddings by masked mean pooling (the sentence-transformers
 * convention): {@code s_b = Σ_t m_bt h_bt / max(Σ_t m_bt, 1)}, then optionally {@code s_b / ‖s_b‖}
 * (left at zero when the norm is zero). Kept apart from {@link DjlSentenceEncoder} so the math is
 * testable without a model.
 */
public final class MeanPooling {

  private MeanPooling() {}

  /**
   * Pools a batch of token embeddings.
   *
   * @param tokenEmbeddings row-major [batch, tokens, hidden] floats, as a model's last hidden state
   * @param attentionMask [batch][tokens], 1 for real tokens and 0 for padding
   * @param hidden the hidden size
   * @param normalize L2-normalise each pooled row
   * @return [batch][hidden]
   */
  public static float[][] pool(
      float[] tokenEmbeddings, long[][] attentionMask, int hidden, boolean normalize) {
    int batch = attentionMask.length;
    int tokens = batch == 0 ? 0 : attentionMask[0].length;
    if (tokenEmbeddings.length != (long) batch * tokens * hidden) {
      throw new IllegalArgumentException(
          "token embeddings hold "
              + tokenEmbeddings.length
              + " floats, expected batch "
              + batch
              + " x tokens "
              + tokens
              + " x hidden "
              + hidden);
    }
    float[][] pooled = new float[batch][hidden];
    for (int b = 0; b < batch; b++) {
      if (attentionMask[b].length != tokens) {
        throw new IllegalArgumentException(
            "attention mask row "
                + b
                + " has "
                + attentionMask[b].length
                + " entries, expected "
                + tokens);
      }
      double[] sum = new double[hidden];
      double count = 0;
      for (int t = 0; t < tokens; t++) {
        long m = attentionMask[b][t];
        if (m == 0) {
          continue;
        }
        count += m;
        int base = (b * tokens + t) * hidden;
        for (int h = 0; h < hidden; h++) {
          sum[h] += m * (double) tokenEmbeddings[base + h];
        }
      }
      double scale = 1.0 / Math.max(count, 1.0);
      double squaredNorm = 0.0;
      for (int h = 0; h < hidden; h++) {
        sum[h] *= scale;
        squaredNorm += sum[h] * sum[h];
      }
      double norm = normalize && squaredNorm > 0 ? Math.sqrt(squaredNorm) : 1.0;
      for (int h = 0; h < hidden; h++) {
        pooled[b][h] = (float) (sum[h] / norm);
      }
    }
    return pooled;
  }
}
