package dev.elmrlaif.rlaif.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code rlaif train}: Run the stage pipeline of a config: data, tokenizer, pretrain, sft, rl, eval, report. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Run the stage pipeline of a config: data, tokenizer, pretrain, sft, rl, eval, report.")
public final class TrainCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("rlaif train is not available yet in this version.");
    return 1;
  }
}
