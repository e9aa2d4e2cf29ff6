package dev.elmrlaif.domain.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.RlaifConfig;
import dev.elmrlaif.algorithms.rl.sac.SacAlphaConfig;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every key of the configuration is declared once, on its record component: a description, a
 * default for every key that is not a section, and nothing else to keep in step (the defaults are
 * bound from the declarations, the withers are generated).
 */
class ConfigKeysTest {
  /** A section as a test declares one: two keys, one of them without a default. */
  record Incomplete(@Doc("has one") @Default("3") int declared, @Doc("has none") int forgotten) {}

  /** A section whose defaults bind from its declarations. */
  record Small(
      @Doc("a count") @Default("3") int count,
      @Doc("a name") @Default("") String name,
      @Doc("a list") @Default("[a, b]") List<String> names,
      @Doc("a rate") @Default("1e-5") double rate) {}

  @Test
  void everyKeyOfEverySectionHasADescriptionAndEveryLeafADefault() {
    Deque<Class<?>> sections = new ArrayDeque<>(List.of(RlaifConfig.class));
    Set<Class<?>> seen = new HashSet<>();
    int keys = 0;
    while (!sections.isEmpty()) {
      Class<?> section = sections.pop();
      if (!seen.add(section)) {
        continue;
      }
      for (ConfigKeys.Key key : ConfigKeys.keysOf(section)) {
        String where = section.getSimpleName() + "." + key.name();
        assertNotNull(key.component().getAnnotation(Doc.class), where + " has no @Doc");
        if (key.isSection()) {
          sections.push(key.type());
        } else {
          assertNotNull(key.component().getAnnotation(Default.class), where + " has no @Default");
          keys++;
        }
      }
    }
    assertTrue(keys > 150, "found only " + keys + " keys");
  }

  @Test
  void defaultsAreBoundFromTheDeclarationsOncePerSection() {
    Small small = ConfigKeys.defaults(Small.class);
    assertEquals(new Small(3, "", List.of("a", "b"), 1e-5), small);
    assertSame(small, ConfigKeys.defaults(Small.class));
    assertEquals(RlaifConfig.defaults().sac().alpha(), ConfigKeys.defaults(SacAlphaConfig.class));
    IllegalStateException missing =
        assertThrows(IllegalStateException.class, () -> ConfigKeys.defaults(Incomplete.class));
    assertEquals("Incomplete.forgotten declares no @Default", missing.getMessage());
  }

  @Test
  void aDeprecatedAliasFindsTheKeyItNamedBefore() {
    assertEquals("value", ConfigKeys.find(SacAlphaConfig.class, "beta").orElseThrow().name());
    assertEquals("value", ConfigKeys.find(SacAlphaConfig.class, "value").orElseThrow().name());
    assertTrue(ConfigKeys.find(SacAlphaConfig.class, "initial").isEmpty());
  }
}
