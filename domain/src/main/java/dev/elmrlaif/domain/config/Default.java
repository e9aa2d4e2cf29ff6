package dev.elmrlaif.domain.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The default of a configuration key, declared on the record component beside its {@link Doc} and
 * {@link Range}, so that a key is declared in one place: {@link ConfigKeys#defaults(Class)} builds
 * a section's defaults from these. The text is the value as YAML would write it ({@code "8"},
 * {@code "1e-5"}, {@code "leave_one_out"}, {@code "[semantic, behavioral]"}, {@code "{}"}); for a
 * {@code String} key it is the string itself ({@code ""} for empty). A section (a record-typed
 * component) needs none: its default is its own type's defaults, or absent for an {@link
 * OptionalSection}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({
  ElementType.RECORD_COMPONENT,
  ElementType.PARAMETER,
  ElementType.FIELD,
  ElementType.METHOD
})
public @interface Default {
  String value();
}
