package dev.elmrlaif.app.cli;

import picocli.CommandLine;

/** Reports the project version from the jar manifest (or "development" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = RlaifCommand.class.getPackage().getImplementationVersion();
    return new String[] {"rlaif " + (v == null ? "development" : v)};
  }
}
