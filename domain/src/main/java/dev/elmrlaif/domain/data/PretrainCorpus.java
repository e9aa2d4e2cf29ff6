package dev.elmrlaif.domain.data;

import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.tasks.TaskExample;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The texts a language model may be pretrained on, by source, built from prepared data and never
 * holding a held-out entity's text. Two corpora exist ({@code pretrain.corpus}):
 *
 * <ul>
 *   <li>{@link #examples}: the target (teacher) text of every training example, the corpus
 *       pretraining always had;
 *   <li>{@link #trainingTexts}: those, plus every text the domain holds about a training entity
 *       (MovieLens: a training movie's overview, tagline, keywords, genres and training users'
 *       tags, the texts its semantic embedding averages over), each distinct text once, plus the
 *       domain's outside texts (MovieLens: TMDB films that are no MovieLens movie). Issue 13
 *       measured that the examples alone (about 1,600 sequences of 128 tokens) are what limits a
 *       GPT learnt from scratch, not its width.
 * </ul>
 *
 * Held-out entities are kept out by construction: training examples describe training entities
 * only, entity texts are taken for {@link Split#trainIndices()} only, and outside texts belong to
 * no entity.
 *
 * @param parts the texts of each source, in a fixed order
 */
public record PretrainCorpus(List<Part> parts) {
  /** Source name of the training examples' target texts. */
  public static final String TEACHER_TEXTS = "teacher_texts";

  /** Source name of the training entities' own texts. */
  public static final String ENTITY_TEXTS = "entity_texts";

  /** Source name of the texts about no entity of the domain. */
  public static final String OUTSIDE_TEXTS = "outside_texts";

  /** One source's texts. */
  public record Part(String source, List<String> texts) {
    public Part {
      texts = List.copyOf(texts);
    }
  }

  public PretrainCorpus {
    parts = List.copyOf(parts);
  }

  /** The corpus of the training examples' targets only (today's pretraining corpus). */
  public static PretrainCorpus examples(PreparedData data) {
    return new PretrainCorpus(List.of(new Part(TEACHER_TEXTS, targets(data.trainExamples()))));
  }

  /**
   * Every text of the training split: the training examples' targets, the training entities'
   * distinct non-blank texts (every kind that has texts, in kind order, entities in index order),
   * and the outside texts.
   */
  public static PretrainCorpus trainingTexts(PreparedData data) {
    Set<String> entityTexts = new LinkedHashSet<>();
    for (Map.Entry<String, List<List<String>>> kind : data.domain().texts().entrySet()) {
      Split split = data.domain().split(kind.getKey());
      for (int index : split.trainIndices()) {
        for (String text : kind.getValue().get(index)) {
          if (!text.isBlank()) {
            entityTexts.add(text);
          }
        }
      }
    }
    return new PretrainCorpus(
        List.of(
            new Part(TEACHER_TEXTS, targets(data.trainExamples())),
            new Part(ENTITY_TEXTS, new ArrayList<>(entityTexts)),
            new Part(OUTSIDE_TEXTS, data.outsideTexts())));
  }

  /** Every text of every part, in part order. */
  public List<String> texts() {
    List<String> all = new ArrayList<>();
    for (Part part : parts) {
      all.addAll(part.texts());
    }
    return all;
  }

  /** The target of every training example, tasks in the data's order. */
  private static List<String> targets(Map<String, List<TaskExample>> examplesByTask) {
    List<String> texts = new ArrayList<>();
    for (List<TaskExample> examples : examplesByTask.values()) {
      for (TaskExample example : examples) {
        texts.add(example.target());
      }
    }
    return texts;
  }
}
