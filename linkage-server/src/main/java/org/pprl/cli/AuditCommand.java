package org.pprl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pprl.core.audit.MalformedLogException;
import org.pprl.core.audit.Verification;
import org.pprl.core.audit.Verifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pprl audit}: the auditor's commands, run offline on an exported audit log. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Export the service's audit log and check it offline.",
    subcommands = {AuditCommand.Export.class, AuditCommand.Verify.class})
public final class AuditCommand implements Runnable {
  /** Exit code of {@code pprl audit verify} when the log was tampered with. */
  static final int TAMPERED = 1;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code pprl audit export --out LOG.jsonl}: an auditor's copy of the log, for verify. */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Export the audit log (an auditor): GET /audit, written to --out complete or not at all."
            + " The export logs its own reading and ends with a checkpoint signed over it, so"
            + " 'pprl audit verify' finds every event signed.",
        "Then: pprl audit verify --log LOG.jsonl --public-key KEY"
      })
  static final class Export implements Callable<Integer> {
    @Option(
        names = "--out",
        required = true,
        paramLabel = "LOG.jsonl",
        description = "Where to write the log (replaced if it exists).")
    Path out;

    @Mixin ServiceOptions service;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      long bytes = service.client().download("/audit", out);
      PrintWriter text = spec.commandLine().getOut();
      text.printf(Locale.ROOT, "exported the audit log to %s (%,d bytes)%n", out, bytes);
      text.flush();
      return 0;
    }
  }

  /** {@code pprl audit verify --log LOG.jsonl --public-key KEY}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verify an audit log exported with GET /audit: its hash chain and its signed checkpoints.",
        "Prints 'verified N events, M checkpoints' and exits 0, or prints the first problem"
            + " (EDITED, MISSING, REORDERED or BAD_SIGNATURE) with its sequence number and exits 1."
            + " Events after the last checkpoint are not signed: a warning (UNSIGNED_TAIL), not a"
            + " failure. Exits 2 on unreadable input."
      })
  static final class Verify implements Callable<Integer> {
    @Option(
        names = "--log",
        required = true,
        paramLabel = "LOG.jsonl",
        description = "The exported log: JSON lines of events and checkpoints.")
    Path log;

    @Option(
        names = "--public-key",
        required = true,
        paramLabel = "KEY",
        description =
            "A file holding the service's public key in base64 (its audit-key.pub, or the output"
                + " of 'pprl admin audit-public-key').")
    Path publicKey;

    @Option(
        names = "--previous",
        paramLabel = "OLD.jsonl",
        description =
            "An export kept from before: the log must still hold every event of it, unchanged"
                + " (catches a log cut short together with its last checkpoints).")
    Path previous;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      byte[] key = readKey(publicKey);
      Verification v;
      try {
        v = Verifier.verify(log, key);
      } catch (NoSuchFileException e) {
        throw new CommandFailure("no log file " + log);
      } catch (IOException e) {
        throw new CommandFailure("cannot read " + log + ": " + e.getMessage(), e);
      } catch (MalformedLogException e) {
        throw new CommandFailure(log + " is not an audit log: " + e.getMessage(), e);
      }
      PrintWriter out = spec.commandLine().getOut();
      if (!v.ok()) {
        out.println(v.problem() + " at seq " + v.seq() + ": " + v.message());
        out.flush();
        return TAMPERED;
      }
      if (previous != null) {
        Verification c;
        try {
          c = Verifier.continues(Files.readAllLines(previous), Files.readAllLines(log));
        } catch (NoSuchFileException e) {
          throw new CommandFailure("no log file " + previous);
        } catch (IOException e) {
          throw new CommandFailure("cannot read " + previous + ": " + e.getMessage(), e);
        } catch (MalformedLogException e) {
          throw new CommandFailure(previous + " is not an audit log: " + e.getMessage(), e);
        }
        if (!c.ok()) {
          out.println(c.problem() + " at seq " + c.seq() + ": " + c.message());
          out.flush();
          return TAMPERED;
        }
        out.println("continues " + previous + " (" + c.events() + " earlier events unchanged)");
      }
      out.println("verified " + v.events() + " events, " + v.checkpoints() + " checkpoints");
      if (v.warning() != null) {
        out.println(
            v.warning()
                + ": "
                + v.unsignedTail()
                + " events after the last checkpoint are not signed");
      }
      out.flush();
      return 0;
    }
  }

  private static byte[] readKey(Path file) {
    String text;
    try {
      text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      throw new CommandFailure("no public key file " + file);
    } catch (IOException e) {
      throw new CommandFailure("cannot read " + file + ": " + e.getMessage(), e);
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(file + " does not hold a base64 public key");
    }
    if (key.length != 32) {
      throw new CommandFailure(
          file + " holds " + key.length + " bytes, expected a 32-byte Ed25519 public key");
    }
    return key;
  }
}
