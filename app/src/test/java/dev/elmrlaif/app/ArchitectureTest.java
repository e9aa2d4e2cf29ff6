package dev.elmrlaif.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the module layout of DESIGN.md §8 honest beyond what Maven's module graph already enforces:
 * no package cycles inside domain, algorithms and app, dependencies pointing app → algorithms →
 * domain only, and no MovieLens names in the generic algorithms (a class, member or accessed member
 * named after movies, or a dependency on the movielens package). Main classes only: tests may use
 * any fixture.
 */
class ArchitectureTest {
  private static final String DOMAIN = "dev.elmrlaif.domain..";
  private static final String ALGORITHMS = "dev.elmrlaif.algorithms..";
  private static final String APP = "dev.elmrlaif.app..";
  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // the test fixtures of domain and algorithms reach app's tests as test-jars once they
            // are packaged
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.elmrlaif.domain", "dev.elmrlaif.algorithms", "dev.elmrlaif.app");
  }

  @Test
  void everyModuleAndOnlyMainClassesAreImported() {
    // the rules below would pass vacuously on an empty import
    for (String module : new String[] {"domain", "algorithms", "app"}) {
      long n =
          classes.stream()
              .filter(c -> c.getPackageName().startsWith("dev.elmrlaif." + module))
              .count();
      assertTrue(n >= 20, module + ": only " + n + " main classes imported");
    }
    // and only main classes: tests may use fixtures across packages
    assertTrue(
        classes.stream().noneMatch(c -> c.getSimpleName().endsWith("Test")),
        "test classes were imported");
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.elmrlaif.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void domainDependsOnNeitherAlgorithmsNorApp() {
    noClasses()
        .that()
        .resideInAPackage(DOMAIN)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(ALGORITHMS, APP)
        .check(classes);
  }

  @Test
  void algorithmsDoNotDependOnApp() {
    noClasses()
        .that()
        .resideInAPackage(ALGORITHMS)
        .should()
        .dependOnClassesThat()
        .resideInAPackage(APP)
        .check(classes);
  }

  @Test
  void algorithmsNameNoMovieLens() {
    noClasses()
        .that()
        .resideInAPackage(ALGORITHMS)
        .should()
        .dependOnClassesThat()
        .resideInAPackage("..movielens..")
        .check(classes);
    noClasses().that().resideInAPackage(ALGORITHMS).should(nameOrUseMovies()).check(classes);
  }

  /**
   * A class whose own name, a member's name, or the name of a class or member it uses mentions
   * movies.
   */
  private static ArchCondition<JavaClass> nameOrUseMovies() {
    return new ArchCondition<>("name or use anything about movies") {
      @Override
      public void check(JavaClass c, ConditionEvents events) {
        if (moviesIn(c.getSimpleName())) {
          events.add(SimpleConditionEvent.satisfied(c, c.getName() + " is named after movies"));
        }
        for (JavaMember m : c.getMembers()) {
          if (moviesIn(m.getName())) {
            events.add(
                SimpleConditionEvent.satisfied(c, m.getFullName() + " is named after movies"));
          }
        }
        for (JavaAccess<?> a : c.getAccessesFromSelf()) {
          if (moviesIn(a.getTargetOwner().getSimpleName()) || moviesIn(a.getName())) {
            events.add(SimpleConditionEvent.satisfied(c, a.getDescription()));
          }
        }
      }
    };
  }

  private static boolean moviesIn(String name) {
    return name.toLowerCase(Locale.ROOT).contains("movie");
  }
}
