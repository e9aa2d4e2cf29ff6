package dev.elmrlaif.rlaif.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The allowed interval of a numeric configuration key. The loader checks it after every file,
 * {@code extends} base and {@code --set} override has been applied, and names the key and the
 * interval when a value falls outside.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface Range {
  /** Smallest allowed value. */
  double min() default Double.NEGATIVE_INFINITY;

  /** Largest allowed value. */
  double max() default Double.POSITIVE_INFINITY;

  /** Whether {@link #min()} itself is excluded. */
  boolean minExclusive() default false;

  /** Whether {@link #max()} itself is excluded. */
  boolean maxExclusive() default false;
}
