package org.pprl.server;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The service in a process of its own, for tests that kill it: {@code ServiceChild DATA_DIR
 * HOLD_FILE} starts it on a free port, prints {@code port N} and serves until killed. When {@code
 * HOLD_FILE} exists, a run reaching a phase that starts with the file's text stops there for good:
 * the test can kill the process with a run certainly in the middle. The store is on PostgreSQL
 * where {@code $PPRL_DATABASE} names one ({@link TestStores#passTo}), as for {@code pprl serve}.
 */
final class ServiceChild {
  private ServiceChild() {}

  public static void main(String[] args) throws Exception {
    Path holdFile = Path.of(args[1]);
    String database = System.getenv(TestStores.DATABASE_VARIABLE);
    Store store =
        Store.open(
            Path.of(args[0]),
            database == null
                ? null
                : PostgresUrl.parse(
                    database, System.getenv(TestStores.PASSWORD_OF_DATABASE_VARIABLE)));
    LinkageServer server =
        LinkageServer.start(store, 0, 1L << 30, phase -> holdIfAsked(holdFile, phase));
    System.out.println("port " + server.port());
    System.out.flush();
    Thread.currentThread().join();
  }

  private static void holdIfAsked(Path holdFile, String phase) {
    try {
      if (Files.exists(holdFile) && phase.startsWith(Files.readString(holdFile).trim())) {
        System.out.println("holding at " + phase);
        System.out.flush();
        Thread.currentThread().join();
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
