package dev.elmrlaif.policy.tokenizer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The names of the ELM's special tokens: sequence begin, sequence end, padding, and the entity
 * placeholders whose input rows the adapter fills with {@code E_A(e_k)} (DESIGN.md Sec. 1).
 *
 * <p>Placeholder {@code k} is named {@code placeholderPrefix + k + placeholderSuffix}, e.g. {@code
 * <|entity_0|>}. {@code placeholderCount} says how many a trainer adds; a loaded tokenizer
 * discovers its placeholders itself ({@code k = 0, 1, ...} while present), so the count only
 * matters when a vocabulary is built or extended.
 *
 * @param begin start-of-sequence token, e.g. {@code <|begin|>}
 * @param end end-of-sequence token, e.g. {@code <|end|>}
 * @param pad padding token, e.g. {@code <|pad|>}
 * @param placeholderPrefix text before the placeholder index, e.g. {@code <|entity_}
 * @param placeholderSuffix text after the placeholder index, e.g. {@code |>}
 * @param placeholderCount number of entity placeholders to create, at least 0
 */
public record SpecialTokens(
    String begin,
    String end,
    String pad,
    String placeholderPrefix,
    String placeholderSuffix,
    int placeholderCount) {

  /** GPT-2's single special token, which GPT-2 uses as begin, end and padding alike. */
  public static final String GPT2_END_OF_TEXT = "<|endoftext|>";

  public SpecialTokens {
    requireText("begin", begin);
    requireText("end", end);
    requireText("pad", pad);
    requireText("placeholderPrefix", placeholderPrefix);
    if (placeholderSuffix == null) {
      throw new IllegalArgumentException(
          "placeholderSuffix: found null, expected a string (may be empty)");
    }
    if (placeholderCount < 0) {
      throw new IllegalArgumentException(
          "placeholderCount: found " + placeholderCount + ", expected >= 0");
    }
    Set<String> seen = new HashSet<>();
    for (String name : List.of(begin, end, pad)) {
      if (!seen.add(name)) {
        throw new IllegalArgumentException(
            "begin/end/pad: found the token '" + name + "' twice, expected three distinct tokens");
      }
    }
    for (String name : seen) {
      if (name.startsWith(placeholderPrefix)) {
        throw new IllegalArgumentException(
            "placeholderPrefix: '"
                + placeholderPrefix
                + "' is also the start of special token '"
                + name
                + "', expected a distinct prefix");
      }
    }
  }

  /**
   * {@code <|begin|>}, {@code <|end|>}, {@code <|pad|>} and two placeholders {@code <|entity_0|>},
   * {@code <|entity_1|>}.
   */
  public static SpecialTokens defaults() {
    return new SpecialTokens("<|begin|>", "<|end|>", "<|pad|>", "<|entity_", "|>", 2);
  }

  /** The same names with {@code count} placeholders. */
  public SpecialTokens withPlaceholderCount(int count) {
    return new SpecialTokens(begin, end, pad, placeholderPrefix, placeholderSuffix, count);
  }

  /** The name of placeholder {@code index}, e.g. {@code <|entity_3|>}. */
  public String placeholder(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("placeholder index: found " + index + ", expected >= 0");
    }
    return placeholderPrefix + index + placeholderSuffix;
  }

  /** All tokens in vocabulary order: begin, end, pad, then placeholders 0..placeholderCount-1. */
  public List<String> all() {
    List<String> names = new ArrayList<>(List.of(begin, end, pad));
    for (int k = 0; k < placeholderCount; k++) {
      names.add(placeholder(k));
    }
    return List.copyOf(names);
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          field
              + ": found "
              + (value == null ? "null" : "an empty string")
              + ", expected a non-empty token");
    }
  }
}
