package org.pprl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.pprl.server.LinkageServer;
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
      names = "--config",
      paramLabel = "FILE",
      description =
          "Configuration file of 'key = value' lines: port, max-upload-bytes (default: "
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
    if (port != null) {
      flags.put(ServeSettings.PORT.flag(), port);
    }
    if (maxUploadBytes != null) {
      flags.put(ServeSettings.MAX_UPLOAD_BYTES.flag(), maxUploadBytes);
    }
    ServeSettings settings = ServeSettings.read(flags, env, config, data.dataDir);
    int port = (int) settings.get(ServeSettings.PORT);
    long maxUploadBytes = settings.get(ServeSettings.MAX_UPLOAD_BYTES);
    Store store = data.open();
    LinkageServer server;
    try {
      server = LinkageServer.start(store, port, maxUploadBytes);
    } catch (RuntimeException e) {
      throw new CommandFailure(
          "cannot start the service on port " + port + ": " + e.getMessage(), e);
    }
    CountDownLatch stopped = server.closeOnShutdown("pprl-serve-shutdown");
    PrintWriter out = spec.commandLine().getOut();
    out.println("pprl serve: listening on port " + server.port() + ", data in " + store.dataDir());
    out.flush();
    stopped.await();
    return 0;
  }
}
