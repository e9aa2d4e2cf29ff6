package dev.elmrlaif.policy.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2 pre-tokenization: splits text into the pieces BPE merges never cross (words with their
 * leading space, digit runs, punctuation runs, whitespace), exactly as the {@code ByteLevel}
 * pre-tokenizer of Hugging Face {@code tokenizers} does with {@code use_regex=true}.
 *
 * <p>The pattern is GPT-2's: {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+|
 * ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}. Java's {@code \s} is ASCII-only by default; {@link
 * Pattern#UNICODE_CHARACTER_CLASS} makes it Unicode white space, as in the Rust library. The pieces
 * always concatenate back to the input.
 */
public final class Gpt2PreTokenizer {

  /** GPT-2's split pattern, verbatim. */
  public static final String GPT2_PATTERN =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

  private static final Pattern PATTERN =
      Pattern.compile(GPT2_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

  private Gpt2PreTokenizer() {}

  /** Splits {@code text} into GPT-2 pieces, in order; the pieces concatenate to {@code text}. */
  public static List<String> split(String text) {
    List<String> pieces = new ArrayList<>();
    forEachPiece(text, pieces::add);
    return pieces;
  }

  /** Streams the GPT-2 pieces of {@code text} to {@code sink} without building a list. */
  public static void forEachPiece(CharSequence text, Consumer<String> sink) {
    Matcher matcher = PATTERN.matcher(text);
    while (matcher.find()) {
      sink.accept(matcher.group());
    }
  }
}
