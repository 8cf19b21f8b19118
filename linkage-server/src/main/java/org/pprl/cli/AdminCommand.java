package org.pprl.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pprl.server.Principal;
import org.pprl.server.Role;
import org.pprl.server.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pprl admin}: administration on the data directory itself (the service need not run):
 * agencies and bearer tokens.
 */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    description =
        "Administer the service's data directory: agencies, tokens and the audit public key.",
    subcommands = {
      AdminCommand.CreateAgency.class,
      AdminCommand.CreateToken.class,
      AdminCommand.ListTokens.class,
      AdminCommand.RevokeToken.class,
      AdminCommand.AuditPublicKey.class
    })
public final class AdminCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code pprl admin create-agency ID}. */
  @Command(
      name = "create-agency",
      mixinStandardHelpOptions = true,
      description = {
        "Add an agency (id: a-z, 0-9, '-', '_'; at most 64 characters).",
        "Logged in the audit log as agency.create."
      })
  static final class CreateAgency implements Callable<Integer> {
    @Mixin DataDirOption data;

    @Parameters(index = "0", paramLabel = "ID", description = "The agency id.")
    String id;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (Store store = data.open()) {
        store.createAgency(id);
      }
      spec.commandLine().getOut().println("created agency " + id);
      return 0;
    }
  }

  /** {@code pprl admin create-token --role ROLE [--agency ID] [--name NAME] [--expires WHEN]}. */
  @Command(
      name = "create-token",
      mixinStandardHelpOptions = true,
      description = {
        "Create a bearer token for a role and print it once: only its SHA-256 is stored.",
        "A steward token needs --agency; other roles must not have one.",
        "Logged in the audit log as token.create (without the token)."
      })
  static final class CreateToken implements Callable<Integer> {
    @Mixin DataDirOption data;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "admin, steward, analyst or auditor.")
    String role;

    @Option(names = "--agency", paramLabel = "ID", description = "The steward's agency.")
    String agency;

    @Option(names = "--name", paramLabel = "NAME", description = "A label for the token.")
    String name;

    @Option(
        names = "--expires",
        paramLabel = "WHEN",
        description =
            "When the token stops being accepted: a duration from now (30d, 12h, 90m or ISO-8601"
                + " such as P30D), a date (2027-01-31: the start of that day, UTC) or an instant"
                + " (2027-01-31T12:00:00Z). Default: never.")
    String expires;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Role r = Role.parse(role);
      if (!r.hasAgency() && agency != null) {
        throw new CommandFailure(
            "--agency is for a steward's token only, not " + r.withArticle() + "'s");
      }
      Instant until = expires == null ? null : expiry(expires, Instant.now());
      Store.NewToken created;
      try (Store store = data.open()) {
        created = store.createToken(r, agency, name, until);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(created.token());
      out.flush();
      Principal p = created.principal();
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "created token "
              + p.id()
              + " ("
              + describe(p)
              + (until == null ? "" : ", expires " + until)
              + "); it is shown only this once: keep it secret");
      err.flush();
      return 0;
    }
  }

  /** {@code pprl admin list-tokens}: the principals, never their tokens. */
  @Command(
      name = "list-tokens",
      mixinStandardHelpOptions = true,
      description =
          "List the tokens' ids, roles, agencies, names, creation and expiry times and status"
              + " (active, revoked or expired); never the tokens.")
  static final class ListTokens implements Callable<Integer> {
    @Mixin DataDirOption data;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.println("id\trole\tagency\tname\tcreated\texpires\tstatus");
      Instant now = Instant.now();
      List<Store.TokenStatus> tokens;
      try (Store store = data.open()) {
        tokens = store.tokens();
      }
      for (Store.TokenStatus t : tokens) {
        Principal p = t.principal();
        out.println(
            p.id()
                + "\t"
                + p.role().id()
                + "\t"
                + orDash(p.agency())
                + "\t"
                + orDash(p.name())
                + "\t"
                + p.created()
                + "\t"
                + orDash(t.expires())
                + "\t"
                + t.state(now));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code pprl admin revoke-token ID|NAME}. */
  @Command(
      name = "revoke-token",
      mixinStandardHelpOptions = true,
      description = {
        "Revoke a token at once and for good: the service refuses it from its next request (401"
            + " unauthenticated, as for an unknown token). Logged in the audit log as"
            + " token.revoke.",
        "Exits 2 if there is no such token, the name is not unique, or it is revoked already."
      })
  static final class RevokeToken implements Callable<Integer> {
    @Mixin DataDirOption data;

    @Parameters(
        index = "0",
        paramLabel = "ID|NAME",
        description = "The token's id (as list-tokens shows it), or else its name if unique.")
    String which;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Principal p;
      try (Store store = data.open()) {
        p = store.revokeToken(which);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("revoked token " + p.id() + " (" + describe(p) + ")");
      out.flush();
      return 0;
    }
  }

  /** {@code pprl admin audit-public-key}: what auditors verify checkpoints with. */
  @Command(
      name = "audit-public-key",
      mixinStandardHelpOptions = true,
      description =
          "Print the public key (base64) that verifies the audit log's checkpoints; give it to"
              + " auditors for 'pprl audit verify'.")
  static final class AuditPublicKey implements Callable<Integer> {
    @Mixin DataDirOption data;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Store store = data.open()) {
        out.println(Base64.getEncoder().encodeToString(store.auditPublicKey()));
      }
      out.flush();
      return 0;
    }
  }

  /**
   * When a token made at {@code now} expires, from {@code --expires}: a duration ({@code 30d},
   * {@code 12h}, {@code 90m}, or ISO-8601 {@code P30D}), a date (the start of that day, UTC) or an
   * instant. It must be later than {@code now}.
   *
   * @throws IllegalArgumentException if it is none of these, or not in the future
   */
  static Instant expiry(String text, Instant now) {
    Instant at = parseExpiry(text.trim(), now);
    if (at == null) {
      throw new IllegalArgumentException(
          "--expires must be a duration (30d, 12h, 90m, P30D), a date (2027-01-31) or an instant"
              + " (2027-01-31T12:00:00Z)");
    }
    if (!at.isAfter(now)) {
      throw new IllegalArgumentException("--expires must be in the future, was " + at);
    }
    return at;
  }

  private static Instant parseExpiry(String text, Instant now) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("([0-9]{1,6})([dhm])").matcher(text);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return now.plus(
            switch (m.group(2)) {
              case "d" -> Duration.ofDays(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofMinutes(n);
            });
      }
      if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
        return now.plus(Duration.parse(text));
      }
      if (text.contains("T")) {
        return Instant.parse(text);
      }
      return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (java.time.DateTimeException | ArithmeticException e) {
      return null;
    }
  }

  private static String orDash(String text) {
    return text == null ? "-" : text;
  }

  private static String describe(Principal p) {
    return p.role().id() + (p.agency() == null ? "" : " of agency " + p.agency());
  }
}
