package dev.elmrlaif.domain.config;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * Concept activation vectors from tags (and genres): a regularised linear classifier per concept in
 * each listed embedding space, kept when enough training movies carry the concept.
 */
@RecordBuilder
public record ConceptsConfig(
    @Doc("Embedding spaces to find concepts in: semantic, behavioral")
        @Default("[semantic, behavioral]")
        List<String> spaces,
    @Doc("Fewest tagged training movies a concept needs") @Range(min = 2) @Default("10")
        int minMovies,
    @Doc("Also use each genre as a concept ('genre:comedy')") @Default("true")
        boolean includeGenres,
    @Doc("L2 penalty of the concept classifier")
        @Range(min = 0, minExclusive = true)
        @Default("1.0")
        double l2,
    @Doc("Share of movies kept out of the fit to measure each concept's accuracy")
        @Range(min = 0, max = 1, minExclusive = true, maxExclusive = true)
        @Default("0.2")
        double validationFraction)
    implements ConceptsConfigBuilder.With {

  public ConceptsConfig {
    spaces = List.copyOf(spaces);
  }

  /** The defaults every config starts from. */
  public static ConceptsConfig defaults() {
    return ConfigKeys.defaults(ConceptsConfig.class);
  }
}
