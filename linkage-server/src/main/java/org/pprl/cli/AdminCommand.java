package org.pprl.cli;

import java.io.PrintWriter;
import java.util.Base64;
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
      description = "Add an agency (id: a-z, 0-9, '-', '_'; at most 64 characters).")
  static final class CreateAgency implements Callable<Integer> {
    @Mixin DataDirOption data;

    @Parameters(index = "0", paramLabel = "ID", description = "The agency id.")
    String id;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      data.open().createAgency(id);
      spec.commandLine().getOut().println("created agency " + id);
      return 0;
    }
  }

  /** {@code pprl admin create-token --role ROLE [--agency ID] [--name NAME]}. */
  @Command(
      name = "create-token",
      mixinStandardHelpOptions = true,
      description = {
        "Create a bearer token for a role and print it once: only its SHA-256 is stored.",
        "A steward token needs --agency; other roles must not have one."
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

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Role r = Role.parse(role);
      if (!r.hasAgency() && agency != null) {
        String article = "aeiou".indexOf(r.id().charAt(0)) >= 0 ? "an " : "a ";
        throw new CommandFailure(
            "--agency is for a steward's token only, not " + article + r.id() + "'s");
      }
      Store.NewToken created = data.open().createToken(r, agency, name);
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
          "List the tokens' ids, roles, agencies, names and creation times (not the tokens).")
  static final class ListTokens implements Callable<Integer> {
    @Mixin DataDirOption data;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.println("id\trole\tagency\tname\tcreated");
      for (Principal p : data.open().principals()) {
        out.println(
            p.id()
                + "\t"
                + p.role().id()
                + "\t"
                + (p.agency() == null ? "-" : p.agency())
                + "\t"
                + (p.name() == null ? "-" : p.name())
                + "\t"
                + p.created());
      }
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
      out.println(Base64.getEncoder().encodeToString(data.open().auditPublicKey()));
      out.flush();
      return 0;
    }
  }

  private static String describe(Principal p) {
    return p.role().id() + (p.agency() == null ? "" : " of agency " + p.agency());
  }
}
