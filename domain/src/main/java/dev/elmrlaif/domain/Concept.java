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
 */
public record Concept(
    String name, String space, float[] direction, int positives, double heldOutAccuracy) {}
