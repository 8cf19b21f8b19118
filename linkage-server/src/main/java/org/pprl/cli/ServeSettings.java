package org.pprl.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Predicate;

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
  static final List<Setting> ALL = List.of(PORT, MAX_UPLOAD_BYTES);

  /** The name of the configuration file looked for in the data directory. */
  static final String FILE_NAME = "pprl.properties";

  private final Map<String, Long> flags;
  private final Map<String, String> env;
  private final Properties file;
  private final String fileName;

  private ServeSettings(
      Map<String, Long> flags, Map<String, String> env, Properties file, String fileName) {
    this.flags = flags;
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
    if (!unknown.isEmpty()) {
      throw new CommandFailure(
          "the configuration file "
              + name
              + " has unknown setting '"
              + unknown.first()
              + "'; known: "
              + String.join(", ", ALL.stream().map(Setting::key).toList()));
    }
    ServeSettings settings =
        new ServeSettings(Map.copyOf(flags), Map.copyOf(env), properties, name);
    ALL.forEach(settings::get);
    return settings;
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
