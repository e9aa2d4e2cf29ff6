package dev.elmrlaif.rlaif.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code rlaif sweep}: Run a hyperparameter sweep over a config. */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = "Run a hyperparameter sweep over a config.")
public final class SweepCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("rlaif sweep is not available yet in this version.");
    return 1;
  }
}
