package dev.elmrlaif.algorithms.run;

import dev.elmrlaif.algorithms.config.StageName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A second process for {@link StageStoreTest}: takes a key's lock, says so, waits to be released,
 * then publishes the entry and lets the lock go.
 */
public final class StageStoreLockHolder {
  private StageStoreLockHolder() {}

  /**
   * Arguments: store folder, key, stage output, "locked" file to write, "release" file to await.
   */
  public static void main(String[] args) throws Exception {
    StageStore store = StageStore.at(Path.of(args[0]));
    try (StageStore.Lock lock = store.lock(args[1], "stage sft")) {
      Files.writeString(Path.of(args[3]), "locked");
      for (int i = 0; i < 1200 && !Files.exists(Path.of(args[4])); i++) {
        Thread.sleep(50);
      }
      store.publish(args[1], StageName.SFT, Path.of(args[2]), Map.of(), Path.of(args[0]));
    }
  }
}
