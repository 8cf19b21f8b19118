package org.pprl.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.pprl.server.Store;
import picocli.CommandLine.Option;

/** The {@code --data-dir} option shared by the service and admin commands. */
final class DataDirOption {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:PPRL_DATA_DIR:-pprl-data}",
      description =
          "The service's data directory: database and extracts (default: $PPRL_DATA_DIR, else"
              + " ./pprl-data).")
  Path dataDir;

  /** Opens (and migrates) the store, reporting a failure as one line. */
  Store open() {
    try {
      return Store.open(dataDir);
    } catch (IOException e) {
      throw new CommandFailure("cannot open data directory " + dataDir + ": " + e.getMessage(), e);
    } catch (Store.StoreException e) {
      throw new CommandFailure(e.getMessage(), e);
    }
  }
}
