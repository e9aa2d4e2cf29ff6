package dev.elmrlaif.app.eval;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The paper's text-only LLM baseline for interpolations (App. F): a chat model that knows the
 * entities only by name (or, for users, by their ground-truth profiles) is asked to write the
 * task's text for a mix of two of them. It exists to show what an ELM adds over prompting: the
 * paper found text-only LLMs far less consistent with the embedding space (Fig. 3).
 *
 * <p>Entities named by a title (movies): App. F's one-shot prompt, with an example text for another
 * pair (the ELM's own text for that pair at the same weight, as in the paper) and the weight added
 * to both pairs, since the curves vary it. Entities without a usable name (users): App. F's
 * zero-shot profile prompt, with the weight added.
 */
final class TextOnlyBaseline {
  private final UnaryOperator<String> chat;

  /**
   * @param chat sends one user message to the endpoint and returns the reply's text
   */
  TextOnlyBaseline(UnaryOperator<String> chat) {
    this.chat = chat;
  }

  /**
   * App. F's one-shot prompt for named entities, with the mixing weight {@code a} on the second.
   */
  static String oneShotPrompt(
      String task,
      String kind,
      String exampleFirst,
      String exampleSecond,
      String exampleText,
      String first,
      String second,
      double a) {
    String weight = String.format(Locale.ROOT, "%.2f", a);
    return "The following shows an example of how to write a "
        + task.replace('_', ' ')
        + " for a combination of the "
        + kind
        + "s "
        + exampleFirst
        + " and "
        + exampleSecond
        + " (weight "
        + weight
        + " on the second), in some embedding space: "
        + exampleText
        + " In the same style, and in the same embedding space, write a "
        + task.replace('_', ' ')
        + " for an interpolation of the "
        + kind
        + "s "
        + first
        + " and "
        + second
        + " (weight "
        + weight
        + " on the second). Do not use the "
        + kind
        + "s' names in your response.";
  }

  /** App. F's zero-shot prompt for two profiles, with the mixing weight {@code a} on the second. */
  static String profilePrompt(String first, String second, double a) {
    return "In ten bullet points, generate an interpolation of the following two user profiles"
        + String.format(Locale.ROOT, " (weight %.2f on the second)", a)
        + ": User profile 1: "
        + first
        + " User profile 2: "
        + second;
  }

  /** The endpoint's reply to {@code prompt}. */
  String write(String prompt) {
    return chat.apply(prompt);
  }
}
