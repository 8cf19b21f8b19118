package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.server.PostgresUrl;
import org.pprl.server.Role;
import org.pprl.server.Store;
import org.pprl.server.TestStores;

/** {@code --database} and {@code --database-password-file} on the commands that open a store. */
class DatabaseOptionTest {
  @TempDir Path dir;

  private CliRun admin(String database, Path passwordFile, String... args) {
    java.util.List<String> all = new java.util.ArrayList<>();
    all.add("admin");
    all.addAll(java.util.List.of(args));
    all.addAll(java.util.List.of("--data-dir", dir.resolve("data").toString()));
    all.addAll(java.util.List.of("--database", database));
    if (passwordFile != null) {
      all.addAll(java.util.List.of("--database-password-file", passwordFile.toString()));
    }
    return CliRun.of(all.toArray(new String[0]));
  }

  private static void assertOneLine(CliRun run, String part) {
    assertEquals(2, run.exit(), run.err());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().contains(part), run.err());
  }

  @Test
  void database_malformedOrHoldingAPassword_exit2WithOneLineAndNoPassword() {
    CliRun withPassword =
        admin("postgresql://pprl:hunter2@db.example.org/pprl", null, "list-tokens");
    assertOneLine(withPassword, "--database: the database URL holds a password");
    assertFalse(withPassword.err().contains("hunter2"), withPassword.err());
    assertOneLine(admin("mysql://pprl@db/pprl", null, "list-tokens"), "is not postgresql://");
    assertOneLine(admin("postgresql://db/pprl", null, "list-tokens"), "names no user");
  }

  @Test
  void database_unreachable_exit2WithOneLineNamingItWithoutThePassword() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path password = Files.writeString(dir.resolve("db.password"), "pw-7781\n");
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    CliRun run = admin("postgresql://pprl@127.0.0.1:" + port + "/pprl", password, "list-tokens");
    assertOneLine(
        run, "cannot connect to the database postgresql://pprl@127.0.0.1:" + port + "/pprl: ");
    assertFalse(run.err().contains("pw-7781"), run.err());
  }

  @Test
  void passwordFile_openToOthers_isRefusedBeforeItIsRead() throws Exception {
    Path password = Files.writeString(dir.resolve("db.password"), "pw\n");
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-r--r--"));
    assertOneLine(
        admin("postgresql://pprl@127.0.0.1/pprl", password, "list-tokens"),
        "a password must be its owner's only: chmod 600");
  }

  @Test
  void adminCommands_onPostgres_writeWhereTheStoreReads() throws Exception {
    PostgresUrl database = TestStores.database(dir.resolve("data"));
    Path password = Files.writeString(dir.resolve("db.password"), database.password() + "\n");
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    // The test's own schema is in the URL's query, which toString() leaves out.
    String url = database.withPassword(null) + "?" + database.query();
    assertEquals(0, admin(url, password, "create-agency", "dhs").exit());
    CliRun created = admin(url, password, "create-token", "--role", "steward", "--agency", "dhs");
    assertEquals(0, created.exit(), created.err());
    try (Store store = Store.open(dir.resolve("data"), database)) {
      assertTrue(store.agencyExists("dhs"));
      assertEquals(
          Role.STEWARD, store.principalForToken(created.out().strip()).orElseThrow().role());
    }
    // Nothing of the database is in the data directory: no SQLite file was made beside it.
    assertFalse(Files.exists(dir.resolve("data").resolve(Store.DATABASE_FILE)));
  }
}
