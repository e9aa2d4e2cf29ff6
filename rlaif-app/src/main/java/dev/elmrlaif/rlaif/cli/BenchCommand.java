package dev.elmrlaif.rlaif.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code rlaif bench}: Measure training and sampling throughput. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure training and sampling throughput.")
public final class BenchCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("rlaif bench is not available yet in this version.");
    return 1;
  }
}
