package org.pprl.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The linkage service over HTTP: a Javalin server on a {@link Store}. Every endpoint but {@code GET
 * /health} and {@code GET /openapi.json} (its OpenAPI description) needs {@code Authorization:
 * Bearer <token>}; refusals are JSON {@code {"code", "message"}}, mapped from {@link
 * ApiException.Code} in {@link #refuse} and nowhere else. The pages under {@code /ui/} ({@link
 * Pages}) need no token: they hold no data, and read the API with the user's.
 *
 * <p>Logs name endpoints, principals' numbers and codes, never a token, a record id or a value.
 */
public final class LinkageServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LinkageServer.class);
  private static final String PRINCIPAL = "pprl.principal";
  private static final String REFUSED = "pprl.refused";

  /**
   * How many records (over all agencies) the cache of loaded runs behind answers may hold: about
   * 100 bytes each.
   */
  static final long CACHED_RECORDS = 4_000_000;

  /** The file in the data directory that a running service holds a lock on. */
  static final String LOCK_FILE = "service.lock";

  /** The paths served without a token: the health check and the API description. */
  private static final Set<String> OPEN_PATHS = Set.of("/health", "/openapi.json");

  /** One registered route: an HTTP method and a path as Javalin writes it ({@code {project}}). */
  record Route(String method, String path) {}

  private final Store store;
  private final Javalin app;
  private final RunWorker worker;

  /** Set by the first {@link #close}; later calls (a shutdown hook after a finally) do nothing. */
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private final FileChannel lock;
  private final Database.Claim claim;
  private final Set<Route> routes;

  private LinkageServer(
      Store store,
      Javalin app,
      RunWorker worker,
      FileChannel lock,
      Database.Claim claim,
      Set<Route> routes) {
    this.store = store;
    this.app = app;
    this.worker = worker;
    this.lock = lock;
    this.claim = claim;
    this.routes = routes;
  }

  /**
   * Starts the service on {@code port} (0 picks a free one) of the loopback interface, over HTTP,
   * with the default limits of {@link ServerSettings} but for the upload size.
   *
   * @param maxUploadBytes the largest extract upload accepted, in bytes as sent
   */
  public static LinkageServer start(Store store, int port, long maxUploadBytes) {
    return start(store, ServerSettings.builder().port(port).maxUploadBytes(maxUploadBytes).build());
  }

  /**
   * Starts the service as {@code settings} say. Runs left queued or running by a service that
   * stopped without finishing them are marked failed ({@code interrupted}) and uploads it left
   * half-received in {@code incoming/} are deleted: only one service may work on a data directory
   * at a time. Once started, the service owns the store: closing the service closes it.
   *
   * @throws IllegalArgumentException if the TLS files cannot be read or do not go together
   */
  public static LinkageServer start(Store store, ServerSettings settings) {
    return start(store, settings, phase -> {});
  }

  /**
   * As {@link #start(Store, int, long)}, with a hook the run worker calls with each phase of a run
   * before recording it (tests hold a run at a phase with it).
   */
  static LinkageServer start(
      Store store, int port, long maxUploadBytes, java.util.function.Consumer<String> phaseHook) {
    return start(
        store,
        ServerSettings.builder().port(port).maxUploadBytes(maxUploadBytes).build(),
        phaseHook);
  }

  /** As {@link #start(Store, ServerSettings)}, with the run worker's phase hook. */
  static LinkageServer start(
      Store store, ServerSettings settings, java.util.function.Consumer<String> phaseHook) {
    // Read before anything is locked or started, so that a bad file is reported by itself.
    SslContextFactory.Server tls =
        settings.tls() == null ? null : PemTls.contextFactory(settings.tls());
    // Every route as Javalin registers it, so that tests compare the API description with what is
    // really served and cannot drift from it.
    Set<Route> routes = new LinkedHashSet<>();
    Map<String, Handler> gets = new LinkedHashMap<>();
    Javalin app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.http.defaultContentType = "application/json";
              // Jetty answers some requests itself (a header block or URI too large, a malformed
              // request line): in the refusal shape too, not its HTML page.
              config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
              config.jetty.modifyServletContextHandler(
                  handler -> handler.setErrorHandler(new JsonErrorHandler()));
              config.jetty.addConnector((server, http) -> connector(server, http, settings, tls));
              config.events(
                  e ->
                      e.handlerAdded(
                          h -> {
                            // HEAD mirrors every GET (below): not a route of its own.
                            if (h.getHttpMethod().isHttpMethod()
                                && h.getHttpMethod() != HandlerType.HEAD
                                && !Pages.isPage(h.getPath())) {
                              routes.add(new Route(h.getHttpMethod().name(), h.getPath()));
                            }
                            if (h.getHttpMethod() == HandlerType.GET) {
                              gets.put(h.getPath(), h.getHandler());
                            }
                          }));
            });
    byte[] openApi = openApiDocument();
    FileChannel lock = lockDataDir(store);
    Database.Claim claim;
    try {
      claim = store.claimForService();
    } catch (RuntimeException e) {
      closeQuietly(lock);
      throw e;
    }
    int interrupted = store.interruptRuns();
    if (interrupted > 0) {
      LOG.warn(
          "{} runs left unfinished by an earlier service were marked interrupted", interrupted);
    }
    int stale = store.clearIncoming();
    if (stale > 0) {
      LOG.warn("{} uploads left half-received by an earlier service were deleted", stale);
    }
    RunWorker worker = new RunWorker(store, phaseHook);
    LinkageServer server =
        new LinkageServer(store, app, worker, lock, claim, Collections.unmodifiableSet(routes));
    Endpoints endpoints = new Endpoints(store, settings, worker);
    app.before(server::authenticate);
    app.before(Requests::onlyKnownQuery);
    app.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
    app.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    endpoints.register(app);
    byte[] cellKeySecret;
    try {
      cellKeySecret = CellKeySecret.loadOrCreate(store.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or make the cell-key secret", e);
    }
    new Disclosures(store, cellKeySecret, CACHED_RECORDS).register(app);
    new PageEndpoints(store).register(app);
    new ExtractListing(store).register(app);
    Pages.register(app);
    // Javalin answers HEAD on any GET path with 200 without running its handler, so without the
    // role checks: HEAD runs the GET handler itself (the same checks, refusals and audit event),
    // and Jetty sends no body.
    new LinkedHashMap<>(gets).forEach(app::head);
    AllowedMethods allowed = new AllowedMethods(routes);
    app.exception(ApiException.class, (e, ctx) -> refuse(ctx, e.code(), e.getMessage()));
    app.exception(
        HttpResponseException.class,
        (e, ctx) -> {
          if (e.getStatus() == 404) {
            // Javalin's answer when no route has this method and path.
            notFound(ctx, allowed);
          } else {
            refuse(ctx, fromStatus(e.getStatus()));
          }
        });
    app.exception(
        Exception.class,
        (e, ctx) -> {
          // The message may quote input; only the type and place are logged.
          StackTraceElement[] where = e.getStackTrace();
          LOG.error(
              "internal error {} at {} on {} {}",
              e.getClass().getName(),
              where.length > 0 ? where[0] : "?",
              ctx.method(),
              ctx.matchedPath());
          refuse(ctx, ApiException.Code.INTERNAL, "internal error");
        });
    app.error(
        404,
        ctx -> {
          if (ctx.attribute(REFUSED) == null) {
            notFound(ctx, allowed);
          }
        });
    app.error(405, ctx -> refuseIfEmpty(ctx, ApiException.Code.METHOD_NOT_ALLOWED));
    try {
      app.start();
    } catch (RuntimeException e) {
      worker.close();
      closeQuietly(lock);
      throw e;
    }
    LOG.info(
        "linkage service listening on {} port {} over {}",
        settings.host(),
        app.port(),
        tls == null ? "HTTP" : "HTTPS");
    return server;
  }

  /**
   * The one connector of the service: on the settings' host and port, HTTPS when there is a TLS
   * context, with the settings' idle timeout (a connection that sends nothing for that long is
   * closed, also in the middle of a request body).
   */
  private static ServerConnector connector(
      Server server,
      HttpConfiguration http,
      ServerSettings settings,
      SslContextFactory.Server tls) {
    ServerConnector connector;
    if (tls == null) {
      connector = new ServerConnector(server, new HttpConnectionFactory(http));
    } else {
      HttpConfiguration https = new HttpConfiguration(http);
      https.addCustomizer(new SecureRequestCustomizer());
      connector =
          new ServerConnector(
              server,
              new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()),
              new HttpConnectionFactory(https));
    }
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    connector.setIdleTimeout(settings.idleTimeout().toMillis());
    return connector;
  }

  /** The port the server is bound to. */
  public int port() {
    return app.port();
  }

  /** The address the server's connector is bound to, as it was given ({@code 127.0.0.1}, say). */
  String listeningHost() {
    return ((ServerConnector) app.jettyServer().server().getConnectors()[0]).getHost();
  }

  /** Every route the server registered (method and path), in registration order. */
  Set<Route> routes() {
    return routes;
  }

  /** The OpenAPI 3.0 description of this service, served at {@code GET /openapi.json}. */
  static byte[] openApiDocument() {
    try (InputStream in = LinkageServer.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("the resource openapi.json is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the resource openapi.json", e);
    }
  }

  /** The store the server works on. */
  public Store store() {
    return store;
  }

  /**
   * Closes this service when the JVM shuts down (Ctrl-C), from the shutdown hook itself, since the
   * JVM may halt before a caller's finally runs.
   *
   * @return counted down once the hook has closed the service: await it to run until then
   */
  public CountDownLatch closeOnShutdown(String threadName) {
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  close();
                  done.countDown();
                },
                threadName));
    return done;
  }

  /**
   * Stops the server, then its run worker: a running run is cancelled at its next phase, queued
   * ones are cancelled. Then closes the store it was started on, whose connections the service held
   * until now. Closing again does nothing.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    app.stop();
    worker.close();
    closeQuietly(lock);
    claim.close();
    store.close();
  }

  /**
   * Locks the data directory for this service (released when it closes or its process dies), so
   * that marking runs interrupted and clearing {@code incoming/} never hits another live service.
   *
   * @throws IllegalStateException if another service holds the lock
   */
  private static FileChannel lockDataDir(Store store) {
    Path file = store.dataDir().resolve(LOCK_FILE);
    FileChannel channel = null;
    try {
      OwnerOnly.createIfMissing(file);
      channel = FileChannel.open(file, StandardOpenOption.WRITE);
      FileLock held = channel.tryLock();
      if (held == null) {
        throw new IllegalStateException("another service is running on " + store.dataDir());
      }
      return channel;
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new IllegalStateException("another service is running on " + store.dataDir(), e);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock " + file, e);
    } catch (RuntimeException e) {
      closeQuietly(channel);
      throw e;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("cannot release the data directory lock: {}", e.getClass().getName());
    }
  }

  /**
   * Finds the caller from its bearer token, for every path but the health check and the API
   * description.
   */
  private void authenticate(Context ctx) {
    if (OPEN_PATHS.contains(ctx.path()) || Pages.isPage(ctx.path())) {
      return;
    }
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiException(
          ApiException.Code.UNAUTHENTICATED, "an 'Authorization: Bearer <token>' header is needed");
    }
    // An unknown, a revoked and an expired token get the same answer: telling them apart would
    // confirm to whoever holds a leaked token that it was real, and whether the leak was noticed.
    // The operator finds which in the log and in 'pprl admin list-tokens'.
    Optional<Store.TokenStatus> token = store.tokenStatus(header.substring(7).trim());
    String state = token.map(t -> t.state(java.time.Instant.now())).orElse("unknown");
    if (!state.equals("active")) {
      if (token.isPresent()) {
        LOG.warn(
            "refused the {} token of principal {} on {} {}",
            state,
            token.get().principal().id(),
            ctx.method(),
            ctx.path());
      }
      throw new ApiException(
          ApiException.Code.UNAUTHENTICATED, "the token is not known, or is revoked or expired");
    }
    ctx.attribute(PRINCIPAL, token.get().principal());
  }

  /** The caller, as found by {@link #authenticate}. */
  static Principal principal(Context ctx) {
    Principal p = ctx.attribute(PRINCIPAL);
    if (p == null) {
      throw new IllegalStateException("no principal: the endpoint is not behind authentication");
    }
    return p;
  }

  /** The one place a refusal becomes a response. */
  private static void refuse(Context ctx, ApiException.Code code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code.id());
    body.put("message", message);
    ctx.attribute(REFUSED, Boolean.TRUE);
    if (code.status() == 429 || code.status() == 503) {
      ctx.header("Retry-After", "5");
    }
    ctx.status(code.status()).json(body);
  }

  private static void refuse(Context ctx, ApiException.Code code) {
    refuse(ctx, code, defaultMessage(code));
  }

  /**
   * No route has this method and path: 405 with the methods the path has in {@code Allow} (RFC
   * 9110) if it is a known path, else 404.
   */
  private static void notFound(Context ctx, AllowedMethods allowed) {
    String allow = allowed.on(ctx.path());
    if (allow.isEmpty()) {
      refuse(ctx, ApiException.Code.NOT_FOUND);
    } else {
      ctx.header("Allow", allow);
      refuse(ctx, ApiException.Code.METHOD_NOT_ALLOWED);
    }
  }

  /** For a status Javalin set itself (no route matched): the same JSON body as any refusal. */
  private static void refuseIfEmpty(Context ctx, ApiException.Code code) {
    if (ctx.attribute(REFUSED) == null) {
      refuse(ctx, code);
    }
  }

  static ApiException.Code fromStatus(int status) {
    switch (status) {
      case 400:
        return ApiException.Code.BAD_REQUEST;
      case 401:
        return ApiException.Code.UNAUTHENTICATED;
      case 403:
        return ApiException.Code.FORBIDDEN;
      case 404:
        return ApiException.Code.NOT_FOUND;
      case 405:
        return ApiException.Code.METHOD_NOT_ALLOWED;
      case 409:
        return ApiException.Code.CONFLICT;
      case 413:
        return ApiException.Code.TOO_LARGE;
      case 414:
        return ApiException.Code.URI_TOO_LONG;
      case 431:
        return ApiException.Code.HEADERS_TOO_LARGE;
      default:
        return status >= 500 ? ApiException.Code.INTERNAL : ApiException.Code.BAD_REQUEST;
    }
  }

  static String defaultMessage(ApiException.Code code) {
    switch (code) {
      case NOT_FOUND:
        return "no such endpoint or object";
      case METHOD_NOT_ALLOWED:
        return "method not allowed on this path";
      case URI_TOO_LONG:
        return "the request's URI is too long";
      case HEADERS_TOO_LARGE:
        return "the request's headers are too large";
      case INTERNAL:
        return "internal error";
      default:
        return "request refused";
    }
  }
}
