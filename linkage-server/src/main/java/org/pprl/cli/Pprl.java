package org.pprl.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code pprl} command line: each subcommand is one step a data steward, analyst or operator
 * runs.
 */
@Command(
    name = "pprl",
    mixinStandardHelpOptions = true,
    version = "pprl 0.1.0",
    description =
        "Privacy-preserving record linkage: encode, link and share without raw identifiers.",
    subcommands = {CommandLine.HelpCommand.class, GenerateCommand.class})
public final class Pprl implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Builds the command line with every subcommand; tests call this to run commands in-process. */
  public static CommandLine commandLine() {
    return new CommandLine(new Pprl());
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
