package dev.elmrlaif.rlaif.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code rlaif generate}: Generate texts from a checkpoint for given embeddings. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Generate texts from a checkpoint for given embeddings.")
public final class GenerateCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("rlaif generate is not available yet in this version.");
    return 1;
  }
}
