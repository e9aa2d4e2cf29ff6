package dev.elmrlaif.policy.tokenizer;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Finds added (special) tokens in raw text before pre-tokenization, so that {@code <|entity_0|>} is
 * one id and is never split by BPE. Matching is leftmost-longest over the verbatim token texts, as
 * Hugging Face {@code tokenizers} does for added tokens that are not normalized.
 */
final class AddedTokenMatcher {

  /** Receives the pieces of a text in order: plain stretches and added-token matches. */
  interface Sink {
    void plain(String text, int start, int end);

    void addedToken(int id);
  }

  private final Pattern pattern;
  private final Map<String, Integer> idByContent;

  AddedTokenMatcher(Collection<BpeModel.AddedToken> tokens) {
    this.idByContent = new HashMap<>();
    for (BpeModel.AddedToken token : tokens) {
      idByContent.put(token.content(), token.id());
    }
    if (idByContent.isEmpty()) {
      this.pattern = null;
    } else {
      // Longer alternatives first: at one start position the regex takes the first that matches.
      List<String> byLength =
          idByContent.keySet().stream()
              .sorted(
                  Comparator.comparingInt(String::length)
                      .reversed()
                      .thenComparing(Comparator.naturalOrder()))
              .map(Pattern::quote)
              .collect(Collectors.toList());
      this.pattern = Pattern.compile(String.join("|", byLength));
    }
  }

  void split(String text, Sink sink) {
    if (pattern == null) {
      if (!text.isEmpty()) {
        sink.plain(text, 0, text.length());
      }
      return;
    }
    Matcher matcher = pattern.matcher(text);
    int position = 0;
    while (matcher.find()) {
      if (matcher.start() > position) {
        sink.plain(text, position, matcher.start());
      }
      sink.addedToken(idByContent.get(matcher.group()));
      position = matcher.end();
    }
    if (position < text.length()) {
      sink.plain(text, position, text.length());
    }
  }
}
