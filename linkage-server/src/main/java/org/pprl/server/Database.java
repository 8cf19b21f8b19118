package org.pprl.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The store's database: its pooled connections, its migrations and its transactions. Either the
 * embedded SQLite file in the data directory or a PostgreSQL database ({@link PostgresUrl}); what
 * differs between them is in {@link Dialect}. Closing it closes every connection.
 */
final class Database implements AutoCloseable {
  /** How many connections the pool keeps at most; callers beyond wait for one in turn. */
  static final int POOL_SIZE = 8;

  private final Dialect dialect;
  private final String description;
  private final HikariDataSource pool;

  /** The unpooled source, for the one connection a service's claim holds. */
  private final DataSource source;

  /**
   * SQLite only, held for the store's life: SQLite checkpoints and deletes the write-ahead log
   * whenever the last connection closes, so without this one an idle pool made the next write
   * rebuild the log (an audit append cost about 9 ms). Null for PostgreSQL.
   */
  private final Connection keepOpen;

  private Database(Dialect dialect, String description, DataSource source) throws SQLException {
    this.dialect = dialect;
    this.description = description;
    this.source = source;
    this.keepOpen = dialect == Dialect.SQLITE ? source.getConnection() : null;
    this.pool = pool(dialect, source);
  }

  /**
   * Opens the SQLite database {@code file}, creating it owner-only if it is missing, and migrates
   * it.
   *
   * @throws Store.StoreException if it cannot be opened or migrated
   */
  static Database sqlite(Path file) throws IOException {
    // SQLite would create the database with the umask's permissions (0644 as a rule); an empty
    // file is a new database to it, and its -wal and -shm files take the database file's
    // permissions.
    OwnerOnly.createIfMissing(file);
    SQLiteConfig config = new SQLiteConfig();
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    SQLiteDataSource source = new SQLiteDataSource(config);
    source.setUrl("jdbc:sqlite:" + file);
    return open(Dialect.SQLITE, "the database in " + file.getParent(), source);
  }

  /**
   * Connects to a PostgreSQL database, which must exist, and migrates it.
   *
   * @throws Store.StoreException if it cannot be reached, logged into or migrated; the message
   *     names the URL without its password and says why
   */
  static Database postgres(PostgresUrl url) {
    PGSimpleDataSource source = new PGSimpleDataSource();
    source.setURL(url.jdbcUrl());
    source.setUser(url.user());
    if (url.password() != null) {
      source.setPassword(url.password());
    }
    source.setApplicationName("pprl");
    String description = "the database " + url;
    // Tried once before Flyway, whose own message is long and says nothing more.
    try (Connection c = source.getConnection()) {
      c.isValid(1);
    } catch (SQLException e) {
      throw new Store.StoreException("cannot connect to " + description + ": " + reason(e), e);
    }
    return open(Dialect.POSTGRESQL, description, source);
  }

  private static Database open(Dialect dialect, String description, DataSource source) {
    try {
      Flyway.configure()
          .dataSource(source)
          .locations(dialect.migrationLocations())
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      throw new Store.StoreException("cannot migrate " + description, e);
    }
    try {
      return new Database(dialect, description, source);
    } catch (SQLException e) {
      throw new Store.StoreException("cannot open " + description, e);
    }
  }

  /**
   * The driver's message, on one line: it names the host, the user or the database, never the
   * password.
   */
  private static String reason(SQLException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse("").strip();
  }

  /*
   * Why a pool. Every call takes a connection and closes it. Without a pool each was a new SQLite
   * connection: opened, its pragmas prepared and run, and closed. Under 50 concurrent analysts
   * those three were about two thirds of the request threads' samples inside SQLite (JFR;
   * docs/performance.md, "Questions at load"), several times per question. Pooled connections
   * are opened and configured once; Hikari rolls back a connection returned inside a transaction
   * and restores auto-commit, so each call still starts clean.
   */
  private static HikariDataSource pool(Dialect dialect, DataSource source) {
    HikariConfig config = new HikariConfig();
    dialect.configure(config);
    config.setDataSource(source);
    config.setPoolName("store");
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(1);
    // Never fail fast at start: the database was just opened and migrated.
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  /** Which database this is. */
  Dialect dialect() {
    return dialect;
  }

  /** A connection from the pool, in auto-commit mode; the caller closes it. */
  Connection connect() throws SQLException {
    return pool.getConnection();
  }

  /**
   * Begins a write transaction on {@code c}: auto-commit off, and no other writer until it ends
   * ({@link Dialect#lockForWrite}).
   */
  void begin(Connection c) throws SQLException {
    c.setAutoCommit(false);
    dialect.lockForWrite(c);
  }

  /** Work done inside one transaction, on its connection. */
  @FunctionalInterface
  interface Transaction<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in one write transaction: committed when it returns, rolled back when it
   * throws. A runtime exception (a refusal) passes through unchanged; an SQL failure becomes a
   * {@link Store.StoreException} saying what could not be done.
   *
   * @param failure what could not be done, for the exception, e.g. "cannot queue a run"
   */
  <T> T inTransaction(String failure, Transaction<T> work) {
    try (Connection c = connect()) {
      begin(c);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new Store.StoreException(failure, e);
    }
  }

  /**
   * How many rows a {@link #streamingRead} statement fetches at a time: a few hundred kilobytes of
   * links, few enough round trips that the read is not slower than one that fetches everything.
   */
  static final int STREAMING_FETCH_SIZE = 2_000;

  /**
   * Runs {@code work}, a read whose rows may be too many to hold in memory, on a connection where a
   * statement with a fetch size ({@link #STREAMING_FETCH_SIZE}) streams them: where the dialect
   * streams only inside a transaction ({@link Dialect#streamsOnlyInTransaction}), one is opened for
   * the read and rolled back after it (nothing was written; at READ COMMITTED each statement sees
   * one snapshot, as in auto-commit).
   *
   * @param failure what could not be done, for the exception, e.g. "cannot read links"
   */
  <T> T streamingRead(String failure, Transaction<T> work) {
    try (Connection c = connect()) {
      if (!dialect.streamsOnlyInTransaction()) {
        return work.run(c);
      }
      c.setAutoCommit(false);
      try {
        return work.run(c);
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw new Store.StoreException(failure, e);
    }
  }

  /** A claim on the database by one service; closing it gives the claim up. */
  interface Claim extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Claims the database for one service until the claim is closed ({@link
   * Dialect#claimForService}), on a connection of its own outside the pool.
   *
   * @throws IllegalStateException if another service holds the claim
   */
  Claim claimForService() {
    Connection c = null;
    try {
      c = source.getConnection();
      if (!dialect.claimForService(c)) {
        throw new IllegalStateException("another service is running on " + description);
      }
      Connection held = c;
      return () -> {
        try {
          held.close();
        } catch (SQLException e) {
          throw new Store.StoreException("cannot give up the claim on " + description, e);
        }
      };
    } catch (SQLException | RuntimeException e) {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new Store.StoreException("cannot claim " + description, e);
    }
  }

  /** Closes the pool and every connection it holds; calls after this fail. */
  @Override
  public void close() {
    pool.close();
    if (keepOpen != null) {
      try {
        keepOpen.close();
      } catch (SQLException e) {
        throw new Store.StoreException("cannot close " + description, e);
      }
    }
  }

  /** Which database, without a password: for messages. */
  @Override
  public String toString() {
    return description;
  }
}
