package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

class HelpCommandTest {
  @Test
  void help_nestedCommand_showsTheSubcommandsOwnUsage() {
    CliRun help = CliRun.of("help", "audit", "verify");

    assertEquals(0, help.exit(), help.err());
    assertTrue(help.out().startsWith("Usage: pprl audit verify "), help.out());
    assertTrue(help.out().contains("--public-key"), help.out());
    assertEquals(CliRun.of("audit", "verify", "--help").out(), help.out());
  }

  @Test
  void help_oneWord_showsThatCommand() {
    CliRun help = CliRun.of("help", "link");

    assertEquals(0, help.exit(), help.err());
    assertEquals(CliRun.of("link", "--help").out(), help.out());
  }

  @Test
  void everySubcommand_aloneOrInTheWholeTree_printsTheSameUsageAndErrors() {
    for (Class<?> sub : Pprl.class.getAnnotation(Command.class).subcommands()) {
      String name = sub.getAnnotation(Command.class).name();
      if (name.equals("help")) {
        continue;
      }
      assertEquals(CliRun.whole(name, "--help"), CliRun.of(name, "--help"), name);
      assertEquals(
          CliRun.whole(name, "--no-such-option"), CliRun.of(name, "--no-such-option"), name);
    }
  }

  @Test
  void help_noWord_showsTheTopLevelUsage() {
    CliRun help = CliRun.of("help");

    assertEquals(0, help.exit(), help.err());
    assertTrue(help.out().startsWith("Usage: pprl "), help.out());
    assertTrue(help.out().contains("evaluate"), help.out());
  }

  @Test
  void help_unknownSubcommand_isOneReasonAndExit2() {
    CliRun help = CliRun.of("help", "audit", "verfy");

    assertEquals(2, help.exit());
    assertTrue(
        help.err().startsWith("pprl help: no command 'pprl audit verfy'; 'pprl audit --help'"),
        help.err());
  }
}
