package dev.elmrlaif.replay;

import static dev.elmrlaif.replay.TestTrajectories.number;
import static dev.elmrlaif.replay.TestTrajectories.numbered;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** One producer thread adds while one learner thread samples, snapshots and updates priorities. */
class ReplayConcurrencyTest {
  private static final int PRODUCED = 20_000;
  private static final int CAPACITY = 64;

  @Test
  void producerAndLearnerNeverLoseOrDuplicateTrajectories() throws Exception {
    ReplayBuffer buffer =
        ReplayBuffer.create(
            new ReplayConfig(CAPACITY, 0, true, 0.6, 0.4, 1e-3), ResumableRandom.seeded(2024));
    buffer.add(numbered(0, 1));
    CountDownLatch start = new CountDownLatch(2);
    AtomicBoolean producerDone = new AtomicBoolean(false);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<Void> producer =
          CompletableFuture.runAsync(
              () -> {
                awaitOther(start);
                for (int n = 1; n < PRODUCED; n++) {
                  buffer.add(numbered(n, 1 + n % 5));
                }
                producerDone.set(true);
              },
              pool);
      CompletableFuture<Long> learner =
          CompletableFuture.supplyAsync(
              () -> {
                awaitOther(start);
                long checks = 0;
                int lastOldest = 0;
                while (!producerDone.get() || checks < 100) {
                  List<Trajectory> snapshot = buffer.snapshot();
                  // Contiguous increasing ids, oldest first: nothing lost, nothing duplicated.
                  int oldest = number(snapshot.get(0));
                  for (int k = 0; k < snapshot.size(); k++) {
                    assertEquals(oldest + k, number(snapshot.get(k)));
                  }
                  assertTrue(snapshot.size() <= CAPACITY);
                  assertTrue(oldest >= lastOldest, "FIFO order never goes back");
                  lastOldest = oldest;
                  for (SampledTransition s : buffer.sampleTransitions(8)) {
                    Trajectory t = s.trajectory();
                    int n = number(t);
                    assertEquals(1 + n % 5, t.length());
                    assertEquals(1000 * n + s.t(), s.action());
                    buffer.updatePriority(
                        t.id(), 0.5 + (n % 7)); // false when evicted meanwhile: fine
                  }
                  checks++;
                }
                return checks;
              },
              pool);
      producer.get(60, TimeUnit.SECONDS);
      assertTrue(learner.get(60, TimeUnit.SECONDS) >= 100);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(PRODUCED, buffer.insertedCount());
    assertEquals(PRODUCED - CAPACITY, buffer.evictedCount());
    int[] ids = buffer.snapshot().stream().mapToInt(TestTrajectories::number).toArray();
    int[] expected = new int[CAPACITY];
    long transitions = 0;
    for (int k = 0; k < CAPACITY; k++) {
      expected[k] = PRODUCED - CAPACITY + k;
      transitions += 1 + expected[k] % 5;
    }
    assertArrayEquals(expected, ids);
    assertEquals(transitions, buffer.transitionCount());
  }

  private static void awaitOther(CountDownLatch start) {
    start.countDown();
    try {
      start.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
