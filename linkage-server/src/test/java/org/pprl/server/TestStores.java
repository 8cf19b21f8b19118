package org.pprl.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The database the tests' stores are on: SQLite in the data directory, or PostgreSQL when the
 * system property {@value #PROPERTY} is {@code postgresql} (the build's second test run, {@code
 * surefire} execution {@code postgresql} in {@code linkage-server/pom.xml}, sets it and runs the
 * store and server tests again). Tests open stores and reach their databases through here only.
 *
 * <p>PostgreSQL comes from {@code $PPRL_TEST_POSTGRES_URL} ({@code
 * postgresql://USER@HOST:PORT/DATABASE}, a role that may create databases) with the password in
 * {@code $PPRL_TEST_POSTGRES_PASSWORD}; {@code .ci/run} starts a server and sets both. The tests of
 * one JVM share a fresh database, dropped when they end, and each data directory gets a fresh
 * schema of its own in it ({@code ?currentSchema=}), so tests never see each other's data. (A
 * database each cost 2 to 3 s to create and as much to drop, a checkpoint each time.) Where the
 * variable is not set, every test that opens a store is skipped, with that as the reason.
 */
public final class TestStores {
  /** The system property that chooses the database. */
  public static final String PROPERTY = "pprl.test.database";

  /** The variable that names the PostgreSQL server for tests. */
  public static final String URL_VARIABLE = "PPRL_TEST_POSTGRES_URL";

  /** The variable that holds its password. */
  public static final String PASSWORD_VARIABLE = "PPRL_TEST_POSTGRES_PASSWORD";

  /**
   * The JUnit tag of a test that the PostgreSQL run leaves out ({@code excludedGroups} of its
   * execution): one that is slow and whose subject does not depend on the store, so that the rest
   * of its class, the part the store is under, runs on both without the run's time doubling.
   */
  public static final String SQLITE_ONLY = "sqlite-only";

  /** The schema of each data directory, in the JVM's database. */
  private static final Map<Path, PostgresUrl> SCHEMAS = new LinkedHashMap<>();

  /** The JVM's database, once made. */
  private static PostgresUrl database;

  private TestStores() {}

  /** Whether the tests run on PostgreSQL. */
  public static boolean onPostgres() {
    return "postgresql".equals(System.getProperty(PROPERTY));
  }

  /** The migration scripts' directory of this database, beside {@code common}. */
  static String migrationDirectory() {
    return onPostgres() ? "postgresql" : "sqlite";
  }

  /** Opens the store in {@code dataDir} on the tests' database. */
  public static Store open(Path dataDir) throws IOException {
    return Store.open(dataDir, postgres(dataDir));
  }

  /**
   * Where the database of {@code dataDir} is on PostgreSQL (made on first use), or null on SQLite:
   * what {@code --database} is given in tests of the command line.
   */
  public static PostgresUrl postgres(Path dataDir) {
    return onPostgres() ? database(dataDir) : null;
  }

  /**
   * A fresh PostgreSQL schema for {@code dataDir} (the same one on every call), whichever database
   * the other tests run on; the calling test is skipped where there is no server.
   */
  public static PostgresUrl database(Path dataDir) {
    PostgresUrl server = server();
    assumeTrue(server != null, SKIPPED);
    Path key = dataDir.toAbsolutePath().normalize();
    synchronized (SCHEMAS) {
      if (database == null) {
        database = createDatabase(server);
        Runtime.getRuntime().addShutdownHook(new Thread(TestStores::drop, "drop-test-database"));
      }
      PostgresUrl url = SCHEMAS.get(key);
      if (url == null) {
        url = createSchema(database);
        SCHEMAS.put(key, url);
      }
      return url;
    }
  }

  /**
   * The command-line options that open the store of {@code dataDir} where the tests' stores are:
   * none on SQLite; on PostgreSQL {@code --database} with the test's schema, and {@code
   * --database-password-file} naming an owner-only file made for it.
   */
  public static List<String> databaseOptions(Path dataDir) throws IOException {
    PostgresUrl url = postgres(dataDir);
    return url == null ? List.of() : databaseOptions(url);
  }

  /**
   * The command-line options that open a store on {@code url}, as {@link #databaseOptions(Path)}.
   */
  public static List<String> databaseOptions(PostgresUrl url) throws IOException {
    List<String> options = new ArrayList<>();
    options.addAll(List.of("--database", withoutPassword(url)));
    if (url.password() != null) {
      Path file =
          Files.createTempFile(
              "pprl-test-",
              ".password",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      file.toFile().deleteOnExit();
      Files.writeString(file, url.password() + "\n");
      options.addAll(List.of("--database-password-file", file.toString()));
    }
    return options;
  }

  /**
   * Sets the environment of a child process that opens the store of {@code dataDir} as {@code pprl
   * serve} reads it: {@code $PPRL_DATABASE} and {@code $PGPASSWORD} on PostgreSQL, neither on
   * SQLite.
   */
  public static void passTo(Path dataDir, Map<String, String> environment) {
    PostgresUrl url = postgres(dataDir);
    environment.remove(DATABASE_VARIABLE);
    environment.remove(PASSWORD_OF_DATABASE_VARIABLE);
    if (url != null) {
      environment.put(DATABASE_VARIABLE, withoutPassword(url));
      if (url.password() != null) {
        environment.put(PASSWORD_OF_DATABASE_VARIABLE, url.password());
      }
    }
  }

  /** Where a child process finds its database ({@link #passTo}), as {@code pprl serve} does. */
  public static final String DATABASE_VARIABLE = "PPRL_DATABASE";

  /** Where it finds the database's password, as {@code pprl serve} does. */
  public static final String PASSWORD_OF_DATABASE_VARIABLE = "PGPASSWORD";

  /** The URL as given on a command line: the schema in its query, the password left out. */
  private static String withoutPassword(PostgresUrl url) {
    // toString() leaves out the password, and the query, which holds the test's schema.
    return url.query().isEmpty() ? url.toString() : url + "?" + url.query();
  }

  /**
   * A connection straight to the database of {@code dataDir}, past the store: for tests that read
   * or damage what it keeps. The caller closes it.
   */
  public static Connection connect(Path dataDir) throws SQLException {
    PostgresUrl url = postgres(dataDir);
    if (url == null) {
      return DriverManager.getConnection(
          "jdbc:sqlite:" + dataDir.toAbsolutePath().normalize().resolve(Store.DATABASE_FILE));
    }
    return connect(url);
  }

  /** Why the PostgreSQL tests are skipped where they are. */
  static final String SKIPPED =
      "PostgreSQL tests skipped: $" + URL_VARIABLE + " is not set (.ci/run starts a server)";

  /** Whether a PostgreSQL server for tests is configured. */
  static boolean serverConfigured() {
    return server() != null;
  }

  private static PostgresUrl server() {
    String url = System.getenv(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      return null;
    }
    return PostgresUrl.parse(url.strip(), System.getenv(PASSWORD_VARIABLE));
  }

  private static Connection connect(PostgresUrl url) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", url.user());
    if (url.password() != null) {
      p.setProperty("password", url.password());
    }
    return DriverManager.getConnection(url.jdbcUrl(), p);
  }

  private static String freshName() {
    return "pprl_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  private static PostgresUrl createDatabase(PostgresUrl server) {
    String name = create(server, "DATABASE");
    return new PostgresUrl(
        server.user(), server.host(), server.port(), name, server.query(), server.password());
  }

  private static PostgresUrl createSchema(PostgresUrl in) {
    String name = create(in, "SCHEMA");
    return new PostgresUrl(
        in.user(), in.host(), in.port(), in.database(), "currentSchema=" + name, in.password());
  }

  /** Creates a database or schema with a fresh name on {@code on}; returns the name. */
  private static String create(PostgresUrl on, String what) {
    String name = freshName();
    try (Connection c = connect(on);
        Statement s = c.createStatement()) {
      s.execute("CREATE " + what + " " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create a test " + what + " on " + on, e);
    }
    return name;
  }

  /**
   * Drops the JVM's database. Stores a test left open still have pools that would connect again
   * while it is dropped (and make the drop wait for them): connections are refused first, then the
   * open ones are ended by the drop.
   */
  private static void drop() {
    synchronized (SCHEMAS) {
      try (Connection c = connect(server());
          Statement s = c.createStatement()) {
        s.execute("ALTER DATABASE " + database.database() + " ALLOW_CONNECTIONS false");
        s.execute("DROP DATABASE IF EXISTS " + database.database() + " WITH (FORCE)");
      } catch (SQLException e) {
        System.err.println("cannot drop the test database: " + e.getMessage());
      }
    }
  }
}
