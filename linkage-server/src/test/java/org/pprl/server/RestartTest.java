package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pprl.server.ServiceFixture.FINGERPRINT;
import static org.pprl.server.ServiceFixture.extract;
import static org.pprl.server.ServiceFixture.request;
import static org.pprl.server.ServiceFixture.send;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartTest {
  @TempDir Path dir;

  @Test
  void restart_sameDataDir_keepsTokensProjectsAndExtracts() throws Exception {
    Store store = Store.open(dir);
    store.createAgency("dhs");
    String steward = store.createToken(Role.STEWARD, "dhs", null).token();
    Store.Project project = store.createProject("p", List.of("dhs"), FINGERPRINT, 6);
    HttpClient client = HttpClient.newHttpClient();
    try (LinkageServer server = LinkageServer.start(store, 0, 1 << 20)) {
      ServiceFixture.Reply r =
          send(
              client,
              request(server.port(), "/projects/" + project.id() + "/extracts/dhs", steward)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(extract("dhs", FINGERPRINT, 4, 1)))
                  .build());
      assertEquals(201, r.status());
    }
    Store reopened = Store.open(dir);
    try (LinkageServer server = LinkageServer.start(reopened, 0, 1 << 20)) {
      ServiceFixture.Reply r =
          send(
              client,
              request(server.port(), "/projects/" + project.id() + "/extracts/dhs", steward)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(extract("dhs", FINGERPRINT, 5, 2)))
                  .build());
      assertEquals(201, r.status(), r.body().toString());
      assertEquals(2, r.body().get("version").asInt());
    }
    assertEquals(project, reopened.project(project.id()).orElseThrow());
    assertEquals(2, reopened.extractVersions(project.id(), "dhs").size());
  }
}
