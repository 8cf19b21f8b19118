package org.pprl.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Where the service is and who is calling: the options every client command shares.
 *
 * <p>The token never comes from the command line, where {@code ps} and shell histories show it: it
 * comes from {@code --token-file}, else {@code $PPRL_TOKEN}, else the {@code token} key of the
 * client configuration file ({@code $PPRL_CONFIG}, else {@code
 * $XDG_CONFIG_HOME/pprl/client.properties}, else {@code ~/.config/pprl/client.properties}). A file
 * that holds a token must be readable by its owner only; one that its group or others may read or
 * write is refused, as ssh refuses such a key. The address comes from {@code --url}, else {@code
 * $PPRL_URL}, else the file's {@code url}, else {@code http://localhost:8080}.
 */
final class ServiceOptions {
  static final String DEFAULT_URL = "http://localhost:8080";

  private static final Set<String> CONFIG_KEYS = Set.of("url", "token");

  private static final Set<PosixFilePermission> NOT_OWNER =
      Set.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE);

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "The service's address (default: $PPRL_URL, else 'url' in the client configuration"
              + " file, else "
              + DEFAULT_URL
              + ").")
  String url;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "A file holding your bearer token, readable by you only (chmod 600). Default:"
              + " $PPRL_TOKEN, else 'token' in the client configuration file ($PPRL_CONFIG, else"
              + " ~/.config/pprl/client.properties). A token is never taken from the command line.")
  Path tokenFile;

  /** The environment the defaults come from; tests of a child process set it there. */
  private final Map<String, String> env = System.getenv();

  /** A client for the service, with the token and address found as the class comment says. */
  ServiceClient client() {
    Properties config = readConfig();
    String token = token(config);
    String address = url;
    if (address == null) {
      address = env.get("PPRL_URL");
    }
    if (address == null || address.isBlank()) {
      address = config.getProperty("url", DEFAULT_URL);
    }
    return new ServiceClient(parseUrl(address.strip()), token);
  }

  private String token(Properties config) {
    if (tokenFile != null) {
      return readTokenFile(tokenFile);
    }
    String fromEnv = env.get("PPRL_TOKEN");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return checkToken(fromEnv.strip(), "$PPRL_TOKEN");
    }
    String fromConfig = config.getProperty("token");
    if (fromConfig != null && !fromConfig.isBlank()) {
      return checkToken(fromConfig.strip(), "'token' in " + configFile());
    }
    throw new CommandFailure(
        "no token: give --token-file FILE (chmod 600), set $PPRL_TOKEN, or put 'token = ...' in "
            + configFile()
            + " (chmod 600)");
  }

  private static String readTokenFile(Path file) {
    requireOwnerOnly(file, "token file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CommandFailure("no token file " + file);
    } catch (IOException e) {
      throw new CommandFailure("cannot read token file " + file + ": " + e.getMessage(), e);
    }
    return checkToken(text.strip(), "token file " + file);
  }

  /** A token is one word of printable ASCII: anything else would break the header. */
  private static String checkToken(String token, String where) {
    if (token.isEmpty()) {
      throw new CommandFailure(where + " is empty");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new CommandFailure(
            where
                + " does not hold one token (a space, line break or other character at "
                + i
                + ")");
      }
    }
    return token;
  }

  /**
   * Refuses a file that its group or others may read or write: a token there is no longer the
   * owner's alone. On a file system without POSIX permissions there is nothing to check.
   */
  static void requireOwnerOnly(Path file, String what) {
    requireOwnerOnly(file, what, "token");
  }

  /** As {@link #requireOwnerOnly(Path, String)}, for a file that holds a {@code secret}. */
  static void requireOwnerOnly(Path file, String what, String secret) {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions;
    try {
      permissions = view.readAttributes().permissions();
    } catch (NoSuchFileException e) {
      throw new CommandFailure("no " + what + " " + file);
    } catch (IOException e) {
      throw new CommandFailure("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
    for (PosixFilePermission p : permissions) {
      if (NOT_OWNER.contains(p)) {
        throw new CommandFailure(
            what
                + " "
                + file
                + " is open to its group or others ("
                + PosixFilePermissions.toString(permissions)
                + "); a "
                + secret
                + " must be its owner's only: chmod 600 "
                + file);
      }
    }
  }

  /** The client configuration file's path, whether or not it exists. */
  private Path configFile() {
    String explicit = env.get("PPRL_CONFIG");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = env.get("XDG_CONFIG_HOME");
    Path dir =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
    return dir.resolve("pprl").resolve("client.properties");
  }

  /** The configuration file's keys; none when there is no file (unless $PPRL_CONFIG names it). */
  private Properties readConfig() {
    Path file = configFile();
    Properties p = new Properties();
    if (!Files.exists(file) && env.get("PPRL_CONFIG") == null) {
      return p;
    }
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new CommandFailure("no client configuration file " + file + " ($PPRL_CONFIG)");
    } catch (IOException | IllegalArgumentException e) {
      throw new CommandFailure("cannot read " + file + ": " + e.getMessage(), e);
    }
    for (String key : p.stringPropertyNames()) {
      if (!CONFIG_KEYS.contains(key)) {
        throw new CommandFailure(file + ": unknown key '" + key + "' (known: url, token)");
      }
    }
    if (p.getProperty("token") != null) {
      requireOwnerOnly(file, "client configuration file");
    }
    return p;
  }

  private static URI parseUrl(String address) {
    URI uri;
    try {
      uri = new URI(address);
    } catch (URISyntaxException e) {
      throw new CommandFailure("the service's address is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme();
    if (scheme == null
        || !(scheme.equals("http") || scheme.equals("https"))
        || uri.getHost() == null) {
      throw new CommandFailure(
          "the service's address must be http://HOST[:PORT] or https://..., got " + address);
    }
    if (uri.getRawUserInfo() != null) {
      throw new CommandFailure(
          "the service's address holds a user name or password; give the token in a file instead");
    }
    String path = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
    return uri.resolve(path.endsWith("/") ? path : path + "/");
  }
}
