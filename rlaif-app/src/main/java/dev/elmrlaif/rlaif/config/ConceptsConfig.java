package dev.elmrlaif.rlaif.config;

import dev.elmrlaif.rlaif.UserInputException;
import java.util.List;

/**
 * Concept activation vectors from tags (and genres): a regularised linear classifier per concept in
 * each listed embedding space, kept when enough training movies carry the concept.
 */
public record ConceptsConfig(
    @Doc("Embedding spaces to find concepts in: semantic, behavioral") List<String> spaces,
    @Doc("Fewest tagged training movies a concept needs") @Range(min = 2) int minMovies,
    @Doc("Also use each genre as a concept ('genre:comedy')") boolean includeGenres,
    @Doc("L2 penalty of the concept classifier") @Range(min = 0, minExclusive = true) double l2,
    @Doc("Share of movies kept out of the fit to measure each concept's accuracy")
        @Range(min = 0, max = 1, minExclusive = true, maxExclusive = true) double validationFraction) {

  public ConceptsConfig {
    spaces = List.copyOf(spaces);
    if (minMovies < 2) {
      throw new UserInputException("data.concepts.min_movies: found " + minMovies + ", expected at least 2");
    }
    if (!(l2 > 0)) {
      throw new UserInputException("data.concepts.l2: found " + l2 + ", expected a value > 0");
    }
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new UserInputException(
          "data.concepts.validation_fraction: found " + validationFraction + ", expected a value in (0, 1)");
    }
  }

  /** The defaults every config starts from. */
  public static ConceptsConfig defaults() {
    return new ConceptsConfig(List.of("semantic", "behavioral"), 10, true, 1.0, 0.2);
  }
}
