package dev.elmrlaif.policy.tokenizer;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A byte-level BPE vocabulary: what a {@code tokenizer.json} stores under {@code model} plus its
 * {@code added_tokens}. The trainer produces one; {@link TokenizerJson} writes and reads it; the
 * pure-Java {@link ByteLevelBpeCodec} encodes with it.
 *
 * @param vocab token string (in byte-level form) to id, iterated in id order
 * @param merges merge rules in priority order: rule {@code i} is applied before rule {@code i+1}
 * @param addedTokens tokens matched verbatim in raw text before pre-tokenization (special tokens)
 */
public record BpeModel(
    Map<String, Integer> vocab, List<Merge> merges, List<AddedToken> addedTokens) {

  /**
   * One merge rule: the adjacent symbols {@code left}, {@code right} become {@code left + right}.
   */
  public record Merge(String left, String right) {
    public Merge {
      if (left == null || left.isEmpty() || right == null || right.isEmpty()) {
        throw new IllegalArgumentException(
            "merge: found (" + left + ", " + right + "), expected two non-empty symbols");
      }
    }
  }

  /**
   * A token matched verbatim in raw text (Hugging Face "added token").
   *
   * @param id its id
   * @param content its exact text
   * @param special whether decoding may skip it ({@code skip_special_tokens})
   */
  public record AddedToken(int id, String content, boolean special) {
    public AddedToken {
      if (id < 0) {
        throw new IllegalArgumentException("added token id: found " + id + ", expected >= 0");
      }
      if (content == null || content.isEmpty()) {
        throw new IllegalArgumentException(
            "added token content: found an empty token, expected text");
      }
    }
  }

  public BpeModel {
    vocab = Collections.unmodifiableMap(new LinkedHashMap<>(vocab));
    merges = List.copyOf(merges);
    addedTokens = List.copyOf(addedTokens);
    Map<Integer, String> byId = new HashMap<>();
    for (Map.Entry<String, Integer> entry : vocab.entrySet()) {
      String previous = byId.put(entry.getValue(), entry.getKey());
      if (previous != null) {
        throw new IllegalArgumentException(
            "vocab: id "
                + entry.getValue()
                + " is given to both '"
                + previous
                + "' and '"
                + entry.getKey()
                + "', expected one token per id");
      }
    }
  }

  /** Number of embedding rows a model needs: the largest id (vocabulary or added) plus one. */
  public int size() {
    int max = -1;
    for (int id : vocab.values()) {
      max = Math.max(max, id);
    }
    for (AddedToken token : addedTokens) {
      max = Math.max(max, token.id());
    }
    return max + 1;
  }
}
