package org.pprl.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What differs between the store's two databases, kept here and nowhere else: where their migration
 * scripts are, and how a write transaction keeps other writers out.
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
  },

  /**
   * A server shared with other services. A transaction-scoped advisory lock stands in for SQLite's
   * write lock, so that writers run one at a time as they do there: appending to the audit chain
   * reads its head and adds after it, and a new extract version is the latest plus one, and both
   * rely on no other writer coming in between (at READ COMMITTED, PostgreSQL's default, each
   * statement after the lock sees every transaction committed before it). Readers are not held up.
   */
  POSTGRESQL("postgresql") {
    @Override
    void lockForWrite(Connection c) throws SQLException {
      try (PreparedStatement s = c.prepareStatement("SELECT pg_advisory_xact_lock(?)"); ) {
        s.setLong(1, WRITE_LOCK);
        try (ResultSet r = s.executeQuery()) {
          r.next();
        }
      }
    }
  };

  /** The advisory lock's key: "pprl" in ASCII, so that it is told apart from other services'. */
  private static final long WRITE_LOCK = 0x7070726cL;

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
}
