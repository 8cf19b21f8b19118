package org.pprl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.pprl.server.LinkageServer;
import org.pprl.server.ServerSettings;
import org.pprl.server.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pprl serve}: runs the linkage service on a data directory until it is stopped. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the linkage service (HTTP, JSON) on a data directory, until interrupted.",
      "Create agencies and tokens first with 'pprl admin'. GET /health needs no token; every other"
          + " endpoint needs 'Authorization: Bearer <token>'."
    })
public final class ServeCommand implements Callable<Integer> {
  @Mixin DataDirOption data;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description =
          "TCP port (default: $PPRL_PORT, else 'port' in the configuration file, else 8080; 0 picks"
              + " a free one, printed on start).")
  Long port;

  @Option(
      names = "--max-upload-bytes",
      paramLabel = "BYTES",
      description =
          "Largest extract upload accepted, in bytes as sent (default: $PPRL_MAX_UPLOAD_BYTES, else"
              + " 'max-upload-bytes' in the configuration file, else 1 GiB).")
  Long maxUploadBytes;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      description =
          "Interface to listen on (default: $PPRL_HOST, else 'host' in the configuration file, else"
              + " 127.0.0.1, this machine only). 0.0.0.0 listens on every interface: give TLS or a"
              + " reverse proxy then (docs/service.md).")
  String host;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description =
          "Serve HTTPS with this PEM certificate chain, server certificate first (with"
              + " --tls-key; default: $PPRL_TLS_CERT, else 'tls-cert' in the configuration file).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description =
          "The certificate's unencrypted PEM private key, an owner-only file (default:"
              + " $PPRL_TLS_KEY, else 'tls-key' in the configuration file).")
  Path tlsKey;

  @Option(
      names = "--max-extract-bytes",
      paramLabel = "BYTES",
      description = "Largest extract after decompression, in bytes (default: 4 GiB).")
  Long maxExtractBytes;

  @Option(
      names = "--max-expansion",
      paramLabel = "RATIO",
      description =
          "Largest ratio of decompressed to sent bytes of a gzip upload, checked while it is"
              + " received (default: 20).")
  Long maxExpansion;

  @Option(
      names = "--idle-timeout",
      paramLabel = "SECONDS",
      description =
          "Close a connection that sends nothing for this long, also inside an upload (default:"
              + " 30).")
  Long idleTimeout;

  @Option(
      names = "--upload-timeout",
      paramLabel = "SECONDS",
      description = "Cut off an upload that takes longer than this in all (default: 1800).")
  Long uploadTimeout;

  @Option(
      names = "--max-uploads",
      paramLabel = "N",
      description = "Uploads received at once over all stewards; more get 503 (default: 8).")
  Long maxUploads;

  @Option(
      names = "--max-uploads-per-steward",
      paramLabel = "N",
      description = "Uploads one steward's token may have in flight; more get 429 (default: 2).")
  Long maxUploadsPerSteward;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Configuration file of 'key = value' lines, a key for each option: host, port, tls-cert,"
              + " tls-key, max-upload-bytes, max-extract-bytes, max-expansion,"
              + " idle-timeout-seconds, upload-timeout-seconds, max-uploads,"
              + " max-uploads-per-steward; each also from $PPRL_ and the key in capitals (default: "
              + ServeSettings.FILE_NAME
              + " in the data directory, if there is one). A flag beats an environment variable,"
              + " which beats the file.")
  Path config;

  /** The environment the settings are read from; tests replace it. */
  Map<String, String> env = System.getenv();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, Long> flags = new HashMap<>();
    put(flags, ServeSettings.PORT, port);
    put(flags, ServeSettings.MAX_UPLOAD_BYTES, maxUploadBytes);
    put(flags, ServeSettings.MAX_EXTRACT_BYTES, maxExtractBytes);
    put(flags, ServeSettings.MAX_EXPANSION, maxExpansion);
    put(flags, ServeSettings.IDLE_TIMEOUT, idleTimeout);
    put(flags, ServeSettings.UPLOAD_TIMEOUT, uploadTimeout);
    put(flags, ServeSettings.MAX_UPLOADS, maxUploads);
    put(flags, ServeSettings.MAX_UPLOADS_PER_STEWARD, maxUploadsPerSteward);
    Map<String, String> text = new HashMap<>();
    if (host != null) {
      text.put(ServeSettings.HOST.flag(), host);
    }
    if (tlsCert != null) {
      text.put(ServeSettings.TLS_CERT.flag(), tlsCert.toString());
    }
    if (tlsKey != null) {
      text.put(ServeSettings.TLS_KEY.flag(), tlsKey.toString());
    }
    ServerSettings settings = ServeSettings.read(flags, text, env, config, data.dataDir).server();
    Store store = data.open();
    LinkageServer server;
    try {
      server = LinkageServer.start(store, settings);
    } catch (RuntimeException e) {
      store.close();
      throw new CommandFailure(
          "cannot start the service on "
              + settings.host()
              + " port "
              + settings.port()
              + ": "
              + e.getMessage(),
          e);
    }
    CountDownLatch stopped = server.closeOnShutdown("pprl-serve-shutdown");
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "pprl serve: listening on "
            + (settings.tls() == null ? "http://" : "https://")
            + hostForUrl(settings.host())
            + ":"
            + server.port()
            + ", data in "
            + store.dataDir()
            + (data.database == null || data.database.isBlank()
                ? ""
                : ", " + store.databaseDescription()));
    out.flush();
    stopped.await();
    return 0;
  }

  private static void put(Map<String, Long> flags, ServeSettings.Setting s, Long value) {
    if (value != null) {
      flags.put(s.flag(), value);
    }
  }

  /** A host as it goes in a URL: an IPv6 address in brackets. */
  static String hostForUrl(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }
}
