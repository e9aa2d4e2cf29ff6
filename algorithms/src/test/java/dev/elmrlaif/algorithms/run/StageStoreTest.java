package dev.elmrlaif.algorithms.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.domain.base.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage store's entries are complete or absent (a publisher killed between writing its
 * temporary folder and renaming it leaves nothing that looks complete), runs that need the same key
 * make it once (threads with their own store handles; a second process), and a reused output is
 * linked into the run folder.
 */
class StageStoreTest {
  private static final String KEY = "a".repeat(64);

  @TempDir Path dir;

  private Path stageOutput(String name, String content) throws Exception {
    Path output = dir.resolve(name).resolve("sft");
    Files.createDirectories(output.resolve("movie/model"));
    Files.writeString(output.resolve("movie/model/model.safetensors"), content);
    return output;
  }

  @Test
  void aPublishedEntryHoldsTheOutputAndRecordAndLinksIntoARun() throws Exception {
    StageStore store = StageStore.at(dir.resolve("store"));
    assertFalse(store.contains(KEY));
    Path output = stageOutput("run1", "weights");
    try (StageStore.Lock lock = store.lock(KEY, "stage sft")) {
      store.publish(KEY, StageName.SFT, output, Map.of("steps", 5), dir.resolve("run1"));
    }
    assertTrue(store.contains(KEY));
    assertTrue(store.problem(KEY).isEmpty());
    assertEquals(Map.of("steps", 5), store.record(KEY));

    Path target = dir.resolve("run2/sft");
    Files.createDirectories(target.resolve("movie")); // a half-trained folder of a killed run
    StageStore.LinkKind kind = store.linkInto(KEY, target);
    assertEquals(StageStore.LinkKind.SYMLINK, kind);
    assertTrue(Files.isSymbolicLink(target));
    assertEquals("weights", Files.readString(target.resolve("movie/model/model.safetensors")));

    // a damaged file is reported by name
    Files.writeString(store.entry(KEY).resolve("output/movie/model/model.safetensors"), "changed!");
    assertTrue(store.problem(KEY).orElseThrow().contains("model.safetensors"));
  }

  @Test
  void aPublisherKilledBeforeTheRenameLeavesNoCompleteEntry() throws Exception {
    StageStore store = StageStore.at(dir.resolve("store"));
    Path output = stageOutput("run1", "weights");
    // step 1 of publish, then the process dies: the temporary folder is complete but not renamed
    Path temporary = store.writeTemporary(KEY, StageName.SFT, output, Map.of(), dir);
    assertTrue(Files.isRegularFile(temporary.resolve(StageStore.ENTRY_FILE)));
    assertFalse(store.contains(KEY));
    assertFalse(Files.exists(store.entry(KEY)));

    // the next run trains the stage and publishes it; the leftover goes
    try (StageStore.Lock lock = store.lock(KEY, "stage sft")) {
      store.publish(KEY, StageName.SFT, output, Map.of(), dir.resolve("run2"));
    }
    assertTrue(store.contains(KEY));
    assertFalse(Files.exists(temporary));
    try (Stream<Path> children = Files.list(store.root())) {
      assertEquals(
          List.of(KEY, KEY + ".lock"),
          children.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void twoThreadsNeedingTheSameKeyTrainItOnce() throws Exception {
    Path output = stageOutput("run", "weights");
    AtomicInteger trainings = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(4);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> reused = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Callable<Boolean> run =
            () -> {
              StageStore store = StageStore.at(dir.resolve("store")); // a handle of its own
              start.await();
              try (StageStore.Lock lock = store.lock(KEY, "stage sft")) {
                if (store.contains(KEY)) {
                  return true;
                }
                trainings.incrementAndGet();
                store.publish(KEY, StageName.SFT, output, Map.of(), dir.resolve("run"));
                return false;
              }
            };
        reused.add(pool.submit(run));
      }
      int reusedCount = 0;
      for (Future<Boolean> f : reused) {
        reusedCount += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertEquals(1, trainings.get());
      assertEquals(3, reusedCount);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aSecondProcessWaitsForTheLockHolderAndThenFindsTheEntry() throws Exception {
    Path storeDir = dir.resolve("store");
    StageStore store = StageStore.at(storeDir);
    Path output = stageOutput("run", "weights");
    Path locked = dir.resolve("locked");
    Path release = dir.resolve("release");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                StageStoreLockHolder.class.getName(),
                storeDir.toString(),
                KEY,
                output.toString(),
                locked.toString(),
                release.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    try {
      for (int i = 0; i < 600 && !Files.exists(locked) && child.isAlive(); i++) {
        Thread.sleep(100); // waiting for the child to start and take the lock
      }
      assertTrue(Files.exists(locked), Files.readString(dir.resolve("child.log")));
      // while the other process holds the key, this one cannot take it
      assertTrue(store.tryLockBetweenProcesses(KEY).isEmpty());
      assertFalse(store.contains(KEY));
      Files.writeString(release, "go");
      try (StageStore.Lock lock = store.lock(KEY, "stage sft")) {
        // the holder published before it let go
        assertTrue(store.contains(KEY));
      }
      assertEquals(0, child.waitFor(), Files.readString(dir.resolve("child.log")));
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void aStoreFolderThatIsAFileIsOneLineNamingTheOption() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    UserInputException e = assertThrows(UserInputException.class, () -> StageStore.at(file));
    assertTrue(e.getMessage().startsWith("--stage-store " + file + ": "), e.getMessage());
    assertTrue(e.getMessage().endsWith("expected a folder this user can write"), e.getMessage());
  }
}
