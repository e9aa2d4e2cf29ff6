package dev.elmrlaif.rlaif.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code rlaif eval}: Evaluate a run's checkpoints on held-out entities and write eval.json and eval.md. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Evaluate a run's checkpoints on held-out entities and write eval.json and eval.md.")
public final class EvalCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("rlaif eval is not available yet in this version.");
    return 1;
  }
}
