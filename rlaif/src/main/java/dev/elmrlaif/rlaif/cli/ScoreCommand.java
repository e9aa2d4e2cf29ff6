package dev.elmrlaif.rlaif.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code rlaif score}: Print the per-token log-probs of a text under a model (project checkpoint or Hugging Face GPT-2 folder). */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = "Print the per-token log-probs of a text under a model (project checkpoint or Hugging Face GPT-2 folder).")
public final class ScoreCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("rlaif score is not available yet in this version.");
    return 1;
  }
}
