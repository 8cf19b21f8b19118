package org.pprl.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where a PostgreSQL database is, as given to {@code --database}: {@code
 * postgresql://USER@HOST[:PORT]/DATABASE[?sslmode=...]}. The password is never part of it: it comes
 * separately (from {@code $PGPASSWORD} or an owner-only file) and is left out of {@link
 * #toString()}, which is what logs and errors show.
 *
 * @param user the role to log in as
 * @param host a host name or address (an IPv6 address without brackets)
 * @param port the port, 5432 unless given
 * @param database the database's name
 * @param query the URL's query ({@code sslmode=verify-full&sslrootcert=...}), passed to the driver
 *     as it is, or empty
 * @param password the password, or null to log in without one (trust, peer or a {@code .pgpass}
 *     file the driver reads)
 */
public record PostgresUrl(
    String user, String host, int port, String database, String query, String password) {
  /** PostgreSQL's port unless the URL gives another. */
  public static final int DEFAULT_PORT = 5432;

  /**
   * Reads a URL. The messages name the part that is wrong, never the URL: a mistyped one might hold
   * a password after all.
   *
   * @param password the password, or null
   * @throws IllegalArgumentException if it is not of the form above, holds a password, or its port
   *     is out of range
   */
  public static PostgresUrl parse(String url, String password) {
    String expected = "expected postgresql://USER@HOST[:PORT]/DATABASE";
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the database URL does not read as a URL: " + expected);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
      throw new IllegalArgumentException("the database URL is not postgresql://: " + expected);
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && userInfo.contains(":")) {
      throw new IllegalArgumentException(
          "the database URL holds a password: give it in $PGPASSWORD or"
              + " --database-password-file instead");
    }
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    for (String pair : query.split("&")) {
      String key = pair.split("=", 2)[0].toLowerCase(Locale.ROOT);
      if (key.equals("password") || key.equals("user")) {
        throw new IllegalArgumentException(
            "the database URL's query must not set " + key + ": " + expected);
      }
    }
    if (userInfo == null || userInfo.isEmpty()) {
      throw new IllegalArgumentException("the database URL names no user: " + expected);
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("the database URL names no host: " + expected);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "the database URL's port is " + port + ", expected 1 to 65535");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (database.isEmpty() || database.contains("/")) {
      throw new IllegalArgumentException("the database URL names no database: " + expected);
    }
    return new PostgresUrl(uri.getUserInfo(), host, port, database, query, password);
  }

  /** This URL with another password. */
  public PostgresUrl withPassword(String newPassword) {
    return new PostgresUrl(user, host, port, database, query, newPassword);
  }

  /** The driver's URL; without the user and the password, which are given as properties. */
  String jdbcUrl() {
    return "jdbc:postgresql://"
        + hostForUrl()
        + ":"
        + port
        + "/"
        + database
        + (query.isEmpty() ? "" : "?" + query);
  }

  private String hostForUrl() {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  /** The URL without its query and without a password: what may be logged. */
  @Override
  public String toString() {
    return "postgresql://" + user + "@" + hostForUrl() + ":" + port + "/" + database;
  }
}
