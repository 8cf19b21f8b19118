package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.server.Role;
import org.pprl.server.TestStores;

/** {@code pprl admin}, on SQLite and again on PostgreSQL ({@link TestStores}). */
class AdminCommandTest {
  @TempDir Path dir;

  private CliRun admin(String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("admin"));
    all.addAll(List.of(args));
    all.addAll(List.of("--data-dir", dir.toString()));
    all.addAll(TestStores.databaseOptions(dir));
    return CliRun.of(all.toArray(new String[0]));
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

    var principal = TestStores.open(dir).principalForToken(token).orElseThrow();
    assertEquals(Role.STEWARD, principal.role());
    assertEquals("dhs", principal.agency());
  }

  @Test
  void createToken_agencyRules_exit2WithOneLine() throws Exception {
    assertEquals(0, admin("create-agency", "dhs").exit());
    for (String[] args :
        new String[][] {
          {"create-token", "--role", "steward"},
          {"create-token", "--role", "analyst", "--agency", "dhs"},
          {"create-token", "--role", "steward", "--agency", "nope"},
          {"create-token", "--role", "king"},
          {"create-token", "--role", "analyst", "--name", "two\nlines"},
          {"create-token", "--role", "analyst", "--name", "left\u202Eright"},
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
  void createToken_agencyForAnAnalyst_saysSoInPlainEnglish() throws Exception {
    assertEquals(0, admin("create-agency", "dhs").exit());

    CliRun run = admin("create-token", "--role", "analyst", "--agency", "dhs");

    assertEquals(2, run.exit());
    assertEquals(
        "pprl admin create-token: --agency is for a steward's token only, not an analyst's",
        run.err().strip());
  }

  @Test
  void revokeToken_byName_listsItRevokedAndTheServiceNoLongerKnowsIt() throws Exception {
    assertEquals(0, admin("create-agency", "dhs").exit());
    CliRun created = admin("create-token", "--role", "analyst", "--name", "a1");
    String token = created.out().trim();

    CliRun revoked = admin("revoke-token", "a1");

    assertEquals(0, revoked.exit(), revoked.err());
    assertTrue(revoked.out().startsWith("revoked token 1 (analyst)"), revoked.out());
    assertTrue(TestStores.open(dir).principalForToken(token).isEmpty());
    CliRun list = admin("list-tokens");
    assertTrue(list.out().contains("analyst\t-\ta1\t"), list.out());
    assertTrue(list.out().strip().endsWith("\t-\trevoked"), list.out());
    CliRun again = admin("revoke-token", "1");
    assertEquals(2, again.exit());
    assertEquals(1, again.err().strip().lines().count(), again.err());
  }

  @Test
  void createToken_expires_isListedAndRefusedWhenMalformedOrPast() throws Exception {
    CliRun created = admin("create-token", "--role", "auditor", "--expires", "2d");
    assertEquals(0, created.exit(), created.err());
    CliRun list = admin("list-tokens");
    assertTrue(list.out().strip().endsWith("Z\tactive"), list.out());
    for (String bad : new String[] {"yesterday", "-1d", "2001-01-01", "PT0S"}) {
      CliRun run = admin("create-token", "--role", "auditor", "--expires", bad);
      assertEquals(2, run.exit(), bad);
      assertEquals(1, run.err().strip().lines().count(), run.err());
      assertEquals("", run.out());
    }
  }

  @Test
  void expiry_durationsDatesAndInstants() {
    java.time.Instant now = java.time.Instant.parse("2026-12-06T10:00:00Z");
    assertEquals(now.plusSeconds(30 * 86_400L), AdminCommand.expiry("30d", now));
    assertEquals(now.plusSeconds(12 * 3600L), AdminCommand.expiry("PT12H", now));
    assertEquals(now.plusSeconds(90 * 60L), AdminCommand.expiry("90m", now));
    assertEquals(
        java.time.Instant.parse("2027-01-31T00:00:00Z"), AdminCommand.expiry("2027-01-31", now));
    assertEquals(
        java.time.Instant.parse("2027-01-31T12:00:00Z"),
        AdminCommand.expiry("2027-01-31T12:00:00Z", now));
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
