package dev.elmrlaif.rlaif.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code rlaif data}: Download and prepare domain data. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Download and prepare domain data.")
public final class DataCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("rlaif data is not available yet in this version.");
    return 1;
  }
}
