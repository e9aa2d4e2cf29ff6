package dev.elmrlaif.domain.teacher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes a movie's title from a text, so that no teacher output names the movie (the model must
 * learn it from the embedding alone). A MovieLens title such as {@code "Amélie (Fabuleux destin
 * d'Amélie Poulain, Le) (2001)"} yields the forms "Amélie", "Fabuleux destin d'Amélie Poulain, Le",
 * "Le Fabuleux destin d'Amélie Poulain" and "Fabuleux destin d'Amélie Poulain"; each is replaced,
 * as a whole word, by a neutral phrase. Forms of two or more words, or of five or more characters,
 * match in any case; shorter one-word forms ("Up", "It", "Heat") match only as capitalised in the
 * title, so the ordinary words "up" and "it" survive.
 */
public final class TitleScrubber {
  private static final Pattern YEAR =
      Pattern.compile("\\s*\\(\\s*\\d{4}(?:[-\u2013]\\d{0,4})?\\s*\\)\\s*$");
  private static final Pattern TRAILING_PARENTHESES =
      Pattern.compile("^(.*?)\\s*\\(([^()]*)\\)\\s*$");
  private static final Pattern TRAILING_ARTICLE =
      Pattern.compile(
          "^(.*),\\s*(The|A|An|Le|La|Les|L'|Il|Lo|Gli|I|El|Los|Las|Das|Der|Die|Den|Det|De|Het|Une|Un|O|Os|As)$");
  private static final List<String> REPLACEMENTS = List.of("the film", "this picture", "this work");

  private final List<Pattern> patterns = new ArrayList<>();
  private final String replacement;
  private final Pattern sentenceStart;

  /** A scrubber for the titles in {@code titles} (a movie's title, or several for pair tasks). */
  public TitleScrubber(List<String> titles) {
    Set<String> forms = new LinkedHashSet<>();
    for (String title : titles) {
      forms.addAll(formsOf(title));
    }
    List<String> sorted = new ArrayList<>(forms);
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    for (String form : sorted) {
      boolean loose = form.contains(" ") || form.codePointCount(0, form.length()) >= 5;
      int flags = loose ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
      patterns.add(
          Pattern.compile(
              "(?<![\\p{L}\\p{N}])" + Pattern.quote(form) + "(?![\\p{L}\\p{N}])", flags));
    }
    String chosen = REPLACEMENTS.get(REPLACEMENTS.size() - 1);
    for (String candidate : REPLACEMENTS) {
      if (patterns.stream().noneMatch(p -> p.matcher(candidate).find())) {
        chosen = candidate;
        break;
      }
    }
    this.replacement = chosen;
    this.sentenceStart = Pattern.compile("(^|[.!?]\\s+)" + Pattern.quote(chosen));
  }

  /** The ways a MovieLens title may be written in running text, year and articles handled. */
  public static List<String> formsOf(String title) {
    Set<String> forms = new LinkedHashSet<>();
    String base = YEAR.matcher(title.trim()).replaceAll("").trim();
    List<String> parts = new ArrayList<>();
    Matcher m = TRAILING_PARENTHESES.matcher(base);
    while (m.matches()) {
      String inner = m.group(2).trim();
      parts.add(
          inner.toLowerCase(Locale.ROOT).startsWith("a.k.a.") ? inner.substring(6).trim() : inner);
      base = m.group(1).trim();
      m = TRAILING_PARENTHESES.matcher(base);
    }
    parts.add(0, base);
    for (String part : parts) {
      if (part.isBlank()) {
        continue;
      }
      forms.add(part);
      Matcher article = TRAILING_ARTICLE.matcher(part);
      if (article.matches()) {
        String bare = article.group(1).trim();
        String prefix = article.group(2);
        forms.add(bare);
        forms.add(prefix.endsWith("'") ? prefix + bare : prefix + " " + bare);
      }
    }
    forms.removeIf(String::isBlank);
    return List.copyOf(forms);
  }

  /** {@code text} with every title form replaced (capitalised where it starts a sentence). */
  public String scrub(String text) {
    String result = text;
    for (Pattern pattern : patterns) {
      result = pattern.matcher(result).replaceAll(Matcher.quoteReplacement(replacement));
    }
    String capitalised = Character.toUpperCase(replacement.charAt(0)) + replacement.substring(1);
    return sentenceStart
        .matcher(result)
        .replaceAll(m -> Matcher.quoteReplacement(m.group(1) + capitalised));
  }

  /** Whether {@code text} still contains any title form. */
  public boolean mentionsTitle(String text) {
    return patterns.stream().anyMatch(p -> p.matcher(text).find());
  }
}
