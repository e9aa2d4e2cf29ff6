package dev.elmrlaif.domain.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An old name of a configuration key that still works: the loader reads it as the key it annotates,
 * warns once that it is deprecated and names the new key, and reports an error in its value under
 * the name the config wrote (e.g. {@code sac.alpha.beta} for {@code sac.alpha.value}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({
  ElementType.RECORD_COMPONENT,
  ElementType.PARAMETER,
  ElementType.FIELD,
  ElementType.METHOD
})
public @interface DeprecatedAlias {
  /** The old YAML name, in snake_case. */
  String value();
}
