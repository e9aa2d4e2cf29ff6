package dev.elmrlaif.rewards;

import java.util.List;

/**
 * The candidates a behavioral-consistency reward ranks (DESIGN.md §5), with their ground truth: for
 * a user, movies with the movie's vector in the semantic space ({@code E_txt} of its texts) and the
 * user's rating (0 where unrated) or the factorisation score {@code u·v_m}; for a movie, users with
 * their profile texts' semantic vector and their rating of the movie. Built by {@link
 * CandidateSampler} or by hand; the arrays are copied on construction and the accessors return them
 * without copying (the reward's hot loop reads them), so callers must not modify what they get.
 *
 * @param ids candidate ids, for logs and debugging
 * @param embeddings one semantic-space vector per candidate, all of the same length
 * @param relevance the ground truth, one value per candidate (higher is more relevant)
 */
public record CandidateSet(List<String> ids, float[][] embeddings, double[] relevance) {

  public CandidateSet {
    ids = List.copyOf(ids);
    if (embeddings.length != ids.size() || relevance.length != ids.size()) {
      throw new InvalidRewardInputException(
          "CandidateSet: "
              + ids.size()
              + " ids, "
              + embeddings.length
              + " embeddings and "
              + relevance.length
              + " relevance values; expected the same count");
    }
    embeddings = embeddings.clone();
    relevance = relevance.clone();
    for (int i = 0; i < ids.size(); i++) {
      if (embeddings[i] == null || embeddings[i].length != embeddings[0].length) {
        throw new InvalidRewardInputException(
            "CandidateSet: candidate '"
                + ids.get(i)
                + "' has an embedding"
                + " of length "
                + (embeddings[i] == null ? "null" : embeddings[i].length)
                + ", expected "
                + embeddings[0].length);
      }
      Vectors.requireFinite("CandidateSet embedding of '" + ids.get(i) + "'", embeddings[i]);
      if (!Double.isFinite(relevance[i])) {
        throw new InvalidRewardInputException(
            "CandidateSet: relevance of '"
                + ids.get(i)
                + "' is "
                + relevance[i]
                + ", expected a finite number");
      }
    }
  }

  public int size() {
    return ids.size();
  }

  /** The embedding length, or 0 for an empty set. */
  public int dimension() {
    return embeddings.length == 0 ? 0 : embeddings[0].length;
  }
}
