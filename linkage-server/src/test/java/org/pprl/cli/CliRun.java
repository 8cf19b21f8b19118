package org.pprl.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code pprl} command line in-process and captures what it prints. */
record CliRun(int exit, String out, String err) {

  /** Runs {@code args} as {@code main} does (the root with the named subcommand alone). */
  static CliRun of(String... args) {
    return on(Pprl.commandLine(args), args);
  }

  /** Runs {@code args} on the command line with every subcommand. */
  static CliRun whole(String... args) {
    return on(Pprl.commandLine(), args);
  }

  private static CliRun on(CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
