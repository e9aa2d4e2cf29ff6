package dev.elmrlaif.domain.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The allowed interval of a numeric configuration key. The loader checks it (and that a number is
 * finite) once every file, {@code extends} base and {@code --set} override has been laid over the
 * defaults and before the records are built, and names the key's full path, its line, the value
 * found and the interval when a value falls outside. It is the only check of a key's own range: the
 * records' constructors keep only the checks that relate several keys.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({
  ElementType.RECORD_COMPONENT,
  ElementType.PARAMETER,
  ElementType.FIELD,
  ElementType.METHOD
})
public @interface Range {
  /** Smallest allowed value. */
  double min() default Double.NEGATIVE_INFINITY;

  /** Largest allowed value. */
  double max() default Double.POSITIVE_INFINITY;

  /** Whether {@link #min()} itself is excluded. */
  boolean minExclusive() default false;

  /** Whether {@link #max()} itself is excluded. */
  boolean maxExclusive() default false;

  /** Why the range is what it is, appended to the error in brackets; empty for nothing. */
  String reason() default "";
}
