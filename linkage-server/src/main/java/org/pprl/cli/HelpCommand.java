package org.pprl.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pprl help [COMMAND [SUBCOMMAND]...]}: the usage of the command the words name, however
 * deep ({@code pprl help audit verify}). Picocli's own help command reads only the first word, so
 * it showed the {@code audit} group where {@code verify} was asked for.
 */
@Command(
    name = "help",
    helpCommand = true,
    description = {
      "Show the usage of pprl, or of the command named: pprl help link, pprl help audit verify."
    })
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "A command and, for a group such as audit or admin, its subcommand.")
  List<String> words = List.of();

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  private CommandLine self;
  private Help.ColorScheme colors;
  private PrintWriter out;

  @Override
  public void init(
      CommandLine helpCommandLine,
      Help.ColorScheme colorScheme,
      PrintWriter outWriter,
      PrintWriter errWriter) {
    this.self = helpCommandLine;
    this.colors = colorScheme;
    this.out = outWriter;
  }

  @Override
  public void run() {
    CommandLine command = self.getParent();
    for (String word : words) {
      CommandLine sub = command.getSubcommands().get(word);
      if (sub == null) {
        throw new CommandLine.ParameterException(
            self,
            "no command '"
                + command.getCommandSpec().qualifiedName()
                + " "
                + word
                + "'; '"
                + command.getCommandSpec().qualifiedName()
                + " --help' lists them");
      }
      command = sub;
    }
    command.usage(out, colors);
  }
}
