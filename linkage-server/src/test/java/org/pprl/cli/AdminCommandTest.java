package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.server.Role;
import org.pprl.server.Store;

class AdminCommandTest {
  @TempDir Path dir;

  private CliRun admin(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "admin";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--data-dir";
    all[args.length + 2] = dir.toString();
    return CliRun.of(all);
  }

  @Test
  void createToken_printsTokenOnce_andListTokensNeverShowsIt() throws Exception {
    assertEquals(0, admin("create-agency", "dhs").exit());
    CliRun created = admin("create-token", "--role", "steward", "--agency", "dhs", "--name", "s1");
    assertEquals(0, created.exit(), created.err());
    String token = created.out().trim();
    assertTrue(token.matches("pprl_[A-Za-z0-9_-]{43}"), "one token line");
    assertFalse(created.err().contains(token));

    CliRun list = admin("list-tokens");
    assertEquals(0, list.exit());
    assertTrue(list.out().contains("steward\tdhs\ts1"), list.out());
    assertFalse(list.out().contains(token.substring(5)));

    var principal = Store.open(dir).principalForToken(token).orElseThrow();
    assertEquals(Role.STEWARD, principal.role());
    assertEquals("dhs", principal.agency());
  }

  @Test
  void createToken_agencyRules_exit2WithOneLine() {
    assertEquals(0, admin("create-agency", "dhs").exit());
    for (String[] args :
        new String[][] {
          {"create-token", "--role", "steward"},
          {"create-token", "--role", "analyst", "--agency", "dhs"},
          {"create-token", "--role", "steward", "--agency", "nope"},
          {"create-token", "--role", "king"},
          {"create-agency", "dhs"},
          {"create-agency", "Bad/Id"}
        }) {
      CliRun run = admin(args);
      assertEquals(2, run.exit(), String.join(" ", args));
      assertEquals(1, run.err().strip().lines().count(), run.err());
      assertEquals("", run.out());
    }
  }

  @Test
  void createToken_agencyForAnAnalyst_saysSoInPlainEnglish() {
    assertEquals(0, admin("create-agency", "dhs").exit());

    CliRun run = admin("create-token", "--role", "analyst", "--agency", "dhs");

    assertEquals(2, run.exit());
    assertEquals(
        "pprl admin create-token: --agency is for a steward's token only, not an analyst's",
        run.err().strip());
  }

  @Test
  void serve_badOptions_exit2WithOneLine() {
    for (String[] args :
        new String[][] {
          {"serve", "--port", "70000", "--data-dir", "x"},
          {"serve", "--port", "0", "--max-upload-bytes", "0", "--data-dir", "x"}
        }) {
      CliRun run = CliRun.of(args);
      assertEquals(2, run.exit(), String.join(" ", args));
      assertEquals(1, run.err().strip().lines().count(), run.err());
    }
  }
}
