package dev.elmrlaif.app.cli;

import dev.elmrlaif.algorithms.run.RunDirectory;
import dev.elmrlaif.app.report.HtmlReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rlaif report RUN_DIR}: rebuilds a run folder's {@code report.html} (and its plots in
 * {@code RUN_DIR/report/}) from the folder alone, e.g. after {@code rlaif eval} or an experiment
 * added files to it, or for a run made before the page existed. Prints the page's path.
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Rebuild a run folder's report.html (plots in RUN_DIR/report/) from the files in it.")
public final class ReportCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "RUN_DIR",
      description = "A run folder made by `rlaif train`.")
  Path runDir;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RunDirectory.requireRunFolder(runDir, runDir.toString());
    Path page = HtmlReport.write(runDir);
    spec.commandLine().getOut().println(page);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
