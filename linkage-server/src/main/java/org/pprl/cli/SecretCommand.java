package org.pprl.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.pprl.core.io.AtomicOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pprl secret}: the secret the agencies share, made where it is first needed. */
@Command(
    name = "secret",
    mixinStandardHelpOptions = true,
    description =
        "Make the secret the agencies share for encoding (the linkage side never has it).",
    subcommands = {SecretCommand.New.class})
public final class SecretCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code pprl secret new --out FILE}. */
  @Command(
      name = "new",
      mixinStandardHelpOptions = true,
      description = {
        "Write a new secret: 32 bytes from the system's strong random source, as 64 hex digits"
            + " and a newline, to a file readable and writable by its owner only (0600), for"
            + " `pprl encode --secret-file`.",
        "An existing file is never replaced: extracts encoded with another secret do not link."
            + " Keep the file outside any repository and give it to the other agencies by a safe"
            + " channel; nothing is printed of it."
      })
  static final class New implements Callable<Integer> {
    /** Bytes of randomness in a new secret: 256 bits, the HMAC-SHA256 key size. */
    static final int BYTES = 32;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "FILE",
        description = "Where to write the secret; must not exist.")
    Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new CommandFailure(out + " exists; a secret is never replaced (remove it first)");
      }
      byte[] secret = new byte[BYTES];
      new SecureRandom().nextBytes(secret);
      // Written beside the target, owner-only, and linked into place: link() fails when the name
      // was taken meanwhile, where a rename would silently replace it.
      try (AtomicOutput file = AtomicOutput.create(out.resolveSibling(".new-" + tempName()))) {
        file.stream()
            .write((HexFormat.of().formatHex(secret) + "\n").getBytes(StandardCharsets.US_ASCII));
        file.commit();
        try {
          Files.createLink(out, file.target());
        } catch (FileAlreadyExistsException e) {
          throw new CommandFailure(out + " exists; a secret is never replaced (remove it first)");
        } finally {
          Files.delete(file.target());
        }
      }
      spec.commandLine()
          .getOut()
          .println(
              "wrote a new secret to " + out + " (owner-only); share it only with the agencies");
      spec.commandLine().getOut().flush();
      return 0;
    }

    private String tempName() {
      return out.getFileName() + "." + Long.toHexString(new SecureRandom().nextLong()) + ".tmp";
    }
  }
}
