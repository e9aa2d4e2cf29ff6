package dev.elmrlaif.rewards;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a reward needs to know about the context {@code c} a text was generated from (DESIGN.md §3):
 * the entity's (or entities') semantic embedding(s) with mixing weights, optionally a behavioral
 * vector and a candidate set for behavioral consistency, and optionally the task prompt and a
 * reference text for an AI judge. Immutable.
 *
 * <p>The semantic target is {@code Σ_i w_i e_i}: one entity {@code e} (w = 1), two entities
 * compared (w = ½, ½), or an interpolation {@code (1−a)·e1 + a·e2} (w = 1−a, a).
 *
 * <p>Bad input is refused here, before training starts: a NaN or infinite entry in any vector,
 * mismatched lengths, or weights that are not finite throw {@link InvalidRewardInputException}
 * naming the entity and field. A zero-norm target is allowed; the semantic-consistency score for it
 * is 0 with {@link RewardFlag#ZERO_TARGET}.
 *
 * @param entityId a label for logs and messages (e.g. "movie:318" or "mix(movie:1,movie:2,0.25)")
 * @param semanticEmbeddings the entities' semantic embeddings; may be empty when only behavioral
 *     rewards apply
 * @param mixWeights one weight per semantic embedding
 * @param behavioralVector the user's or movie's behavioral vector, or null
 * @param candidates candidates for behavioral consistency, or null
 * @param prompt the task prompt, for an AI judge, or null
 * @param referenceText a ground-truth text, for an AI judge, or null
 */
public record RewardContext(
    String entityId,
    List<float[]> semanticEmbeddings,
    double[] mixWeights,
    float[] behavioralVector,
    CandidateSet candidates,
    String prompt,
    String referenceText) {

  public RewardContext {
    if (entityId == null || entityId.isBlank()) {
      throw new InvalidRewardInputException("RewardContext.entityId is blank, expected a label");
    }
    semanticEmbeddings = semanticEmbeddings.stream().map(float[]::clone).toList();
    mixWeights = mixWeights.clone();
    if (mixWeights.length != semanticEmbeddings.size()) {
      throw new InvalidRewardInputException(
          "RewardContext '"
              + entityId
              + "': "
              + mixWeights.length
              + " mixWeights for "
              + semanticEmbeddings.size()
              + " semanticEmbeddings; expected one each");
    }
    for (int i = 0; i < semanticEmbeddings.size(); i++) {
      float[] e = semanticEmbeddings.get(i);
      if (e.length != semanticEmbeddings.get(0).length) {
        throw new InvalidRewardInputException(
            "RewardContext '"
                + entityId
                + "': semanticEmbeddings["
                + i
                + "] has length "
                + e.length
                + ", expected "
                + semanticEmbeddings.get(0).length);
      }
      Vectors.requireFinite("RewardContext '" + entityId + "' semanticEmbeddings[" + i + "]", e);
      if (!Double.isFinite(mixWeights[i])) {
        throw new InvalidRewardInputException(
            "RewardContext '"
                + entityId
                + "': mixWeights["
                + i
                + "] is "
                + mixWeights[i]
                + ", expected a finite number");
      }
    }
    if (behavioralVector != null) {
      behavioralVector = behavioralVector.clone();
      Vectors.requireFinite("RewardContext '" + entityId + "' behavioralVector", behavioralVector);
    }
    if (candidates != null
        && !semanticEmbeddings.isEmpty()
        && candidates.size() > 0
        && candidates.dimension() != semanticEmbeddings.get(0).length) {
      throw new InvalidRewardInputException(
          "RewardContext '"
              + entityId
              + "': candidate embeddings have "
              + "length "
              + candidates.dimension()
              + " but the semantic embeddings have length "
              + semanticEmbeddings.get(0).length
              + "; both must live in the same text-encoder space");
    }
  }

  /** One entity with its semantic embedding. */
  public static RewardContext single(String entityId, float[] semanticEmbedding) {
    return builder(entityId).semantic(semanticEmbedding, 1.0).build();
  }

  /** Interpolation {@code (1−a)·e1 + a·e2} of two entities' semantic embeddings. */
  public static RewardContext interpolation(String entityId, float[] e1, float[] e2, double a) {
    return builder(entityId).semantic(e1, 1.0 - a).semantic(e2, a).build();
  }

  public static Builder builder(String entityId) {
    return new Builder(entityId);
  }

  /** The semantic target {@code Σ_i w_i e_i}, or empty when there are no semantic embeddings. */
  public Optional<float[]> semanticTarget() {
    if (semanticEmbeddings.isEmpty()) {
      return Optional.empty();
    }
    double[] sum = new double[semanticEmbeddings.get(0).length];
    for (int i = 0; i < semanticEmbeddings.size(); i++) {
      float[] e = semanticEmbeddings.get(i);
      for (int c = 0; c < sum.length; c++) {
        sum[c] += mixWeights[i] * e[c];
      }
    }
    float[] target = new float[sum.length];
    for (int c = 0; c < sum.length; c++) {
      target[c] = (float) sum[c];
    }
    return Optional.of(target);
  }

  public Optional<CandidateSet> candidateSet() {
    return Optional.ofNullable(candidates);
  }

  /** Copies of the semantic embeddings (the context itself is immutable). */
  @Override
  public List<float[]> semanticEmbeddings() {
    return semanticEmbeddings.stream().map(float[]::clone).toList();
  }

  @Override
  public float[] behavioralVector() {
    return behavioralVector == null ? null : behavioralVector.clone();
  }

  @Override
  public double[] mixWeights() {
    return mixWeights.clone();
  }

  @Override
  public String toString() {
    return "RewardContext["
        + entityId
        + ", "
        + semanticEmbeddings.size()
        + " semantic embedding(s)"
        + (behavioralVector == null ? "" : ", behavioral")
        + (candidates == null ? "" : ", " + candidates.size() + " candidates")
        + "]";
  }

  /** Builder; add semantic embeddings with their weights in order. */
  public static final class Builder {
    private final String entityId;
    private final List<float[]> semanticEmbeddings = new ArrayList<>();
    private final List<Double> weights = new ArrayList<>();
    private float[] behavioralVector;
    private CandidateSet candidates;
    private String prompt;
    private String referenceText;

    private Builder(String entityId) {
      this.entityId = entityId;
    }

    public Builder semantic(float[] embedding, double weight) {
      semanticEmbeddings.add(embedding.clone());
      weights.add(weight);
      return this;
    }

    public Builder behavioral(float[] vector) {
      this.behavioralVector = vector;
      return this;
    }

    public Builder candidates(CandidateSet value) {
      this.candidates = value;
      return this;
    }

    public Builder prompt(String value) {
      this.prompt = value;
      return this;
    }

    public Builder referenceText(String value) {
      this.referenceText = value;
      return this;
    }

    public RewardContext build() {
      return new RewardContext(
          entityId,
          semanticEmbeddings,
          weights.stream().mapToDouble(Double::doubleValue).toArray(),
          behavioralVector,
          candidates,
          prompt,
          referenceText);
    }
  }
}
