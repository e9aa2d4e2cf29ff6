package dev.elmrlaif.domain.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a config section that may be absent: its value is null by default (the feature is off), a
 * mapping in the YAML switches it on, laid over the section type's {@code defaults()}, and {@code
 * key: null} switches it off again (e.g. {@code --set rl.contexts.reward.judge=null}). Every other
 * section always has a value.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({
  ElementType.RECORD_COMPONENT,
  ElementType.PARAMETER,
  ElementType.FIELD,
  ElementType.METHOD
})
public @interface OptionalSection {}
