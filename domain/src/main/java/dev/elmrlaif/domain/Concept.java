package dev.elmrlaif.domain;

/**
 * A concept activation vector: a unit direction in one embedding space along which a concept (a tag
 * such as "funny") grows, from a linear classifier separating tagged from untagged entities
 * (DESIGN.md §6). Moving an entity by {@code e + s·direction} makes it "more" of the concept.
 *
 * @param name the concept, e.g. the tag text
 * @param space the embedding space the direction lives in
 * @param direction the unit normal of the classifier's separating hyperplane
 * @param positives how many training entities carry the concept
 * @param heldOutAccuracy balanced accuracy of the classifier on entities it was not fitted on
 * @param carrierKind the entity kind of the carriers (MovieLens: movie, also for the direction in
 *     the users' behavioral space, which is fitted on the movies' factors); null in data prepared
 *     before it was recorded
 * @param carriers the training entities of {@code carrierKind} that carry the concept (ascending
 *     indices): the concept experiment compares a text with their mean text vector; null in data
 *     prepared before they were recorded
 */
public record Concept(
    String name,
    String space,
    float[] direction,
    int positives,
    double heldOutAccuracy,
    String carrierKind,
    int[] carriers) {}
