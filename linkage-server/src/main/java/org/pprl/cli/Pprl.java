package org.pprl.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code pprl} command line: each subcommand is one step a data steward, analyst or operator
 * runs.
 */
@Command(
    name = "pprl",
    mixinStandardHelpOptions = true,
    version = "pprl " + Pprl.VERSION,
    description =
        "Privacy-preserving record linkage: encode, link and share without raw identifiers.",
    subcommands = {
      HelpCommand.class,
      GenerateCommand.class,
      EncodeCommand.class,
      ProfileCommand.class,
      InspectCommand.class,
      AssessCommand.class,
      LinkCommand.class,
      EvaluateCommand.class,
      DemoCommand.class,
      ServeCommand.class,
      AdminCommand.class,
      AuditCommand.class,
      SchemaCommand.class,
      SecretCommand.class,
      ProjectCommand.class,
      UploadCommand.class,
      RunCommand.class,
      AskCommand.class,
      MatchesCommand.class
    })
public final class Pprl implements Runnable {
  /** The version written into extracts and printed by --version. */
  static final String VERSION = "0.1.0";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Exit code for bad input: options, files or records that the command cannot use. */
  static final int BAD_INPUT = 2;

  /** Exit code when the command itself failed: a bug, reported without any record content. */
  static final int INTERNAL_ERROR = 70;

  /** Builds the command line with every subcommand; tests call this to run commands in-process. */
  public static CommandLine commandLine() {
    return withHandlers(new CommandLine(new Pprl()));
  }

  /**
   * The command line for {@code args}: when they start with a subcommand's name, the root with that
   * subcommand alone, else {@link #commandLine()}. Picocli builds the model of every subcommand it
   * is given, reading their annotations by reflection: for all nineteen, about 0.3 s of every start
   * more than for one, a sixth of a whole {@code pprl link --method dice} of 20,000 × 20,000 CLKs
   * (docs/performance.md). {@code help} needs the whole tree.
   */
  static CommandLine commandLine(String[] args) {
    if (args.length > 0 && !args[0].equals("help")) {
      for (Class<?> sub : Pprl.class.getAnnotation(Command.class).subcommands()) {
        if (sub.getAnnotation(Command.class).name().equals(args[0])) {
          CommandLine cli = new CommandLine(new Root());
          try {
            cli.addSubcommand(CommandLine.defaultFactory().create(sub));
          } catch (Exception e) {
            throw new IllegalStateException("cannot create the command " + args[0], e);
          }
          return withHandlers(cli);
        }
      }
    }
    return commandLine();
  }

  /** The root of {@link #commandLine(String[])}: only its name shows, in "pprl link: ...". */
  @Command(name = "pprl")
  static final class Root {}

  private static CommandLine withHandlers(CommandLine cli) {
    cli.setParameterExceptionHandler(Pprl::badOption);
    cli.setExecutionExceptionHandler(Pprl::failed);
    return cli;
  }

  /** A bad option or argument: one line naming it, and where to find the usage. */
  private static int badOption(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + e.getMessage());
    cli.getErr().println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for usage.");
    return BAD_INPUT;
  }

  /**
   * A command failed. Input problems ({@link CommandFailure}, I/O errors, refused arguments) are
   * one line; a {@link CommandFailure} ends with its own exit code (the service's refusals, say).
   * Anything else is a bug: its type and where it happened are shown, but not its message, which
   * might quote a value from a record.
   */
  private static int failed(Exception e, CommandLine cli, CommandLine.ParseResult parseResult) {
    String name = cli.getCommandSpec().qualifiedName();
    if (e instanceof CommandFailure f) {
      cli.getErr().println(name + ": " + f.getMessage());
      return f.exitCode();
    }
    if (e instanceof java.io.IOException
        || e instanceof java.io.UncheckedIOException
        || e instanceof IllegalArgumentException) {
      cli.getErr().println(name + ": " + e.getMessage());
      return BAD_INPUT;
    }
    StackTraceElement[] where = e.getStackTrace();
    cli.getErr()
        .println(
            name
                + ": internal error "
                + e.getClass().getName()
                + (where.length > 0 ? " at " + where[0] : "")
                + " (its message is withheld: it may quote record content)");
    return INTERNAL_ERROR;
  }

  public static void main(String[] args) {
    try {
      System.exit(commandLine(args).execute(args));
    } catch (OutOfMemoryError e) {
      System.err.println(outOfMemory(Runtime.getRuntime().maxMemory()));
      System.exit(INTERNAL_ERROR);
    }
  }

  /**
   * What to say when the heap ran out: the heap the JVM had and twice as much to try, since a fixed
   * suggestion of 4 GB read as advice to shrink a heap of 18 GB.
   */
  static String outOfMemory(long maxHeapBytes) {
    long gib = 1L << 30;
    long next = Math.max(4, 2 * ((maxHeapBytes + gib - 1) / gib));
    return String.format(
        java.util.Locale.ROOT,
        "pprl: out of memory with a heap of %.1f GB; give the JVM more, e.g."
            + " PPRL_JAVA_OPTS=-Xmx%dg ./pprl ... (a link holds about 650 bytes a record of its"
            + " extracts, and more while it runs: docs/linkage.md, \"Growth\")",
        maxHeapBytes / (double) gib,
        next);
  }
}
