package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresUrlTest {
  @TempDir Path dir;

  @Test
  void parse_fullUrl_readsEveryPartAndPrintsNoPassword() {
    PostgresUrl url =
        PostgresUrl.parse(
            "postgresql://pprl@db.example.org:6543/linkage?sslmode=verify-full", "s3cret");
    assertEquals("pprl", url.user());
    assertEquals("db.example.org", url.host());
    assertEquals(6543, url.port());
    assertEquals("linkage", url.database());
    assertEquals("s3cret", url.password());
    assertEquals(
        "jdbc:postgresql://db.example.org:6543/linkage?sslmode=verify-full", url.jdbcUrl());
    assertEquals("postgresql://pprl@db.example.org:6543/linkage", url.toString());
    assertFalse(url.toString().contains("s3cret"));
  }

  @Test
  void parse_noPortAndIpv6_defaultsAndBrackets() {
    PostgresUrl url = PostgresUrl.parse("postgres://pprl@[::1]/linkage", null);
    assertEquals("::1", url.host());
    assertEquals(PostgresUrl.DEFAULT_PORT, url.port());
    assertNull(url.password());
    assertEquals("jdbc:postgresql://[::1]:5432/linkage", url.jdbcUrl());
  }

  @Test
  void parse_passwordInUrl_isRefusedWithoutEchoingIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PostgresUrl.parse("postgresql://pprl:hunter2@db/linkage", null));
    assertTrue(e.getMessage().contains("holds a password"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    IllegalArgumentException q =
        assertThrows(
            IllegalArgumentException.class,
            () -> PostgresUrl.parse("postgresql://pprl@db/linkage?password=hunter2", null));
    assertFalse(q.getMessage().contains("hunter2"), q.getMessage());
  }

  @Test
  void parse_malformed_saysWhatIsMissing() {
    assertMessage("not postgresql://", "mysql://pprl@db/linkage");
    assertMessage("names no user", "postgresql://db/linkage");
    assertMessage("names no database", "postgresql://pprl@db");
    assertMessage("names no database", "postgresql://pprl@db/");
    assertMessage("does not read as a URL", "postgresql://pprl@db:x y/linkage");
    assertMessage("port is 70000", "postgresql://pprl@db:70000/linkage");
  }

  private static void assertMessage(String part, String url) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PostgresUrl.parse(url, null));
    assertTrue(e.getMessage().contains(part), url + ": " + e.getMessage());
  }

  @Test
  void open_unreachableServer_failsInOneLineNamingItWithoutThePassword() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // Nothing listens on the port now.
    PostgresUrl url =
        PostgresUrl.parse("postgresql://pprl@127.0.0.1:" + port + "/linkage", "pw-42");
    Store.StoreException e = assertThrows(Store.StoreException.class, () -> Store.open(dir, url));
    assertTrue(
        e.getMessage().startsWith("cannot connect to the database " + url + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("pw-42"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }
}
