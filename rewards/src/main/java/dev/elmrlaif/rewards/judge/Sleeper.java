package dev.elmrlaif.rewards.judge;

import java.time.Duration;

/** Waits between retries; the default sleeps the thread, tests substitute a recorder. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedException;

  /** Sleeps the calling thread. */
  static Sleeper threadSleep() {
    return duration -> Thread.sleep(duration.toMillis());
  }
}
