package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.server.ServiceFixture.FINGERPRINT;
import static org.pprl.server.ServiceFixture.extract;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.server.ServiceFixture.Reply;

/**
 * Issue 14, part 1: the service is safe by default on a shared host and network: it listens on the
 * loopback interface unless told otherwise, serves HTTPS from PEM files, and keeps every file it
 * writes to its owner. On SQLite and again on PostgreSQL ({@link TestStores}), but for the check of
 * the listening address, which no store touches and which waits out a connection to each address.
 */
class NetworkDefaultsTest {
  @TempDir Path dir;

  @Test
  @Tag(TestStores.SQLITE_ONLY)
  void start_noHostGiven_listensOnLoopbackOnly() throws Exception {
    try (LinkageServer server = LinkageServer.start(TestStores.open(dir), 0, 1 << 20)) {
      assertEquals("127.0.0.1", server.listeningHost());
      assertEquals(
          200,
          send(HttpClient.newHttpClient(), request(server.port(), "/health", null).GET().build())
              .status());
      // Each address of this machine that is not loopback refuses the connection.
      for (InetAddress address : nonLoopbackAddresses()) {
        assertThrows(
            IOException.class,
            () -> {
              try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(address, server.port()), 2000);
              }
            },
            address.toString());
      }
    }
  }

  @Test
  void start_withTls_servesHttpsToAClientThatTrustsTheCertificate() throws Exception {
    TestCertificates certificates = TestCertificates.selfSigned();
    ServerSettings.Tls tls = certificates.write(Files.createDirectory(dir.resolve("tls")));
    Store store = TestStores.open(dir.resolve("data"));
    String admin = store.createToken(Role.ADMIN, null, "admin").token();
    try (LinkageServer server =
        LinkageServer.start(store, ServerSettings.builder().tls(tls).build())) {
      HttpClient trusting =
          HttpClient.newBuilder().sslContext(certificates.trustingContext()).build();
      URI health = URI.create("https://localhost:" + server.port() + "/health");
      HttpResponse<String> ok =
          trusting.send(
              HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ok.statusCode());
      assertEquals("{\"status\":\"ok\"}", ok.body());
      HttpResponse<String> projects =
          trusting.send(
              HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/projects"))
                  .header("Authorization", "Bearer " + admin)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, projects.statusCode(), projects.body());

      // A client that does not trust the certificate does not get through, nor does plain HTTP.
      assertThrows(
          SSLHandshakeException.class,
          () ->
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(health).build(),
                      HttpResponse.BodyHandlers.ofString()));
      assertThrows(
          IOException.class,
          () ->
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("http://localhost:" + server.port() + "/health"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString()));
    }
  }

  @Test
  void start_tlsKeyIsNotPem_refusedNamingTheFile() throws Exception {
    TestCertificates certificates = TestCertificates.selfSigned();
    ServerSettings.Tls tls = certificates.write(dir);
    Files.writeString(tls.privateKey(), "not a key\n");
    Store store = TestStores.open(dir.resolve("data"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LinkageServer.start(store, ServerSettings.builder().tls(tls).build()).close());
    assertTrue(e.getMessage().contains(tls.privateKey().toString()), e.getMessage());
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void dataDirectory_afterUploads_holdsOwnerOnlyFilesAndDirectories() throws Exception {
    Path data = dir.resolve("data");
    Store store = TestStores.open(data);
    store.createAgency("dhs");
    String admin = store.createToken(Role.ADMIN, null, "admin").token();
    String steward = store.createToken(Role.STEWARD, "dhs", null).token();
    try (LinkageServer server = LinkageServer.start(store, 0, 1 << 20)) {
      HttpClient client = HttpClient.newHttpClient();
      Reply project =
          send(
              client,
              request(server.port(), "/projects", admin)
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"name\":\"modes\",\"agencies\":[\"dhs\"],\"schemaFingerprint\":\""
                              + FINGERPRINT
                              + "\"}"))
                  .build());
      assertEquals(201, project.status(), project.body().toString());
      Reply upload =
          send(
              client,
              request(
                      server.port(),
                      "/projects/" + project.body().get("id") + "/extracts/dhs",
                      steward)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(extract("dhs", FINGERPRINT, 20, 1)))
                  .build());
      assertEquals(201, upload.status(), upload.body().toString());
    }
    List<String> open = new ArrayList<>();
    int files = 0;
    try (Stream<Path> all = Files.walk(data)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Set<PosixFilePermission> modes = Files.getPosixFilePermissions(p);
        String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
        if (!PosixFilePermissions.toString(modes).equals(expected)) {
          open.add(data.relativize(p) + " " + PosixFilePermissions.toString(modes));
        }
        files += Files.isRegularFile(p) ? 1 : 0;
      }
    }
    assertEquals(List.of(), open);
    // The database and its WAL (on SQLite; on PostgreSQL it is elsewhere), the lock, both audit
    // keys, the cell-key secret, the extract.
    assertTrue(files >= (TestStores.onPostgres() ? 5 : 6), files + " files");
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> out = new ArrayList<>();
    for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (i.isUp() && !i.isLoopback()) {
        for (InetAddress a : Collections.list(i.getInetAddresses())) {
          if (!a.isLinkLocalAddress()) {
            out.add(a);
          }
        }
      }
    }
    return out;
  }
}
