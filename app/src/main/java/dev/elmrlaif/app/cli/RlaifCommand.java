package dev.elmrlaif.app.cli;

import dev.elmrlaif.domain.base.IoFailures;
import dev.elmrlaif.domain.base.UserInputException;
import dev.elmrlaif.policy.model.CheckpointFormatException;
import dev.elmrlaif.policy.tokenizer.TokenizerFormatException;
import dev.elmrlaif.rewards.http.Secrets;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code rlaif} command line: the entry point of the runnable jar and of the {@code ./rlaif}
 * launcher. Exit codes: 0 success, 1 internal failure (stack trace on stderr and in the run's log),
 * 2 a problem the user can fix (one or two lines naming the file, key or line; no stack trace
 * unless {@code --debug}), I/O failures and damaged files included; 143 / 130 a run stopped by
 * SIGTERM / SIGINT after writing a checkpoint.
 */
@Command(
    name = "rlaif",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Fine-tune an Embedding Language Model with reinforcement learning from AI feedback.",
    subcommands = {
      TrainCommand.class,
      EvalCommand.class,
      ExperimentCommand.class,
      GenerateCommand.class,
      ScoreCommand.class,
      SweepCommand.class,
      DataCommand.class,
      BenchCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    })
public final class RlaifCommand implements Runnable {
  /** Exit code of a problem the user can fix: bad config, bad path, bad data. */
  public static final int EXIT_USER_ERROR = 2;

  /** Exit code of an internal failure. */
  public static final int EXIT_INTERNAL_ERROR = 1;

  @Option(
      names = "--debug",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Show stack traces of user errors too.")
  boolean debug;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line with the project's error handling; tests call this too. */
  public static CommandLine commandLine() {
    return commandLine(CommandLine.defaultFactory());
  }

  /** Builds the command line with a factory for the subcommand objects (tests pass their own). */
  public static CommandLine commandLine(CommandLine.IFactory factory) {
    SecretMasking.install(); // API keys are masked in every log line from here on
    CommandLine cli = new CommandLine(new RlaifCommand(), factory);
    cli.setExecutionExceptionHandler(RlaifCommand::handleExecutionException);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  private static int handleExecutionException(
      Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
    PrintWriter err = cli.getErr();
    boolean debug =
        parseResult.hasMatchedOption("--debug")
            || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--debug"))
            || hasDebugDeep(parseResult);
    String userError = userErrorMessage(e);
    if (userError != null) {
      err.println("error: " + Secrets.mask(userError));
      if (debug) {
        e.printStackTrace(err);
      }
      err.flush();
      return EXIT_USER_ERROR;
    }
    if (e instanceof LoggedFailure logged) {
      err.println(
          Secrets.mask(
              "internal error: "
                  + logged.getCause()
                  + "; the stack trace is in "
                  + logged.logFile()));
      if (debug) {
        logged.getCause().printStackTrace(err);
      }
      err.flush();
      return EXIT_INTERNAL_ERROR;
    }
    err.println(Secrets.mask("internal error: " + e));
    e.printStackTrace(err);
    err.flush();
    return EXIT_INTERNAL_ERROR;
  }

  private static boolean hasDebugDeep(CommandLine.ParseResult result) {
    for (CommandLine.ParseResult p = result; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The one-line message of a failure the user can fix, or null for an internal one: a {@link
   * UserInputException}; a damaged model or tokenizer file ({@link CheckpointFormatException},
   * {@link TokenizerFormatException}, which name the file); or any I/O failure (a full disk, a
   * read-only folder, a folder where a file is expected, a damaged file), with the path and the
   * operating system's reason.
   */
  static String userErrorMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UserInputException u) {
        return u.getMessage();
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CheckpointFormatException || t instanceof TokenizerFormatException) {
        return t.getMessage();
      }
    }
    return ioFailureMessage(e);
  }

  /**
   * The message of an I/O failure in {@code e}'s causes (path and reason), or null when there is
   * none.
   */
  static String ioFailureMessage(Throwable e) {
    IOException io = null;
    String described = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof UncheckedIOException
          && described == null
          && t.getMessage() != null
          && !t.getMessage().equals(String.valueOf(t.getCause()))) {
        described = t.getMessage(); // ours: "cannot write <what> <path>: <reason>"
      }
      if (t instanceof IOException found) {
        io = found;
        break;
      }
    }
    if (io == null) {
      return null;
    }
    String reason = IoFailures.reason(io);
    String path = IoFailures.path(io);
    String message;
    if (described != null) {
      message = described;
    } else if (path != null) {
      message =
          path
              + (io instanceof java.nio.file.FileSystemException fs && fs.getOtherFile() != null
                  ? " -> " + fs.getOtherFile()
                  : "");
    } else {
      message = reason;
    }
    if (!message.contains(reason)) {
      message = message + ": " + reason;
    }
    if (described == null && path != null && !message.contains(path)) {
      message = message + " (" + path + ")";
    }
    return message;
  }
}
