package org.pprl.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store's agencies, and the principals that call the service: one bearer token each, kept as
 * its SHA-256 only, bound to a role (and a steward to an agency), with an expiry and a revocation.
 */
final class Principals {
  private final Database database;
  private final AuditTrail audit;

  Principals(Database database, AuditTrail audit) {
    this.database = database;
    this.audit = audit;
  }

  /**
   * Adds an agency, and logs it as {@code agency.create} (by the {@link Store#OPERATOR}) in the
   * same transaction.
   *
   * @param id 1 to 64 characters: lower-case letters, digits, '-' and '_', starting with a letter
   *     or digit
   * @throws IllegalArgumentException if the id is malformed or already exists
   */
  void createAgency(String id) {
    Store.requireAgencyId(id);
    database.inTransaction(
        "cannot create an agency",
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO agencies (id, created) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            s.setString(1, id);
            s.setString(2, Store.now());
            if (s.executeUpdate() == 0) {
              throw new Store.AlreadyExists("agency '" + id + "' already exists");
            }
          }
          audit.appendOperatorAudit(c, "agency.create", Map.of("agency", id));
          return null;
        });
  }

  /** Whether an agency with this id exists. */
  boolean agencyExists(String id) {
    try (Connection c = database.connect();
        PreparedStatement s = c.prepareStatement("SELECT 1 FROM agencies WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read agencies", e);
    }
  }

  /**
   * Creates a principal with a fresh token, and logs it as {@code token.create} (by the {@link
   * #OPERATOR}: whoever holds the data directory) in the same transaction.
   *
   * @param agency required for a steward (an existing agency), null for every other role
   * @param name an optional label, or null
   * @param expires when the token stops being accepted, or null for never
   * @throws IllegalArgumentException if the agency is missing, unexpected or unknown
   */
  Store.NewToken createToken(Role role, String agency, String name, Instant expires) {
    if (role.hasAgency() && agency == null) {
      throw new IllegalArgumentException("a steward token needs --agency");
    }
    if (!role.hasAgency() && agency != null) {
      throw new IllegalArgumentException(role.withArticle() + " token must not have an agency");
    }
    if (agency != null && !agencyExists(agency)) {
      throw new IllegalArgumentException("no agency '" + agency + "': create it first");
    }
    if (name != null) {
      Names.requirePrintable("token name", name);
    }
    String token = Tokens.generate();
    String created = Store.now();
    String expiresAt = expires == null ? null : expires.toString();
    Principal principal =
        database.inTransaction(
            "cannot create a token",
            c -> {
              Principal p;
              try (PreparedStatement s =
                  c.prepareStatement(
                      "INSERT INTO principals (name, role, agency, token_hash, created, expires)"
                          + " VALUES (?, ?, ?, ?, ?, ?) RETURNING id")) {
                s.setString(1, name);
                s.setString(2, role.id());
                s.setString(3, agency);
                s.setString(4, Tokens.hash(token));
                s.setString(5, created);
                s.setString(6, expiresAt);
                try (ResultSet keys = s.executeQuery()) {
                  keys.next();
                  p = new Principal(keys.getLong(1), name, role, agency, created);
                }
              }
              Map<String, Object> detail = new LinkedHashMap<>();
              detail.put("principal", p.id());
              detail.put("role", role.id());
              detail.put("agency", agency);
              detail.put("expires", expiresAt);
              audit.appendOperatorAudit(c, "token.create", detail);
              return p;
            });
    return new Store.NewToken(token, principal);
  }

  /**
   * Revokes a token at once, for good, and logs it as {@code token.revoke} in the same transaction.
   *
   * @param which the principal's number (ASCII digits), or else its name, which must be unique
   * @return the principal whose token was revoked
   * @throws IllegalArgumentException if no token or more than one has that name, or it is revoked
   *     already
   */
  Principal revokeToken(String which) {
    return database.inTransaction(
        "cannot revoke a token",
        c -> {
          Store.TokenStatus t = tokenToRevoke(c, which);
          if (t.revoked() != null) {
            throw new IllegalArgumentException(
                "token " + t.principal().id() + " was revoked already, at " + t.revoked());
          }
          try (PreparedStatement s =
              c.prepareStatement("UPDATE principals SET revoked = ? WHERE id = ?")) {
            s.setString(1, Store.now());
            s.setLong(2, t.principal().id());
            s.executeUpdate();
          }
          Map<String, Object> detail = new LinkedHashMap<>();
          detail.put("principal", t.principal().id());
          audit.appendOperatorAudit(c, "token.revoke", detail);
          return t.principal();
        });
  }

  private Store.TokenStatus tokenToRevoke(Connection c, String which) throws SQLException {
    boolean byId = which.matches("[0-9]{1,18}");
    List<Store.TokenStatus> found = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT id, name, role, agency, created, expires, revoked FROM principals WHERE "
                + (byId ? "id = ?" : "name = ?"))) {
      if (byId) {
        s.setLong(1, Long.parseLong(which));
      } else {
        s.setString(1, which);
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          found.add(tokenStatus(r));
        }
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException(
          byId ? "no token " + which : "no token has that name (pprl admin list-tokens)");
    }
    if (found.size() > 1) {
      throw new IllegalArgumentException(
          found.size() + " tokens have that name: revoke one by its id (pprl admin list-tokens)");
    }
    return found.get(0);
  }

  /** Every principal with its token's expiry and revocation, oldest first; never a token. */
  List<Store.TokenStatus> tokens() {
    List<Store.TokenStatus> out = new ArrayList<>();
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, name, role, agency, created, expires, revoked FROM principals"
                    + " ORDER BY id");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        out.add(tokenStatus(r));
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read principals", e);
    }
    return out;
  }

  /** The principal whose token this is, with its expiry and revocation, if the token is known. */
  Optional<Store.TokenStatus> tokenStatus(String token) {
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, name, role, agency, created, expires, revoked FROM principals"
                    + " WHERE token_hash = ?")) {
      s.setString(1, Tokens.hash(token));
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(tokenStatus(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read principals", e);
    }
  }

  private static Store.TokenStatus tokenStatus(ResultSet r) throws SQLException {
    return new Store.TokenStatus(principal(r), r.getString("expires"), r.getString("revoked"));
  }

  static Principal principal(ResultSet r) throws SQLException {
    return new Principal(
        r.getLong("id"),
        r.getString("name"),
        Role.parse(r.getString("role")),
        r.getString("agency"),
        r.getString("created"));
  }

  /** Whether an agency with this id exists, read on the caller's connection. */
  static boolean agencyExists(Connection c, String id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM agencies WHERE id = ?")) {
      s.setString(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }
}
