package dev.elmrlaif.domain.teacher;

import dev.elmrlaif.domain.tasks.TargetStyle;
import dev.elmrlaif.domain.tasks.Teacher;
import dev.elmrlaif.domain.tasks.TeacherRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The default teacher: composes each task's target from real metadata (genres, year, tags, rating
 * statistics, overview, tagline, keywords), with phrasing varied by a random stream seeded from the
 * teacher seed, the task and the entities, so the same request always gives the same text. Every
 * output passes through a {@link TitleScrubber} for the movies involved, so no title is ever named.
 */
public final class OfflineTeacher implements Teacher {
  private final List<MovieFacts> movies;
  private final long seed;

  public OfflineTeacher(List<MovieFacts> movies, long seed) {
    this.movies = List.copyOf(movies);
    this.seed = seed;
  }

  @Override
  public String description() {
    return "offline teacher (metadata composition, seed " + seed + ")";
  }

  @Override
  public String write(TeacherRequest request) {
    SplittableRandom random = new SplittableRandom(requestSeed(request));
    TargetStyle style = request.task().style();
    String text;
    List<String> titles = new ArrayList<>();
    if (style == TargetStyle.USER_PROFILE) {
      text = userProfile(request.liked(), request.disliked(), random);
      request.liked().forEach(m -> titles.add(movies.get(m).title()));
      request.disliked().forEach(m -> titles.add(movies.get(m).title()));
    } else {
      request.entities().forEach(m -> titles.add(movies.get(m).title()));
      MovieFacts first = movies.get(request.entities().get(0));
      MovieFacts second =
          request.entities().size() > 1 ? movies.get(request.entities().get(1)) : null;
      text =
          switch (style) {
            case SUMMARY -> summary(first, random);
            case LONG_DESCRIPTION -> longDescription(first, random);
            case POSITIVE_REVIEW -> review(first, random, 1);
            case NEGATIVE_REVIEW -> review(first, random, -1);
            case NEUTRAL_REVIEW -> review(first, random, 0);
            case FIVE_POSITIVE -> fiveCharacteristics(first, random, true);
            case FIVE_NEGATIVE -> fiveCharacteristics(first, random, false);
            case IMPROVE -> improve(first, random);
            case CRITICIZE -> criticize(first, random);
            case PITCH -> pitch(first, random);
            case CONVINCE -> convince(first, random, 1);
            case CONVINCE_DETAILED -> convince(first, random, 2);
            case CONVINCE_BRIEF -> convince(first, random, 0);
            case DISSUADE -> dissuade(first, random, false);
            case DISSUADE_DETAILED -> dissuade(first, random, true);
            case FUNNIER -> retold(first, random, "funnier");
            case SADDER -> retold(first, random, "sadder");
            case SCARIER -> retold(first, random, "scarier");
            case MOVIE_TO_VIEWER -> movieToViewer(first, random);
            case INTERPOLATION -> interpolation(first, second, random);
            case SIMILARITIES -> similarities(first, second);
            case WHY_LIKE_NEIGHBOUR -> whyLike(first, second, random);
            case DIFFERENCES -> numbered(differentAttributes(first, second));
            case COMMON -> numbered(commonAttributes(first, second));
            case USER_PROFILE -> throw new IllegalStateException("handled above");
            case TEMPLATE ->
                throw new IllegalStateException(
                    "task '"
                        + request.task().name()
                        + "' is a file-domain template task; its teacher is the TemplateTeacher");
          };
    }
    return new TitleScrubber(titles).scrub(text.replaceAll("\\s+", " ").trim());
  }

  private long requestSeed(TeacherRequest request) {
    long h = seed * 0x9E3779B97F4A7C15L + request.task().name().hashCode();
    for (int e : request.entities()) {
      h = h * 31 + e;
    }
    for (int e : request.liked()) {
      h = h * 37 + e;
    }
    for (int e : request.disliked()) {
      h = h * 41 + e;
    }
    return h;
  }

  // ---- building blocks -------------------------------------------------------------------------

  private static String pick(SplittableRandom random, String... options) {
    return options[random.nextInt(options.length)];
  }

  private static String joinAnd(List<String> items) {
    if (items.isEmpty()) {
      return "";
    }
    if (items.size() == 1) {
      return items.get(0);
    }
    return String.join(", ", items.subList(0, items.size() - 1))
        + " and "
        + items.get(items.size() - 1);
  }

  private static String article(String word) {
    return word.isEmpty() || "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) < 0
        ? "a " + word
        : "an " + word;
  }

  /** "a science fiction and action film" or "a film" when genres are unknown. */
  private static String kind(MovieFacts f) {
    if (f.genres().isEmpty()) {
      return "a film";
    }
    return article(joinAnd(f.genres().subList(0, Math.min(3, f.genres().size()))) + " film");
  }

  private static String era(MovieFacts f, SplittableRandom random) {
    if (f.year() == 0) {
      return "";
    }
    int decade = f.year() / 10 * 10;
    return pick(
        random, " released in " + f.year(), " from the " + decade + "s", " made in " + f.year());
  }

  private static String reception(MovieFacts f, SplittableRandom random) {
    if (f.ratingCount() == 0) {
      return pick(
          random,
          "Few viewers have rated it so far.",
          "It has hardly been rated by audiences yet.");
    }
    String reach =
        f.ratingCount() >= 100
            ? "widely seen"
            : f.ratingCount() >= 20 ? "fairly well known" : "little seen";
    double mean = f.ratingMean();
    String verdict =
        mean >= 4.0
            ? "acclaimed"
            : mean >= 3.5
                ? "well liked"
                : mean >= 3.0 ? "met with mixed feelings" : "poorly received";
    String quality =
        mean >= 4.0 ? "excellent" : mean >= 3.5 ? "enjoyable" : mean >= 3.0 ? "uneven" : "weak";
    return String.format(
        Locale.ROOT,
        pick(
            random,
            "It is a %1$s film that viewers have %2$s, with an average rating of %4$.1f out of 5.",
            "Audiences find it %3$s: it is %1$s and averages %4$.1f out of 5."),
        reach,
        verdict,
        quality,
        mean);
  }

  private static String tagsSentence(MovieFacts f, SplittableRandom random) {
    if (f.tags().isEmpty()) {
      return "";
    }
    List<String> tags = f.tags().subList(0, Math.min(4, f.tags().size()));
    return pick(
        random,
        "Viewers describe it as " + joinAnd(tags) + ".",
        "People who have seen it tag it " + joinAnd(tags) + ".",
        "Words viewers attach to it include " + joinAnd(tags) + ".");
  }

  private static String keywordsSentence(MovieFacts f, SplittableRandom random) {
    if (f.keywords().isEmpty()) {
      return "";
    }
    List<String> keywords = f.keywords().subList(0, Math.min(5, f.keywords().size()));
    return pick(
        random,
        "Its story touches on " + joinAnd(keywords) + ".",
        "Themes include " + joinAnd(keywords) + ".",
        "It deals with " + joinAnd(keywords) + ".");
  }

  /**
   * The plot: the overview when known, else a sketch from tags and keywords, else nothing (callers
   * always state the genres and era themselves).
   */
  private static String plot(MovieFacts f, SplittableRandom random) {
    if (!f.overview().isBlank()) {
      return f.overview();
    }
    List<String> themes = concat(f.keywords(), f.tags());
    if (themes.isEmpty()) {
      return "";
    }
    return pick(random, "Its story revolves around ", "The plot centres on ", "It is a story of ")
        + joinAnd(themes.subList(0, Math.min(3, themes.size())))
        + ".";
  }

  private static String firstSentence(String text) {
    int end = text.indexOf(". ");
    return end < 0 ? text : text.substring(0, end + 1);
  }

  private static String sentences(String... parts) {
    StringBuilder out = new StringBuilder();
    for (String part : parts) {
      if (part != null && !part.isBlank()) {
        out.append(out.length() == 0 ? "" : " ").append(part.trim());
      }
    }
    return out.toString();
  }

  private static String strength(MovieFacts f, int i) {
    List<String> options = new ArrayList<>();
    f.tags().forEach(t -> options.add("It is genuinely " + t + ", and it makes the most of it."));
    f.genres().forEach(g -> options.add("It is a fine example of " + g + " filmmaking."));
    f.keywords().forEach(k -> options.add("Its handling of " + k + " is thoughtful and engaging."));
    options.add("The characters are memorable and well drawn.");
    options.add("It is well paced and holds the attention from start to finish.");
    options.add("Its tone is consistent and confident.");
    options.add("The story is easy to follow yet rewarding.");
    options.add("It leaves the audience with something to think about.");
    return options.get(i % options.size());
  }

  private static String weakness(MovieFacts f, int i) {
    List<String> options = new ArrayList<>();
    f.genres().forEach(g -> options.add("It leans on familiar " + g + " conventions and clichés."));
    f.tags()
        .forEach(
            t -> options.add("Some viewers find that being " + t + " is all it has to offer."));
    f.keywords().forEach(k -> options.add("Its treatment of " + k + " feels shallow."));
    options.add("The pacing drags in the middle.");
    options.add("The characters are thinly written.");
    options.add("The ending feels rushed and unearned.");
    options.add("The dialogue is often stilted.");
    options.add("It is predictable from the first act.");
    return options.get(i % options.size());
  }

  // ---- single-movie tasks ----------------------------------------------------------------------

  private String summary(MovieFacts f, SplittableRandom random) {
    return sentences(
        pick(random, "The film is ", "This movie is ", "It is ") + kind(f) + era(f, random) + ".",
        plot(f, random),
        tagsSentence(f, random),
        reception(f, random));
  }

  private String longDescription(MovieFacts f, SplittableRandom random) {
    return sentences(
        pick(random, "The movie is ", "This is ", "The story is told as ")
            + kind(f)
            + era(f, random)
            + ".",
        plot(f, random),
        f.tagline().isBlank() ? "" : "Its tagline sums it up: \"" + f.tagline() + "\"",
        keywordsSentence(f, random),
        tagsSentence(f, random),
        reception(f, random));
  }

  private String review(MovieFacts f, SplittableRandom random, int sentiment) {
    String opening =
        switch (sentiment) {
          case 1 ->
              pick(
                  random,
                  "This is a wonderful film.",
                  "What a delight this movie is.",
                  "I loved every minute of it.");
          case -1 ->
              pick(
                  random,
                  "This movie is a disappointment.",
                  "I wanted to like this film, but it falls flat.",
                  "This is a tiresome watch.");
          default ->
              pick(
                  random,
                  "This film has strengths and weaknesses.",
                  "It is a decent but uneven movie.",
                  "The movie is watchable, if not remarkable.");
        };
    String body =
        switch (sentiment) {
          case 1 ->
              sentences(
                  strength(f, random.nextInt(100)),
                  strength(f, random.nextInt(100)),
                  "Overall, " + kind(f) + " worth seeking out.");
          case -1 ->
              sentences(
                  weakness(f, random.nextInt(100)),
                  weakness(f, random.nextInt(100)),
                  "Overall, " + kind(f) + " that is easy to skip.");
          default ->
              sentences(
                  strength(f, random.nextInt(100)),
                  weakness(f, random.nextInt(100)),
                  "Overall, " + kind(f) + " that some will enjoy more than others.");
        };
    return sentences(
        opening,
        "It is " + kind(f) + era(f, random) + ".",
        plot(f, random),
        tagsSentence(f, random),
        body);
  }

  private String fiveCharacteristics(MovieFacts f, SplittableRandom random, boolean positive) {
    StringBuilder out = new StringBuilder();
    int offset = random.nextInt(100);
    Set<String> used = new LinkedHashSet<>();
    for (int i = 0, n = 1; n <= 5 && i < 40; i++) {
      String item = positive ? strength(f, offset + i) : weakness(f, offset + i);
      if (used.add(item)) {
        out.append(n++).append(". ").append(item).append(' ');
      }
    }
    return out.toString();
  }

  private String improve(MovieFacts f, SplittableRandom random) {
    return sentences(
        "The movie is " + kind(f) + era(f, random) + ".",
        plot(f, random),
        "I would improve it by tightening the pacing and giving the characters more depth.",
        weakness(f, random.nextInt(100)).replace("It ", "The original ") + " I would fix that.",
        "I would keep what works: " + strength(f, random.nextInt(100)).toLowerCase(Locale.ROOT),
        "These changes make it a stronger and more memorable film.");
  }

  private String criticize(MovieFacts f, SplittableRandom random) {
    return sentences(
        "The movie is " + kind(f) + era(f, random) + ".",
        plot(f, random),
        reception(f, random),
        weakness(f, random.nextInt(100)),
        weakness(f, random.nextInt(100)),
        "Compared with similar "
            + (f.genres().isEmpty() ? "" : f.genres().get(0) + " ")
            + "films, it does not stand out.");
  }

  private String pitch(MovieFacts f, SplittableRandom random) {
    return sentences(
        pick(
            random,
            "I have a great idea for a new movie.",
            "Here is a film audiences will line up for."),
        "It is " + kind(f) + ".",
        plot(f, random),
        f.tagline().isBlank() ? "" : "The tagline writes itself: \"" + f.tagline() + "\"",
        strength(f, random.nextInt(100)),
        keywordsSentence(f, random),
        "It will appeal to fans of "
            + (f.genres().isEmpty() ? "good stories" : joinAnd(f.genres()) + " films")
            + ".");
  }

  private String convince(MovieFacts f, SplittableRandom random, int detail) {
    String hook =
        pick(
            random,
            "You should really watch this movie.",
            "If you are looking for something to watch, try this.",
            "Give this film a chance.");
    if (detail == 0) {
      return sentences(hook, "It is " + kind(f) + ".", strength(f, random.nextInt(100)));
    }
    String base =
        sentences(
            hook,
            "It is " + kind(f) + era(f, random) + ".",
            plot(f, random),
            strength(f, random.nextInt(100)));
    return detail == 1
        ? base
        : sentences(
            base, strength(f, random.nextInt(100)), tagsSentence(f, random), reception(f, random));
  }

  private String dissuade(MovieFacts f, SplittableRandom random, boolean detailed) {
    String base =
        sentences(
            pick(
                random,
                "I would not recommend this movie.",
                "Skip this one.",
                "Save your evening."),
            "It is " + kind(f) + ".",
            weakness(f, random.nextInt(100)));
    return detailed
        ? sentences(
            base,
            plot(f, random),
            weakness(f, random.nextInt(100)),
            reception(f, random),
            "There are better films like it.")
        : base;
  }

  private String retold(MovieFacts f, SplittableRandom random, String tone) {
    String frame =
        switch (tone) {
          case "funnier" ->
              pick(
                  random,
                  "In this version, everything goes comically wrong.",
                  "This time the story is played for laughs.");
          case "sadder" ->
              pick(
                  random,
                  "In this version, the story takes a tragic turn.",
                  "This time the story is a heartbreaking drama.");
          default ->
              pick(
                  random,
                  "In this version, a creeping dread hangs over everything.",
                  "This time the story becomes a nightmare.");
        };
    String ending =
        switch (tone) {
          case "funnier" -> "Every setback becomes a gag, and the ending is a joyful mess.";
          case "sadder" -> "Loss follows loss, and the ending leaves no one unchanged.";
          default ->
              "Something unseen stalks the characters, and not all of them survive the night.";
        };
    return sentences(
        frame, "The original is " + kind(f) + era(f, random) + ".", plot(f, random), ending);
  }

  private String movieToViewer(MovieFacts f, SplittableRandom random) {
    String fans = f.genres().isEmpty() ? "good stories" : joinAnd(f.genres()) + " movies";
    return sentences(
        "The movie is " + kind(f) + era(f, random) + ".",
        "It is best suited for viewers who enjoy " + fans + ".",
        f.tags().isEmpty()
            ? ""
            : "They like films that are "
                + joinAnd(f.tags().subList(0, Math.min(3, f.tags().size())))
                + ".",
        f.keywords().isEmpty()
            ? ""
            : "They are interested in "
                + joinAnd(f.keywords().subList(0, Math.min(3, f.keywords().size())))
                + ".",
        f.year() > 0 && f.year() < 1980 ? "They appreciate older films." : "");
  }

  // ---- two-movie tasks -------------------------------------------------------------------------

  private String interpolation(MovieFacts a, MovieFacts b, SplittableRandom random) {
    List<String> genres = new ArrayList<>(new LinkedHashSet<>(concat(a.genres(), b.genres())));
    MovieFacts blend =
        new MovieFacts(
            "",
            0,
            genres.subList(0, Math.min(3, genres.size())),
            List.of(),
            List.of(),
            "",
            "",
            Double.NaN,
            0);
    return sentences(
        "The new movie is " + kind(blend) + ".",
        firstSentence(plot(a, random)),
        "Meanwhile, " + lowerFirst(firstSentence(plot(b, random))),
        "The two threads come together in a story that is "
            + joinAnd(concat(a.tags(), b.tags()).stream().limit(3).toList())
            + (a.tags().isEmpty() && b.tags().isEmpty() ? "both familiar and new" : "")
            + ".");
  }

  private String similarities(MovieFacts a, MovieFacts b) {
    return sentences(
        "**Similarities**",
        bullets(commonAttributes(a, b)),
        "**Differences**",
        bullets(differentAttributes(a, b)));
  }

  private String whyLike(MovieFacts a, MovieFacts b, SplittableRandom random) {
    List<String> common = commonAttributes(a, b);
    return sentences(
        "The second movie is " + kind(b) + era(b, random) + ".",
        firstSentence(plot(b, random)),
        "You would like it because " + lowerFirst(common.get(0)),
        common.size() > 1 ? common.get(1) : "",
        strength(b, random.nextInt(100)));
  }

  private static List<String> commonAttributes(MovieFacts a, MovieFacts b) {
    List<String> out = new ArrayList<>();
    List<String> genres = a.genres().stream().filter(b.genres()::contains).toList();
    if (!genres.isEmpty()) {
      out.add("Both movies are " + joinAnd(genres) + " films.");
    }
    List<String> tags = a.tags().stream().filter(b.tags()::contains).toList();
    if (!tags.isEmpty()) {
      out.add("Viewers describe both as " + joinAnd(tags) + ".");
    }
    List<String> keywords = a.keywords().stream().filter(b.keywords()::contains).toList();
    if (!keywords.isEmpty()) {
      out.add("Both deal with " + joinAnd(keywords) + ".");
    }
    if (a.year() > 0 && b.year() > 0 && a.year() / 10 == b.year() / 10) {
      out.add("Both were released in the " + a.year() / 10 * 10 + "s.");
    }
    if (a.ratingCount() > 0
        && b.ratingCount() > 0
        && Math.abs(a.ratingMean() - b.ratingMean()) < 0.5) {
      out.add(
          String.format(
              Locale.ROOT,
              "Audiences rate both similarly, around %.1f out of 5.",
              (a.ratingMean() + b.ratingMean()) / 2));
    }
    out.add("Both tell a story meant to keep the audience engaged.");
    out.add("Both have found an audience of their own.");
    out.add("Both are feature films made for the big screen.");
    return out.subList(0, 3);
  }

  private static List<String> differentAttributes(MovieFacts a, MovieFacts b) {
    List<String> out = new ArrayList<>();
    if (!a.genres().equals(b.genres())) {
      out.add("The first movie is " + kind(a) + ", while the second movie is " + kind(b) + ".");
    }
    if (a.year() > 0 && b.year() > 0 && a.year() != b.year()) {
      out.add(
          "The first movie was released in "
              + a.year()
              + ", while the second movie was released in "
              + b.year()
              + ".");
    }
    if (!a.tags().isEmpty() && !b.tags().isEmpty() && !a.tags().get(0).equals(b.tags().get(0))) {
      out.add(
          "The first movie is described as "
              + a.tags().get(0)
              + ", the second as "
              + b.tags().get(0)
              + ".");
    }
    if (a.ratingCount() > 0 && b.ratingCount() > 0) {
      out.add(
          String.format(
              Locale.ROOT,
              "The first movie averages %.1f out of 5, the second %.1f.",
              a.ratingMean(),
              b.ratingMean()));
    }
    if (!a.overview().isBlank() && !b.overview().isBlank()) {
      out.add(
          "In the first movie: "
              + firstSentence(a.overview())
              + " In the second: "
              + firstSentence(b.overview()));
    }
    out.add("The two movies differ in tone and style.");
    out.add("They appeal to different moods.");
    out.add("They are told from different points of view.");
    return out.subList(0, 3);
  }

  // ---- user profile ----------------------------------------------------------------------------

  private String userProfile(List<Integer> liked, List<Integer> disliked, SplittableRandom random) {
    Map<String, Integer> likedGenres = counts(liked, true);
    Map<String, Integer> dislikedGenres = counts(disliked, true);
    Map<String, Integer> likedTags = counts(liked, false);
    Map<String, Integer> dislikedTags = counts(disliked, false);
    List<String> favourite = top(likedGenres, dislikedGenres, 3);
    List<String> avoided = top(dislikedGenres, likedGenres, 3);
    List<String> bullets = new ArrayList<>();
    bullets.add(
        favourite.isEmpty()
            ? "They enjoy a wide range of films."
            : pick(random, "They enjoy ", "They are drawn to ", "They love ")
                + joinAnd(favourite)
                + " movies.");
    bullets.add(
        avoided.isEmpty()
            ? "They rarely dislike a film for its genre alone."
            : pick(random, "They are not interested in ", "They tend to avoid ", "They dislike ")
                + joinAnd(avoided)
                + " movies.");
    List<String> goodTags = top(likedTags, dislikedTags, 3);
    bullets.add(
        goodTags.isEmpty()
            ? "They appreciate a strong plot and well-developed characters."
            : "They appreciate films that are " + joinAnd(goodTags) + ".");
    List<String> badTags = top(dislikedTags, likedTags, 2);
    bullets.add(
        badTags.isEmpty()
            ? "They do not enjoy movies that are slow or predictable."
            : "They do not enjoy films that are " + joinAnd(badTags) + ".");
    double likedYear = meanYear(liked);
    double dislikedYear = meanYear(disliked);
    if (!Double.isNaN(likedYear)) {
      bullets.add(
          likedYear < 1985
              ? "They have a taste for older, classic films."
              : likedYear < 2000
                  ? "They favour films from the 1980s and 1990s."
                  : "They prefer recent releases.");
    }
    if (!Double.isNaN(likedYear)
        && !Double.isNaN(dislikedYear)
        && Math.abs(likedYear - dislikedYear) > 10) {
      bullets.add(
          likedYear < dislikedYear
              ? "Newer films often leave them cold."
              : "Older films often feel dated to them.");
    }
    double popularity = meanCount(liked);
    bullets.add(
        popularity >= 100
            ? "They enjoy popular, widely seen movies."
            : popularity >= 20
                ? "They mix well-known films with lesser-known ones."
                : "They seek out little-known films.");
    double quality = meanRating(liked);
    if (!Double.isNaN(quality)) {
      bullets.add(
          quality >= 3.8
              ? "They share the taste of most critics and audiences."
              : "Their favourites are not always crowd-pleasers.");
    }
    List<String> keywords = topKeywords(liked, 2);
    if (!keywords.isEmpty()) {
      bullets.add("They are interested in stories about " + joinAnd(keywords) + ".");
    }
    String[] fillers = {
      "They value movies with a good sense of pacing.",
      "They enjoy movies that are visually appealing.",
      "They appreciate a good soundtrack.",
      "They like movies that are thought-provoking.",
      "They are not interested in movies that are too predictable.",
      "They enjoy a sense of humor in their films."
    };
    int start = random.nextInt(fillers.length);
    for (int i = 0; bullets.size() < 10; i++) {
      bullets.add(fillers[(start + i) % fillers.length]);
    }
    StringBuilder out = new StringBuilder();
    for (String b : bullets.subList(0, 10)) {
      out.append("* ").append(b).append(' ');
    }
    return out.toString();
  }

  private Map<String, Integer> counts(List<Integer> indices, boolean genres) {
    Map<String, Integer> counts = new HashMap<>();
    for (int m : indices) {
      for (String g : genres ? movies.get(m).genres() : movies.get(m).tags()) {
        counts.merge(g, 1, Integer::sum);
      }
    }
    return counts;
  }

  /**
   * Items more frequent in {@code more} than in {@code less}, most distinctive first, ties by name.
   */
  private static List<String> top(Map<String, Integer> more, Map<String, Integer> less, int n) {
    return more.entrySet().stream()
        .filter(e -> e.getValue() > less.getOrDefault(e.getKey(), 0))
        .sorted(
            (x, y) -> {
              int dx = x.getValue() - less.getOrDefault(x.getKey(), 0);
              int dy = y.getValue() - less.getOrDefault(y.getKey(), 0);
              return dx != dy ? Integer.compare(dy, dx) : x.getKey().compareTo(y.getKey());
            })
        .limit(n)
        .map(Map.Entry::getKey)
        .toList();
  }

  private List<String> topKeywords(List<Integer> indices, int n) {
    Map<String, Integer> counts = new HashMap<>();
    for (int m : indices) {
      movies.get(m).keywords().forEach(k -> counts.merge(k, 1, Integer::sum));
    }
    return top(counts, Map.of(), n);
  }

  private double meanYear(List<Integer> indices) {
    return indices.stream()
        .mapToInt(m -> movies.get(m).year())
        .filter(y -> y > 0)
        .average()
        .orElse(Double.NaN);
  }

  private double meanCount(List<Integer> indices) {
    return indices.stream().mapToInt(m -> movies.get(m).ratingCount()).average().orElse(0);
  }

  private double meanRating(List<Integer> indices) {
    return indices.stream()
        .mapToDouble(m -> movies.get(m).ratingMean())
        .filter(r -> !Double.isNaN(r))
        .average()
        .orElse(Double.NaN);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static String bullets(List<String> items) {
    StringBuilder out = new StringBuilder();
    items.forEach(i -> out.append("* ").append(i).append(' '));
    return out.toString();
  }

  private static String numbered(List<String> items) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      out.append(i + 1).append(". ").append(items.get(i)).append(' ');
    }
    return out.toString();
  }
}
