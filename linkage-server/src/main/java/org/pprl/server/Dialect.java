package org.pprl.server;

import com.zaxxer.hikari.HikariConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What differs between the store's two databases, kept here and nowhere else: where their migration
 * scripts are, how a write transaction keeps other writers out, and how a large read streams.
 *
 * <p>Everything else is written once, in SQL both accept: {@code INSERT ... ON CONFLICT DO
 * NOTHING}, {@code RETURNING} for new ids, TEXT for every string and JSON value (no BLOB or BYTEA),
 * and text sorted in Java or by columns both compare byte by byte. The scripts differ only where
 * SQLite's syntax has no PostgreSQL reading (an {@code AUTOINCREMENT} key, the implicit {@code
 * rowid}); see {@code migration/postgresql}.
 */
enum Dialect {
  /**
   * The embedded default. Its connections begin every transaction {@code IMMEDIATE} (set when the
   * store opens it), which takes SQLite's one write lock at once.
   */
  SQLITE("sqlite") {
    @Override
    void lockForWrite(Connection c) {
      // Taken by BEGIN IMMEDIATE already.
    }

    @Override
    boolean claimForService(Connection c) {
      // The database is a file in the data directory, whose lock file the service holds.
      return true;
    }
  },

  /**
   * A server shared with other services. A transaction-scoped advisory lock stands in for SQLite's
   * write lock, so that writers run one at a time as they do there: appending to the audit chain
   * reads its head and adds after it, and a new extract version is the latest plus one, and both
   * rely on no other writer coming in between (at READ COMMITTED, PostgreSQL's default, each
   * statement after the lock sees every transaction committed before it; the pool sets that level,
   * whatever the server's default). Readers are not held up. The locks are keyed by the store's
   * schema as well, so that stores in two schemas of one database ({@code ?currentSchema=}) do not
   * hold each other up.
   */
  POSTGRESQL("postgresql") {
    @Override
    void lockForWrite(Connection c) throws SQLException {
      try (PreparedStatement s =
          c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(current_schema()))")) {
        s.setInt(1, WRITE_LOCK);
        try (ResultSet r = s.executeQuery()) {
          r.next();
        }
      }
    }

    @Override
    boolean claimForService(Connection c) throws SQLException {
      try (PreparedStatement s =
          c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(current_schema()))")) {
        s.setInt(1, SERVICE_LOCK);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getBoolean(1);
        }
      }
    }
  };

  /**
   * The write lock's first key: "pprl" in ASCII, so that it is told apart from other services'; the
   * second is the schema's hash.
   */
  static final int WRITE_LOCK = 0x7070726c;

  /** The first key of the lock a running service holds for its session: the next one. */
  static final int SERVICE_LOCK = WRITE_LOCK + 1;

  private static final String MIGRATIONS = "classpath:org/pprl/server/migration/";

  private final String vendor;

  Dialect(String vendor) {
    this.vendor = vendor;
  }

  /**
   * Where Flyway finds the scripts: those both databases run, and this one's own versions of the
   * rest. One numbered history: each version is in exactly one of the two.
   */
  String[] migrationLocations() {
    return new String[] {MIGRATIONS + "common", MIGRATIONS + vendor};
  }

  /**
   * Keeps every other writer out until {@code c}'s transaction ends. Called first in every write
   * transaction, on a connection with auto-commit off.
   */
  abstract void lockForWrite(Connection c) throws SQLException;

  /**
   * Claims the database for one service, for as long as {@code c} stays open (a session that ends,
   * with its process, gives it up): a service marks the runs it finds active as interrupted when it
   * starts, which only holds if no other service works on the same database.
   *
   * @return false if another session holds the claim
   */
  abstract boolean claimForService(Connection c) throws SQLException;

  /**
   * Whether a statement with a fetch size streams its rows only inside a transaction: PostgreSQL's
   * driver reads a whole result set before it returns the first row unless auto-commit is off.
   * SQLite steps through the rows as they are read in any case, and a transaction there would begin
   * {@code IMMEDIATE}, taking the write lock for a read.
   */
  boolean streamsOnlyInTransaction() {
    return this == POSTGRESQL;
  }

  /**
   * Sets what the pool's connections need beyond the driver's defaults: PostgreSQL's READ
   * COMMITTED, which {@link #lockForWrite} relies on.
   */
  void configure(HikariConfig config) {
    if (this == POSTGRESQL) {
      config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    }
  }
}
