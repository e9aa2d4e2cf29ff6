package dev.elmrlaif.algorithms.rl.stage;

import dev.elmrlaif.app.cli.RlaifCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code rlaif} command line in-process with the real stages, capturing its output. */
final class RlCli {
  private RlCli() {}

  /** What a command printed and its exit code. */
  record Result(int exitCode, String out, String err) {}

  static Result run(String... args) {
    CommandLine cli = RlaifCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
