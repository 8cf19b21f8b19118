package org.pprl.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.pprl.core.io.AtomicOutput;

/**
 * The linkage service as the command line calls it: requests with the caller's bearer token to the
 * endpoints of its OpenAPI description, JSON answers, and every refusal or network failure as one
 * {@link ServiceException}.
 *
 * <p>The token goes into the {@code Authorization} header only; no message built here holds it.
 */
final class ServiceClient {
  static final ObjectMapper JSON = new ObjectMapper();

  /** How long to wait for a connection. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * How long to wait for an answer. A question over a large run's first load takes about a second
   * and an upload is checked and assessed before it is answered (20 s for 148,000 records), so this
   * is generous; uploads wait without a limit.
   */
  static final Duration ANSWER_TIMEOUT = Duration.ofMinutes(5);

  private final HttpClient http;
  private final URI base;
  private final String token;

  /**
   * @param base the service's address, e.g. {@code http://localhost:8080}
   * @param token the caller's bearer token
   */
  ServiceClient(URI base, String token) {
    this.base = base;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** The service's address, for messages. */
  URI base() {
    return base;
  }

  /** {@code GET path}, answered 200 with JSON. */
  JsonNode get(String path) {
    return send(request(path).GET(), 200);
  }

  /** {@code POST path} with a JSON body (or none), answered {@code expected} with JSON. */
  JsonNode post(String path, JsonNode body, int expected) {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8);
    return send(request(path).header("Content-Type", "application/json").POST(publisher), expected);
  }

  /** {@code PUT path} with a file as the body, answered {@code expected} with JSON. */
  JsonNode put(String path, Path file, int... expected) {
    HttpRequest.BodyPublisher publisher;
    try {
      publisher = HttpRequest.BodyPublishers.ofFile(file);
    } catch (FileNotFoundException e) {
      throw new CommandFailure("no file " + file);
    }
    HttpRequest.Builder b =
        request(path).header("Content-Type", "application/octet-stream").PUT(publisher);
    // An upload is checked and assessed completely before it is answered: no answer timeout.
    b.timeout(Duration.ofDays(1));
    return send(b, expected);
  }

  /**
   * {@code GET path}, answered 200, its body written to {@code target}: the file appears complete
   * or not at all.
   *
   * @return the number of bytes written
   */
  long download(String path, Path target) {
    HttpResponse<InputStream> r =
        exchange(request(path).GET(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = r.body()) {
      if (r.statusCode() != 200) {
        throw refusal(r.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8));
      }
      try (AtomicOutput out = AtomicOutput.create(target)) {
        long n = body.transferTo(out.stream());
        out.commit();
        return n;
      } catch (IOException e) {
        throw new CommandFailure("cannot write " + target + ": " + e.getMessage(), e);
      }
    } catch (IOException e) {
      throw ServiceException.unreachable(
          "the answer from " + base + " broke off (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /** Prints an answer as indented JSON, for {@code --json}. */
  static void printJson(PrintWriter out, JsonNode answer) {
    try {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed answer could not be written again", e);
    }
  }

  private HttpRequest.Builder request(String path) {
    // Relative to the base, so that a service behind a path prefix (https://host/pprl/) works.
    return HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
        .timeout(ANSWER_TIMEOUT)
        .header("Accept", "application/json")
        .header("Authorization", "Bearer " + token);
  }

  private JsonNode send(HttpRequest.Builder request, int... expected) {
    HttpResponse<String> r =
        exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (java.util.Arrays.stream(expected).noneMatch(s -> s == r.statusCode())) {
      throw refusal(r.statusCode(), r.body());
    }
    try {
      return JSON.readTree(r.body());
    } catch (JsonProcessingException e) {
      throw ServiceException.unreachable(
          base + " answered HTTP " + r.statusCode() + " with a body that is not JSON", e);
    }
  }

  private <T> HttpResponse<T> exchange(
      HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request.build(), handler);
    } catch (HttpConnectTimeoutException e) {
      throw ServiceException.unreachable(
          "cannot connect to " + base + " within " + CONNECT_TIMEOUT.toSeconds() + " s", e);
    } catch (HttpTimeoutException e) {
      throw ServiceException.unreachable(
          base + " did not answer within " + ANSWER_TIMEOUT.toMinutes() + " minutes", e);
    } catch (ConnectException e) {
      throw ServiceException.unreachable(
          "cannot connect to " + base + " (connection refused: is 'pprl serve' running there?)", e);
    } catch (IOException e) {
      throw ServiceException.unreachable(
          "the connection to " + base + " failed (" + e.getClass().getSimpleName() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ServiceException.unreachable("interrupted while waiting for " + base, e);
    }
  }

  /** A non-expected status: the service's {@code {"code", "message"}}, or not the API at all. */
  private ServiceException refusal(int status, String body) {
    JsonNode error;
    try {
      error = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      error = null;
    }
    if (error == null || !error.path("code").isTextual()) {
      return ServiceException.unreachable(
          base + " answered HTTP " + status + " without an error code: is it a pprl service?",
          null);
    }
    return ServiceException.refused(
        error.get("code").asText(), status, error.path("message").asText(null));
  }
}
