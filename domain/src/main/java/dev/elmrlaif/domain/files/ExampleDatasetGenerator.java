package dev.elmrlaif.domain.files;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.domain.data.NpyReader;
import dev.elmrlaif.policy.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Invents a small "bring your own embeddings" dataset: recipes and the people who cook them,
 * written in exactly the layout {@code configs/own-embeddings-example.yaml} reads. Nothing is
 * copied from anywhere; everything follows from a seed.
 *
 * <pre>
 *   recipe attributes a_r:  cuisine (one-hot, 6), main ingredient (one-hot, 8), technique (one-hot, 6),
 *                           spice level in [0, 1], preparation time in [0, 1]               (22 numbers)
 *   recipe vector:          e_r = W a_r + 0.05 * noise       W: 24 x 22 Gaussian      (space "flavour")
 *   user preferences p_u:   cuisine liking (6), heat tolerance, vegetarian            (8 numbers)
 *   user vector:            u = V p_u + 0.05 * noise         V: 12 x 8 Gaussian       ("taste", in .npy)
 *   rating of r by u:       clamp(round(3 + 1.2 * (z + 0.2) / 0.7), 1, 5),
 *                           z = liking(cuisine) - |heat - spice| - 1.5 * (meat for a vegetarian) + 0.3 * noise
 * </pre>
 *
 * Texts are composed from the same attributes (a recipe's description and serving note, a user's
 * profile), so a text can be recovered from the vector through the linear map: what an ELM must
 * learn. Tags (cuisine, spicy, quick, vegetarian) become the concepts file.
 *
 * <p>Files: {@code recipes.jsonl} (vectors and texts inline), {@code users.jsonl} (texts only),
 * {@code user_taste.npy} with {@code user_ids.txt} (the users' vectors), {@code interactions.csv},
 * {@code concepts.csv}, {@code tasks.yaml}.
 */
public final class ExampleDatasetGenerator {
  /** Recipes and users per size. */
  public enum Size {
    TINY(60, 30, 12),
    FULL(600, 200, 30);

    final int recipes;
    final int users;
    final int ratingsPerUser;

    Size(int recipes, int users, int ratingsPerUser) {
      this.recipes = recipes;
      this.users = users;
      this.ratingsPerUser = ratingsPerUser;
    }

    /** The size named {@code name} (tiny or full); anything else is a user error. */
    public static Size named(String name) {
      for (Size size : values()) {
        if (size.name().equalsIgnoreCase(name)) {
          return size;
        }
      }
      throw new UserInputException("--size: found '" + name + "', expected tiny or full");
    }
  }

  static final String[] CUISINES = {"italian", "mexican", "japanese", "indian", "french", "thai"};
  static final String[] INGREDIENTS = {
    "chicken", "beef", "tofu", "salmon", "lentils", "mushrooms", "shrimp", "eggs"
  };
  static final boolean[] MEAT = {true, true, false, true, false, false, true, false};
  static final String[] TECHNIQUES = {
    "grilled", "baked", "stir-fried", "braised", "steamed", "roasted"
  };
  private static final String[] HEAT = {"mild", "gently warm", "spicy", "fiery"};
  private static final Map<String, String> CUISINE_NOTES =
      Map.of(
          "italian", "with olive oil, garlic and fresh basil",
          "mexican", "with lime, cumin and smoky chiles",
          "japanese", "with soy, mirin and a touch of ginger",
          "indian", "with garam masala, turmeric and cumin seeds",
          "french", "with butter, shallots and thyme",
          "thai", "with lemongrass, fish sauce and coconut milk");
  private static final Map<String, String> CUISINE_SIDES =
      Map.of(
          "italian", "crusty bread and a green salad",
          "mexican", "warm tortillas and pickled onions",
          "japanese", "steamed rice and miso soup",
          "indian", "basmati rice and cooling raita",
          "french", "a glass of dry white wine and potatoes",
          "thai", "jasmine rice and cucumber relish");
  private static final int FLAVOUR_DIMENSION = 24;
  private static final int TASTE_DIMENSION = 12;

  private final Size size;
  private final long seed;

  /**
   * @param size how many recipes and users
   * @param seed the world's seed
   */
  public ExampleDatasetGenerator(Size size, long seed) {
    this.size = size;
    this.seed = seed;
  }

  /** One invented recipe. */
  record Recipe(String id, int cuisine, int ingredient, int technique, double spice, int minutes) {
    boolean vegetarian() {
      return !MEAT[ingredient];
    }

    double[] attributes() {
      double[] a = new double[CUISINES.length + INGREDIENTS.length + TECHNIQUES.length + 2];
      a[cuisine] = 1;
      a[CUISINES.length + ingredient] = 1;
      a[CUISINES.length + INGREDIENTS.length + technique] = 1;
      a[a.length - 2] = spice;
      a[a.length - 1] = (minutes - 10) / 80.0;
      return a;
    }
  }

  /** One invented cook. */
  record User(String id, double[] cuisineLiking, double heat, boolean vegetarian) {
    double[] preferences() {
      double[] p = new double[CUISINES.length + 2];
      System.arraycopy(cuisineLiking, 0, p, 0, CUISINES.length);
      p[CUISINES.length] = heat;
      p[CUISINES.length + 1] = vegetarian ? 1 : 0;
      return p;
    }
  }

  /** Writes the dataset into {@code folder} (created if missing); returns the files written. */
  public List<Path> write(Path folder) {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + folder, e);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<Recipe> recipes = new ArrayList<>();
    for (int r = 0; r < size.recipes; r++) {
      recipes.add(
          new Recipe(
              String.format(Locale.ROOT, "r%04d", r + 1),
              random.nextInt(CUISINES.length),
              random.nextInt(INGREDIENTS.length),
              random.nextInt(TECHNIQUES.length),
              random.nextDouble(),
              10 + 5 * random.nextInt(17)));
    }
    List<User> users = new ArrayList<>();
    for (int u = 0; u < size.users; u++) {
      double[] liking = new double[CUISINES.length];
      for (int c = 0; c < liking.length; c++) {
        liking[c] = random.nextDouble() * 2 - 1;
      }
      users.add(
          new User(
              String.format(Locale.ROOT, "u%03d", u + 1),
              liking,
              random.nextDouble(),
              random.nextDouble() < 0.25));
    }
    double[][] flavourMap =
        gaussianMatrix(FLAVOUR_DIMENSION, recipes.get(0).attributes().length, random);
    double[][] tasteMap =
        gaussianMatrix(TASTE_DIMENSION, users.get(0).preferences().length, random);

    ObjectMapper json = JsonMapper.builder().build();
    List<Path> written = new ArrayList<>();
    StringBuilder recipeLines = new StringBuilder();
    for (Recipe recipe : recipes) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("id", recipe.id());
      line.put("name", title(recipe));
      line.put("vectors", Map.of("flavour", noisyMap(flavourMap, recipe.attributes(), random)));
      Map<String, String> texts = new LinkedHashMap<>();
      texts.put("description", description(recipe));
      texts.put("serving", serving(recipe));
      line.put("texts", texts);
      recipeLines.append(toJson(json, line)).append('\n');
    }
    written.add(writeText(folder.resolve("recipes.jsonl"), recipeLines.toString()));

    StringBuilder userLines = new StringBuilder();
    StringBuilder userIds = new StringBuilder();
    float[] taste = new float[users.size() * TASTE_DIMENSION];
    for (int u = 0; u < users.size(); u++) {
      User user = users.get(u);
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("id", user.id());
      line.put("name", "cook " + user.id());
      line.put("texts", Map.of("description", profile(user)));
      userLines.append(toJson(json, line)).append('\n');
      userIds.append(user.id()).append('\n');
      float[] vector = noisyMap(tasteMap, user.preferences(), random);
      System.arraycopy(vector, 0, taste, u * TASTE_DIMENSION, TASTE_DIMENSION);
    }
    written.add(writeText(folder.resolve("users.jsonl"), userLines.toString()));
    written.add(writeText(folder.resolve("user_ids.txt"), userIds.toString()));
    Path npy = folder.resolve("user_taste.npy");
    AtomicFiles.write(npy, NpyReader.float32(users.size(), TASTE_DIMENSION, taste));
    written.add(npy);

    written.add(
        writeText(folder.resolve("interactions.csv"), interactions(users, recipes, random)));
    written.add(writeText(folder.resolve("concepts.csv"), concepts(recipes)));
    written.add(writeText(folder.resolve("tasks.yaml"), TASKS));
    return written;
  }

  /** The tasks of the example: three recipe tasks and a user profile. */
  static final String TASKS =
      """
      # Tasks of the invented recipe domain (see README "Interpret your own embeddings").
      - name: describe
        description: What the recipe is, from its flavour vector.
        prompt: "Describe the recipe <|entity_0|>."
        slots: [{kind: recipe, space: flavour}]
        pairing: single
        target: description
      - name: serve
        description: How to serve the recipe.
        prompt: "How would you serve the recipe <|entity_0|>?"
        slots: [{kind: recipe, space: flavour}]
        pairing: single
        template: "{serving} {description}"
      - name: compare
        description: Two similar recipes side by side.
        prompt: "Compare the recipe <|entity_0|> with the recipe <|entity_1|>."
        slots: [{kind: recipe, space: flavour}, {kind: recipe, space: flavour}]
        pairing: nearest_neighbour
        template: "The first: {0.description} The second: {1.description}"
      - name: cook_profile
        description: What a cook likes, from their taste vector.
        prompt: "Describe the cook <|entity_0|>."
        slots: [{kind: user, space: taste}]
        pairing: single
        target: description
      """;

  static String title(Recipe recipe) {
    return capitalise(TECHNIQUES[recipe.technique()])
        + " "
        + INGREDIENTS[recipe.ingredient()]
        + " "
        + CUISINES[recipe.cuisine()]
        + " style";
  }

  static String description(Recipe recipe) {
    String heat = HEAT[Math.min(HEAT.length - 1, (int) (recipe.spice() * HEAT.length))];
    String cuisine = CUISINES[recipe.cuisine()];
    return String.format(
        Locale.ROOT,
        "A %s %s dish of %s %s %s, ready in about %d minutes.%s",
        heat,
        cuisine,
        TECHNIQUES[recipe.technique()],
        INGREDIENTS[recipe.ingredient()],
        CUISINE_NOTES.get(cuisine),
        recipe.minutes(),
        recipe.vegetarian() ? " It is vegetarian." : "");
  }

  static String serving(Recipe recipe) {
    String when =
        recipe.minutes() <= 25
            ? "a quick weeknight meal"
            : recipe.minutes() >= 60 ? "a slow weekend meal" : "an easy dinner";
    return String.format(
        Locale.ROOT,
        "Serve it as %s with %s.",
        when,
        CUISINE_SIDES.get(CUISINES[recipe.cuisine()]));
  }

  static String profile(User user) {
    Integer[] order = new Integer[CUISINES.length];
    for (int c = 0; c < order.length; c++) {
      order[c] = c;
    }
    java.util.Arrays.sort(
        order, (a, b) -> Double.compare(user.cuisineLiking()[b], user.cuisineLiking()[a]));
    String heat = HEAT[Math.min(HEAT.length - 1, (int) (user.heat() * HEAT.length))];
    // only what the cook likes: a disliked cuisine named here would make the profile text similar
    // to
    // exactly the recipes the cook rates low, and behavioral consistency ranks candidates by
    // similarity
    return String.format(
        Locale.ROOT,
        "Loves %s and %s food and prefers %s dishes.%s",
        CUISINES[order[0]],
        CUISINES[order[1]],
        heat,
        user.vegetarian() ? " Cooks vegetarian dishes only." : "");
  }

  private String interactions(List<User> users, List<Recipe> recipes, SplittableRandom random) {
    StringBuilder out = new StringBuilder("user,recipe,rating\n");
    for (User user : users) {
      int[] chosen = random.ints(0, recipes.size()).distinct().limit(size.ratingsPerUser).toArray();
      for (int r : chosen) {
        Recipe recipe = recipes.get(r);
        double z =
            user.cuisineLiking()[recipe.cuisine()]
                - Math.abs(user.heat() - recipe.spice())
                - (user.vegetarian() && !recipe.vegetarian() ? 1.5 : 0)
                + 0.3 * gaussian(random);
        long stars = Math.max(1, Math.min(5, Math.round(3 + 1.2 * (z + 0.2) / 0.7)));
        out.append(user.id())
            .append(',')
            .append(recipe.id())
            .append(',')
            .append(stars)
            .append('\n');
      }
    }
    return out.toString();
  }

  private static String concepts(List<Recipe> recipes) {
    StringBuilder out = new StringBuilder("recipe,tag\n");
    for (Recipe recipe : recipes) {
      out.append(recipe.id()).append(',').append(CUISINES[recipe.cuisine()]).append('\n');
      if (recipe.spice() >= 0.5) {
        out.append(recipe.id()).append(",spicy\n");
      }
      if (recipe.minutes() <= 25) {
        out.append(recipe.id()).append(",quick\n");
      }
      if (recipe.vegetarian()) {
        out.append(recipe.id()).append(",vegetarian\n");
      }
    }
    return out.toString();
  }

  private static double[][] gaussianMatrix(int rows, int columns, SplittableRandom random) {
    double[][] m = new double[rows][columns];
    for (double[] row : m) {
      for (int c = 0; c < columns; c++) {
        row[c] = gaussian(random) / Math.sqrt(columns);
      }
    }
    return m;
  }

  /** {@code map · x + 0.05 · noise}, as floats. */
  private static float[] noisyMap(double[][] map, double[] x, SplittableRandom random) {
    float[] out = new float[map.length];
    for (int i = 0; i < map.length; i++) {
      double s = 0;
      for (int j = 0; j < x.length; j++) {
        s += map[i][j] * x[j];
      }
      out[i] = (float) (s + 0.05 * gaussian(random));
    }
    return out;
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private static String capitalise(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  private static String toJson(ObjectMapper json, Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path writeText(Path file, String content) {
    AtomicFiles.writeString(file, content);
    return file;
  }
}
