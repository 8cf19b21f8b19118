package org.pprl.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.pprl.server.PostgresUrl;
import org.pprl.server.Store;
import picocli.CommandLine.Option;

/**
 * The {@code --data-dir} option shared by the service and admin commands, and {@code --database}
 * for a store whose database is on PostgreSQL. The password never comes from the command line,
 * where other users may read it: from {@code --database-password-file} (owner-only), else from
 * {@code $PGPASSWORD}, else none (the server may trust the host, or the driver reads {@code
 * ~/.pgpass}).
 */
final class DataDirOption {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:PPRL_DATA_DIR:-pprl-data}",
      description =
          "The service's data directory: extracts, keys and, unless --database says otherwise, the"
              + " database (default: $PPRL_DATA_DIR, else ./pprl-data).")
  Path dataDir;

  @Option(
      names = "--database",
      paramLabel = "URL",
      defaultValue = "${env:PPRL_DATABASE}",
      description =
          "A PostgreSQL database for the store instead of the SQLite file in the data directory:"
              + " postgresql://USER@HOST[:PORT]/DATABASE (default: $PPRL_DATABASE, else SQLite).")
  String database;

  /** What {@code --database-password-file} is, here and on {@code pprl demo}. */
  static final String PASSWORD_FILE =
      "A file (chmod 600) holding the PostgreSQL password; else $PGPASSWORD is read, if set.";

  @Option(names = "--database-password-file", paramLabel = "FILE", description = PASSWORD_FILE)
  Path passwordFile;

  /** The environment the password is read from; tests replace it. */
  Map<String, String> env = System.getenv();

  /** Opens (and migrates) the store, reporting a failure as one line. The caller closes it. */
  Store open() {
    return open(dataDir, database, passwordFile, env);
  }

  /**
   * Opens (and migrates) the store in {@code dataDir}, on the PostgreSQL database {@code database}
   * if it is given (its password as this option reads it), reporting a failure as one line: what
   * {@code --data-dir} and {@code --database} do, for a command that has its own data directory.
   */
  static Store open(Path dataDir, String database, Path passwordFile, Map<String, String> env) {
    PostgresUrl postgres = postgres(database, passwordFile, env);
    try {
      return Store.open(dataDir, postgres);
    } catch (IOException e) {
      throw new CommandFailure("cannot open data directory " + dataDir + ": " + e.getMessage(), e);
    } catch (Store.StoreException e) {
      throw new CommandFailure(e.getMessage(), e);
    }
  }

  /** Where the database is, or null for the SQLite file in the data directory. */
  private static PostgresUrl postgres(String database, Path passwordFile, Map<String, String> env) {
    if (database == null || database.isBlank()) {
      if (passwordFile != null) {
        throw new CommandFailure("--database-password-file needs --database postgresql://...");
      }
      return null;
    }
    try {
      return PostgresUrl.parse(database.strip(), password(passwordFile, env));
    } catch (IllegalArgumentException e) {
      throw new CommandFailure("--database: " + e.getMessage(), e);
    }
  }

  private static String password(Path passwordFile, Map<String, String> env) {
    if (passwordFile != null) {
      ServiceOptions.requireOwnerOnly(passwordFile, "password file", "password");
      String text;
      try {
        text = Files.readString(passwordFile, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw new CommandFailure("no password file " + passwordFile);
      } catch (IOException e) {
        throw new CommandFailure(
            "cannot read password file " + passwordFile + ": " + e.getMessage(), e);
      }
      // One line: a final line break is the editor's, not the password's.
      String password = text.replaceFirst("\r?\n\\z", "");
      if (password.isEmpty() || password.contains("\n") || password.contains("\r")) {
        throw new CommandFailure("password file " + passwordFile + " does not hold one line");
      }
      return password;
    }
    String fromEnv = env.get("PGPASSWORD");
    return fromEnv == null || fromEnv.isEmpty() ? null : fromEnv;
  }
}
