package dev.elmrlaif.domain.tasks;

import dev.elmrlaif.domain.EmbeddingSpace;
import dev.elmrlaif.domain.Interactions;
import dev.elmrlaif.domain.Split;
import dev.elmrlaif.domain.config.TasksConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Turns tasks into examples for one split. Training examples use training entities only, in every
 * slot, so no held-out movie's text reaches a training target. Held-out examples put a held-out
 * entity in the first slot; the second slot of a pair may be any movie. Two-movie tasks draw the
 * partner at random or as the nearest neighbour by cosine in the first slot's space, as the paper
 * did; the user-profile task gives the teacher the user's {@code profileMovies} highest- and
 * lowest-rated training movies (ties broken by seed), and needs the two groups to be separated.
 */
public final class TaskExampleBuilder {
  private final TasksConfig config;
  private final Teacher teacher;
  private final Split movies;
  private final Split users;
  private final EmbeddingSpace movieSpace;
  private final Interactions ratings;
  private final long seed;

  /** The movie space's rows scaled to unit length (zero rows stay zero), for cosine similarity. */
  private final float[] unitVectors;

  private final java.util.Map<Long, Integer> nearestCache =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A file domain builds one per task, passing the split of the task's first-slot kind as {@code
   * movies} (its single and pair tasks only ever read that split) and that slot's space as {@code
   * movieSpace}.
   *
   * @param movies the split of the entities filling single and pair tasks (MovieLens: movies)
   * @param users the split of the users, for the user-profile task
   * @param movieSpace the space nearest neighbours are found in (MovieLens: the semantic space)
   * @param ratings users × movies ratings, for the user-profile task (null when no task needs them)
   */
  public TaskExampleBuilder(
      TasksConfig config,
      Teacher teacher,
      Split movies,
      Split users,
      EmbeddingSpace movieSpace,
      Interactions ratings,
      long seed) {
    this.config = config;
    this.teacher = teacher;
    this.movies = movies;
    this.users = users;
    this.movieSpace = movieSpace;
    this.ratings = ratings;
    this.seed = seed;
    this.unitVectors = unitRows(movieSpace);
  }

  /**
   * The examples of {@code task} for the training split ({@code heldOut} false) or the held-out
   * split.
   */
  public List<TaskExample> build(TaskSpec task, boolean heldOut, boolean parallel) {
    List<TeacherRequest> requests = requests(task, heldOut);
    IntStream indices = IntStream.range(0, requests.size());
    return (parallel ? indices.parallel() : indices)
        .mapToObj(
            i -> {
              TeacherRequest request = requests.get(i);
              return new TaskExample(
                  task.name(), request.entities(), task.prompt(), teacher.write(request));
            })
        .toList();
  }

  /** The teacher requests of a task and split, in a seeded order. */
  List<TeacherRequest> requests(TaskSpec task, boolean heldOut) {
    SplittableRandom random =
        new SplittableRandom(seed ^ ((long) task.name().hashCode() << 17) ^ (heldOut ? 1 : 0));
    int[] trainMovies = movies.trainIndices();
    List<TeacherRequest> requests = new ArrayList<>();
    switch (task.pairing()) {
      case SINGLE -> {
        for (int m :
            choose(
                withEmbedding(heldOut ? movies.heldOutIndices() : trainMovies),
                config.moviesPerTask(),
                random)) {
          requests.add(TeacherRequest.movies(task, List.of(m)));
        }
      }
      case RANDOM_PAIR, NEAREST_NEIGHBOUR -> {
        int[] firsts =
            choose(
                withEmbedding(heldOut ? movies.heldOutIndices() : trainMovies),
                config.pairsPerTask(),
                random);
        int[] partners =
            withEmbedding(heldOut ? IntStream.range(0, movies.size()).toArray() : trainMovies);
        for (int m : firsts) {
          int partner =
              task.pairing() == Pairing.RANDOM_PAIR
                  ? randomOther(partners, m, random)
                  : nearest(partners, m, heldOut);
          if (partner >= 0) {
            requests.add(TeacherRequest.movies(task, List.of(m, partner)));
          }
        }
      }
      case USER -> {
        int[] chosenUsers =
            choose(heldOut ? users.heldOutIndices() : users.trainIndices(), 0, random);
        for (int u : chosenUsers) {
          if (config.usersPerTask() > 0 && requests.size() >= config.usersPerTask()) {
            break;
          }
          TeacherRequest request = profileRequest(task, u, random);
          if (request != null) {
            requests.add(request);
          }
        }
      }
    }
    return requests;
  }

  private TeacherRequest profileRequest(TaskSpec task, int user, SplittableRandom random) {
    int n = config.profileMovies();
    List<int[]> rated = new ArrayList<>(); // {movie, stars × 2, tie-break}
    for (int at = ratings.rowStart()[user]; at < ratings.rowStart()[user + 1]; at++) {
      int movie = ratings.column()[at];
      if (!movies.isHeldOut(movie)) {
        rated.add(new int[] {movie, Math.round(ratings.value()[at] * 2), random.nextInt()});
      }
    }
    if (rated.size() < 2 * n) {
      return null;
    }
    rated.sort((a, b) -> a[1] != b[1] ? Integer.compare(b[1], a[1]) : Integer.compare(a[2], b[2]));
    List<int[]> liked = rated.subList(0, n);
    List<int[]> disliked = rated.subList(rated.size() - n, rated.size());
    if (liked.get(n - 1)[1] <= disliked.get(0)[1]) {
      return null; // no rating gap between the groups: the profile would contradict itself
    }
    return new TeacherRequest(
        task,
        List.of(user),
        liked.stream().map(r -> r[0]).toList(),
        disliked.stream().map(r -> r[0]).toList());
  }

  /**
   * A seeded random subset of {@code limit} entries (all when {@code limit} is 0), in shuffled
   * order.
   */
  private static int[] choose(int[] pool, int limit, SplittableRandom random) {
    int[] shuffled = pool.clone();
    for (int i = shuffled.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = shuffled[i];
      shuffled[i] = shuffled[j];
      shuffled[j] = swap;
    }
    return limit == 0 || limit >= shuffled.length ? shuffled : Arrays.copyOf(shuffled, limit);
  }

  private static int randomOther(int[] pool, int self, SplittableRandom random) {
    if (pool.length < 2) {
      return -1;
    }
    while (true) {
      int candidate = pool[random.nextInt(pool.length)];
      if (candidate != self) {
        return candidate;
      }
    }
  }

  /**
   * The entities of {@code pool} that may fill a slot of a single or pair task: all of them, except
   * that in a text-comparable space (the text encoder's: MovieLens's semantic space, a file
   * domain's text spaces) an entity whose vector is zero has no text, hence no semantic embedding,
   * and is left out of the task.
   */
  private int[] withEmbedding(int[] pool) {
    if (!movieSpace.textComparable()) {
      return pool;
    }
    int k = movieSpace.dimension();
    return Arrays.stream(pool)
        .filter(
            m -> {
              for (int d = 0; d < k; d++) {
                if (unitVectors[m * k + d] != 0f) {
                  return true;
                }
              }
              return false;
            })
        .toArray();
  }

  /**
   * The entry of {@code pool} with the highest cosine similarity to {@code self}, ties to the
   * first; remembered per (movie, pool: the training or the held-out split's), since the three
   * nearest-neighbour tasks ask for the same pairs.
   */
  private int nearest(int[] pool, int self, boolean heldOutPool) {
    long key = ((long) self << 1) | (heldOutPool ? 1 : 0);
    return nearestCache.computeIfAbsent(
        key,
        k -> {
          int dimension = movieSpace.dimension();
          int best = -1;
          double bestCosine = Double.NEGATIVE_INFINITY;
          for (int candidate : pool) {
            if (candidate == self) {
              continue;
            }
            double cosine = 0;
            for (int d = 0; d < dimension; d++) {
              cosine += unitVectors[self * dimension + d] * unitVectors[candidate * dimension + d];
            }
            if (cosine > bestCosine) {
              bestCosine = cosine;
              best = candidate;
            }
          }
          return best;
        });
  }

  private static float[] unitRows(EmbeddingSpace space) {
    int k = space.dimension();
    float[] data = space.rawData();
    float[] unit = new float[data.length];
    for (int row = 0; row < space.size(); row++) {
      double s = 0;
      for (int d = 0; d < k; d++) {
        s += data[row * k + d] * data[row * k + d];
      }
      double scale = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (int d = 0; d < k; d++) {
        unit[row * k + d] = (float) (data[row * k + d] * scale);
      }
    }
    return unit;
  }
}
