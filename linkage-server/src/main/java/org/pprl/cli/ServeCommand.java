package org.pprl.cli;

import java.io.PrintWriter;
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
      defaultValue = "8080",
      description = "TCP port (default: 8080; 0 picks a free one, printed on start).")
  int port;

  @Option(
      names = "--max-upload-bytes",
      paramLabel = "BYTES",
      defaultValue = "1073741824",
      description = "Largest extract upload accepted, in bytes as sent (default: 1 GiB).")
  long maxUploadBytes;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new CommandFailure("--port must be 0 to 65535, was " + port);
    }
    if (maxUploadBytes <= 0) {
      throw new CommandFailure("--max-upload-bytes must be positive, was " + maxUploadBytes);
    }
    Store store = data.open();
    LinkageServer server;
    try {
      server = LinkageServer.start(store, port, maxUploadBytes);
    } catch (RuntimeException e) {
      throw new CommandFailure(
          "cannot start the service on port " + port + ": " + e.getMessage(), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "pprl-serve-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    out.println("pprl serve: listening on port " + server.port() + ", data in " + store.dataDir());
    out.flush();
    stopped.await();
    return 0;
  }
}
