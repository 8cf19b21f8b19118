package org.pprl.core.link;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * A way to run the linker other than in this process alone, found by name on the class path ({@link
 * ServiceLoader}): {@code pprl link --engine spark} uses linkage-spark's when that jar is there, so
 * that neither the command line nor this library carries the engine's dependencies.
 */
public interface LinkEngine {
  /** The name {@code --engine} selects this engine by. */
  String name();

  /**
   * Links {@code parties} as {@link Linker#link(List, List)} does, with the same result.
   *
   * @param settings the engine's own settings by name (for Spark: {@code master}, and {@code
   *     release} = {@code filters}, which lets the engine release the parties' CLKs and field
   *     filters ({@link Party#releaseFilters}) where it reads them elsewhere: the caller must not
   *     use them afterwards)
   * @throws IllegalArgumentException for options or settings this engine cannot run, naming them,
   *     and as {@link Linker#link(List, List)}
   */
  Linker.Result link(
      List<Party> parties,
      List<Linker.KnownLink> known,
      Linker.Options options,
      Map<String, String> settings,
      Consumer<String> progress);

  /**
   * Reads an extract for a {@link #link} with the same options and settings: {@link
   * Party#load(Path, String, Consumer, long)} unless the engine can keep less of it, which it says
   * by the party it returns (linkage-spark, whose executors read the filters from the file again
   * when {@code release} is {@code filters}, keeps no CLK nor field filter: {@link
   * Party#loadWithoutFilters}).
   *
   * @param name the name the party links under (the caller's, as for {@link Party#load})
   */
  default Party load(
      Path file,
      String name,
      Linker.Options options,
      Map<String, String> settings,
      Consumer<String> progress)
      throws IOException {
    return Party.load(file, name, progress, options.progressMillis());
  }

  /** The engine named {@code name} on the class path, if there is one. */
  static Optional<LinkEngine> find(String name) {
    for (LinkEngine engine : ServiceLoader.load(LinkEngine.class)) {
      if (engine.name().equals(name)) {
        return Optional.of(engine);
      }
    }
    return Optional.empty();
  }
}
