package dev.elmrlaif.algorithms.rl.stage;

import dev.elmrlaif.algorithms.config.StageName;
import dev.elmrlaif.algorithms.rl.RlAlgorithm;
import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.policy.model.ElmCheckpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where the {@code rl} stage reads and writes inside a run folder:
 *
 * <pre>
 *   sft/&lt;kind&gt;/model/                        the supervised models it starts from (one per entity kind)
 *   rl/&lt;algorithm&gt;/&lt;kind&gt;/model/            the trained policy per algorithm and kind (ElmCheckpoint,
 *                                            with tokenizer.json for domain runs); kind "toy" for the
 *                                            synthetic CoMDP
 *   rl/&lt;algorithm&gt;/toy/reference/            the synthetic run's frozen π_ref
 *   rl/&lt;algorithm&gt;/toy.json                  the synthetic run's figures against the exact optimum
 *   checkpoints/rl/&lt;algorithm&gt;/&lt;kind&gt;/      full-state checkpoints ({@link RlCheckpoints})
 * </pre>
 *
 * Algorithm folders use the YAML names ({@code reinforce}, {@code sac}, {@code soft_q}).
 */
public final class RlArtifacts {
  /** The entity kind of the synthetic CoMDP's policy. */
  public static final String TOY = "toy";

  private RlArtifacts() {}

  /** The YAML and folder name of an algorithm. */
  public static String key(RlAlgorithm algorithm) {
    return algorithm.name().toLowerCase(Locale.ROOT);
  }

  /** The trained policy of one algorithm and entity kind. */
  public static Path model(RunDirectory run, RlAlgorithm algorithm, String kind) {
    return algorithmDir(run, algorithm).resolve(kind).resolve("model");
  }

  /** The synthetic run's frozen reference policy. */
  public static Path toyReference(RunDirectory run, RlAlgorithm algorithm) {
    return algorithmDir(run, algorithm).resolve(TOY).resolve("reference");
  }

  /** The synthetic run's figures ({@link SyntheticRlEnvironment#figures}). */
  public static Path toyFigures(RunDirectory run, RlAlgorithm algorithm) {
    return algorithmDir(run, algorithm).resolve(TOY + ".json");
  }

  /** The checkpoint folder of one algorithm and kind. */
  public static Path checkpoints(RunDirectory run, RlAlgorithm algorithm, String kind) {
    return run.checkpoints().resolve(StageName.RL.key()).resolve(key(algorithm)).resolve(kind);
  }

  /** Whether a model folder is complete (the stage moves it into place whole). */
  public static boolean isComplete(Path modelFolder) {
    return Files.isRegularFile(modelFolder.resolve(ElmCheckpoint.WEIGHTS_FILE));
  }

  /**
   * The entity kinds with a supervised model ({@code sft/<kind>/model/}), sorted: the rl stage
   * trains every kind the sft stage produced, whatever the domain's kinds are.
   */
  public static List<String> supervisedKinds(RunDirectory run) {
    Path sft = run.path().resolve(StageName.SFT.key());
    if (!Files.isDirectory(sft)) {
      return List.of();
    }
    try (Stream<Path> kinds = Files.list(sft)) {
      return kinds
          .filter(k -> isComplete(k.resolve("model")))
          .map(k -> k.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + sft, e);
    }
  }

  private static Path algorithmDir(RunDirectory run, RlAlgorithm algorithm) {
    return run.path().resolve(StageName.RL.key()).resolve(key(algorithm));
  }
}
