package org.pprl.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.pprl.server.ServerSettings;

/**
 * The settings of {@code pprl serve}, each taken from the first of: its command-line flag, its
 * environment variable, the configuration file, its default. The file is Java properties ({@code
 * key = value} lines, {@code #} comments); a key it does not know is refused, so that a misspelt
 * setting is not silently ignored.
 */
final class ServeSettings {
  /** One setting: its key in the file, its flag, its environment variable and its default. */
  record Setting(String key, String flag, String env, long defaultValue, Predicate<Long> valid) {}

  static final Setting PORT =
      new Setting("port", "--port", "PPRL_PORT", 8080, v -> v >= 0 && v <= 65535);
  static final Setting MAX_UPLOAD_BYTES =
      new Setting(
          "max-upload-bytes", "--max-upload-bytes", "PPRL_MAX_UPLOAD_BYTES", 1L << 30, v -> v > 0);
  static final Setting MAX_EXTRACT_BYTES =
      new Setting(
          "max-extract-bytes",
          "--max-extract-bytes",
          "PPRL_MAX_EXTRACT_BYTES",
          4L << 30,
          v -> v > 0);
  static final Setting MAX_EXPANSION =
      new Setting(
          "max-expansion", "--max-expansion", "PPRL_MAX_EXPANSION", 20, v -> v >= 1 && v <= 1000);
  static final Setting IDLE_TIMEOUT =
      new Setting(
          "idle-timeout-seconds",
          "--idle-timeout",
          "PPRL_IDLE_TIMEOUT_SECONDS",
          30,
          v -> v >= 1 && v <= 3600);
  static final Setting UPLOAD_TIMEOUT =
      new Setting(
          "upload-timeout-seconds",
          "--upload-timeout",
          "PPRL_UPLOAD_TIMEOUT_SECONDS",
          1800,
          v -> v >= 1 && v <= 86_400);
  static final Setting MAX_UPLOADS =
      new Setting("max-uploads", "--max-uploads", "PPRL_MAX_UPLOADS", 8, v -> v >= 1 && v <= 1000);
  static final Setting MAX_UPLOADS_PER_STEWARD =
      new Setting(
          "max-uploads-per-steward",
          "--max-uploads-per-steward",
          "PPRL_MAX_UPLOADS_PER_STEWARD",
          2,
          v -> v >= 1 && v <= 1000);
  static final List<Setting> ALL =
      List.of(
          PORT,
          MAX_UPLOAD_BYTES,
          MAX_EXTRACT_BYTES,
          MAX_EXPANSION,
          IDLE_TIMEOUT,
          UPLOAD_TIMEOUT,
          MAX_UPLOADS,
          MAX_UPLOADS_PER_STEWARD);

  /**
   * A setting whose value is text: its key in the file, its flag, environment variable, default.
   */
  record TextSetting(String key, String flag, String env, String defaultValue) {}

  static final TextSetting HOST =
      new TextSetting("host", "--host", "PPRL_HOST", ServerSettings.LOOPBACK);
  static final TextSetting TLS_CERT =
      new TextSetting("tls-cert", "--tls-cert", "PPRL_TLS_CERT", null);
  static final TextSetting TLS_KEY = new TextSetting("tls-key", "--tls-key", "PPRL_TLS_KEY", null);
  static final List<TextSetting> TEXT = List.of(HOST, TLS_CERT, TLS_KEY);

  /** The name of the configuration file looked for in the data directory. */
  static final String FILE_NAME = "pprl.properties";

  private final Map<String, Long> flags;
  private final Map<String, String> textFlags;
  private final Map<String, String> env;
  private final Properties file;
  private final String fileName;

  private ServeSettings(
      Map<String, Long> flags,
      Map<String, String> textFlags,
      Map<String, String> env,
      Properties file,
      String fileName) {
    this.flags = flags;
    this.textFlags = textFlags;
    this.env = env;
    this.file = file;
    this.fileName = fileName;
  }

  /**
   * Reads the settings.
   *
   * @param flags the values given on the command line, by flag
   * @param env the environment
   * @param configFile the file named with {@code --config}, which must exist, or null
   * @param dataDir the data directory, whose {@value #FILE_NAME} is read when there is no {@code
   *     --config} and it exists
   * @throws CommandFailure naming the setting and where it came from, when a value is not valid
   */
  static ServeSettings read(
      Map<String, Long> flags, Map<String, String> env, Path configFile, Path dataDir) {
    return read(flags, Map.of(), env, configFile, dataDir);
  }

  /** As {@link #read(Map, Map, Path, Path)}, with the text flags given (host, TLS files). */
  static ServeSettings read(
      Map<String, Long> flags,
      Map<String, String> textFlags,
      Map<String, String> env,
      Path configFile,
      Path dataDir) {
    Path path = configFile != null ? configFile : dataDir.resolve(FILE_NAME);
    Properties properties = new Properties();
    String name = null;
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(in);
      name = path.toString();
    } catch (NoSuchFileException e) {
      if (configFile != null) {
        throw new CommandFailure("--config: no such file " + configFile);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new CommandFailure(
          "cannot read the configuration file " + path + ": " + e.getMessage());
    }
    TreeSet<String> unknown = new TreeSet<>(properties.stringPropertyNames());
    ALL.forEach(s -> unknown.remove(s.key()));
    TEXT.forEach(s -> unknown.remove(s.key()));
    if (!unknown.isEmpty()) {
      throw new CommandFailure(
          "the configuration file "
              + name
              + " has unknown setting '"
              + unknown.first()
              + "'; known: "
              + String.join(", ", ALL.stream().map(Setting::key).toList())
              + ", "
              + String.join(", ", TEXT.stream().map(TextSetting::key).toList()));
    }
    ServeSettings settings =
        new ServeSettings(
            Map.copyOf(flags), Map.copyOf(textFlags), Map.copyOf(env), properties, name);
    ALL.forEach(settings::get);
    settings.server();
    return settings;
  }

  /** The value of {@code s}, from its flag, environment variable, the file or its default. */
  String text(TextSetting s) {
    String flag = textFlags.get(s.flag());
    if (flag != null) {
      return flag;
    }
    String fromEnv = env.get(s.env());
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    String fromFile = file.getProperty(s.key());
    return fromFile != null && !fromFile.isBlank() ? fromFile.strip() : s.defaultValue();
  }

  /**
   * The service's settings: where it listens, with TLS when both files are given, and its limits.
   *
   * @throws CommandFailure if only one of the TLS files is given, or a value is out of range
   */
  ServerSettings server() {
    String cert = text(TLS_CERT);
    String key = text(TLS_KEY);
    if ((cert == null) != (key == null)) {
      throw new CommandFailure(
          "TLS needs both --tls-cert and --tls-key (or tls-cert and tls-key in the file)");
    }
    try {
      return ServerSettings.builder()
          .host(text(HOST))
          .port((int) get(PORT))
          .tls(cert == null ? null : new ServerSettings.Tls(Path.of(cert), Path.of(key)))
          .maxUploadBytes(get(MAX_UPLOAD_BYTES))
          .maxExtractBytes(get(MAX_EXTRACT_BYTES))
          .maxExpansion((int) get(MAX_EXPANSION))
          .idleTimeout(Duration.ofSeconds(get(IDLE_TIMEOUT)))
          .uploadTimeout(Duration.ofSeconds(get(UPLOAD_TIMEOUT)))
          .maxUploads((int) get(MAX_UPLOADS))
          .maxUploadsPerSteward((int) get(MAX_UPLOADS_PER_STEWARD))
          .build();
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage());
    }
  }

  /** The value of {@code s}, from its flag, environment variable, the file or its default. */
  long get(Setting s) {
    Long flag = flags.get(s.flag());
    if (flag != null) {
      return checked(s, flag, s.flag());
    }
    String fromEnv = env.get(s.env());
    if (fromEnv != null) {
      return checked(s, parse(s, fromEnv.strip(), "$" + s.env()), "$" + s.env());
    }
    String fromFile = file.getProperty(s.key());
    if (fromFile != null) {
      String where = "'" + s.key() + "' in " + fileName;
      return checked(s, parse(s, fromFile.strip(), where), where);
    }
    return s.defaultValue();
  }

  private static long parse(Setting s, String text, String where) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new CommandFailure(where + " must be an integer");
    }
  }

  private static long checked(Setting s, long value, String where) {
    if (!s.valid().test(value)) {
      throw new CommandFailure(where + " is out of range: " + value);
    }
    return value;
  }
}
