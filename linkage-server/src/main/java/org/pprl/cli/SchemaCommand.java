package org.pprl.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pprl.core.schema.EngineSchema;
import org.pprl.core.schema.SchemaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pprl schema}: what an administrator needs from a schema before any extract exists. */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = "Read a linkage schema without encoding anything.",
    subcommands = {SchemaCommand.Fingerprint.class})
public final class SchemaCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Reads and validates a schema file, reporting a problem as one line. */
  static EngineSchema read(Path file) {
    try {
      return EngineSchema.parse(file);
    } catch (NoSuchFileException e) {
      throw new CommandFailure("no schema file " + file);
    } catch (IOException e) {
      throw new CommandFailure("cannot read " + file + ": " + e.getMessage(), e);
    } catch (SchemaException e) {
      throw new CommandFailure(file + ": " + e.getMessage(), e);
    }
  }

  /** {@code pprl schema fingerprint S.json}. */
  @Command(
      name = "fingerprint",
      mixinStandardHelpOptions = true,
      description = {
        "Print the schema's fingerprint (64 hex digits): the one every extract encoded with it"
            + " carries, and the one a project must be created with ('pprl project create"
            + " --schema' takes it from the file itself).",
        "It is the SHA-256 of the schema's canonical JSON (keys sorted, no white space), so"
            + " agencies encode compatibly exactly when their fingerprints agree; --date-format"
            + " does not change it."
      })
  static final class Fingerprint implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "S.json", description = "The linkage schema.")
    Path schema;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println(read(schema).fingerprintHex());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
