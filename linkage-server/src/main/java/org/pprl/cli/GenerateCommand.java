package org.pprl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pprl.fixtures.Agency;
import org.pprl.fixtures.CityGenerator;
import org.pprl.fixtures.CitySummary;
import org.pprl.fixtures.Corruption;
import org.pprl.fixtures.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pprl generate}: writes a seeded synthetic city's agency extracts with their ground truth,
 * for trying the engine and measuring its quality without real client data.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a synthetic city: one CSV extract per agency (<agency>.csv), the ground truth"
          + " (truth.csv: agency,record_id,person_id) and the settings and counts (city.json).",
      "The same options always give the same files. Existing files in DIR are replaced only"
          + " once every new file is complete."
    })
public final class GenerateCommand implements Callable<Integer> {
  /** Populations from this size on report progress on stderr. */
  static final long PROGRESS_FROM = 1_000_000;

  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Directory to write into; created if missing.")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "N",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--population",
      defaultValue = "10000",
      paramLabel = "N",
      description = "Number of persons in the city (default: ${DEFAULT-VALUE}).")
  long population;

  @Option(
      names = "--corruption",
      defaultValue = "default",
      paramLabel = "LEVEL",
      description =
          "Error rates: none, default, heavy or severe (about 41%% of records with two or more"
              + " errors, as NCVR's \"40%% corrupted\") (default: ${DEFAULT-VALUE}).")
  String corruption;

  @Option(
      names = "--max-duplicates",
      paramLabel = "K",
      description =
          "A person listed more than once in an agency gets 1 to K extra records, k with"
              + " probability proportional to 1/k^2 (default: 1 with default corruption, 5 with"
              + " heavy and severe).")
  Integer maxDuplicates;

  @Option(
      names = "--agencies",
      split = ",",
      paramLabel = "ID",
      description =
          "Agencies to write, comma-separated (default: all): public_assistance,"
              + " homeless_services, childrens_services, education, housing.")
  List<String> agencies;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    CityGenerator city;
    try {
      if (Files.exists(out) && !Files.isDirectory(out)) {
        throw new IllegalArgumentException("--out is a file, expected a directory: " + out);
      }
      CityGenerator.Builder b =
          CityGenerator.builder()
              .seed(seed)
              .population(population)
              .corruption(
                  maxDuplicates == null
                      ? Corruption.preset(corruption)
                      : Corruption.preset(corruption).withMaxDuplicates(maxDuplicates));
      if (agencies != null) {
        List<Agency> chosen = new ArrayList<>();
        for (String id : agencies) {
          chosen.add(Agency.of(id));
        }
        b.agencies(chosen);
      }
      city = b.build();
    } catch (IllegalArgumentException e) {
      err.println("pprl generate: " + e.getMessage());
      err.flush();
      return 2;
    }

    long start = System.nanoTime();
    CitySummary s;
    try {
      s = city.writeTo(out, population >= PROGRESS_FROM ? progress(err) : ProgressListener.NONE);
    } catch (IOException e) {
      err.println("pprl generate: cannot write " + out + ": " + e);
      err.flush();
      return 1;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    PrintWriter o = spec.commandLine().getOut();
    o.println(summary(s, out, seconds));
    o.flush();
    return 0;
  }

  /** Prints a line at every further tenth of the population. */
  private static ProgressListener progress(PrintWriter err) {
    long[] lastTenth = {0};
    return (done, total) -> {
      long tenth = done * 10 / total;
      if (tenth > lastTenth[0]) {
        lastTenth[0] = tenth;
        err.println(
            String.format(
                Locale.ROOT, "pprl generate: %d%% (%,d of %,d persons)", tenth * 10, done, total));
        err.flush();
      }
    };
  }

  /** The one-paragraph summary printed on stdout. */
  static String summary(CitySummary s, Path out, double seconds) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "Wrote a city of %,d persons (seed %d, corruption %s) to %s in %.1f s: ",
            s.population(),
            s.seed(),
            s.corruption().name(),
            out,
            seconds));
    List<Agency> as = s.agencies();
    for (int i = 0; i < as.size(); i++) {
      Agency a = as.get(i);
      b.append(i == 0 ? "" : ", ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%s %,d records (%,d persons, %,d duplicates)",
                  a.id(),
                  s.records(a),
                  s.persons(a),
                  s.duplicates(a)));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "; %,d records in all. %,d persons are in at least one extract, %,d in two or more.",
            s.totalRecords(),
            s.personsInAnyAgency(),
            s.personsInAnyAgency() - s.personsInExactly(1)));
    if (as.size() > 1) {
      b.append(" Persons shared:");
      String sep = " ";
      for (int x = 0; x < as.size(); x++) {
        for (int y = x + 1; y < as.size(); y++) {
          b.append(sep)
              .append(as.get(x).id())
              .append(" & ")
              .append(as.get(y).id())
              .append(String.format(Locale.ROOT, " %,d", s.overlap(as.get(x), as.get(y))));
          sep = ", ";
        }
      }
      b.append('.');
    }
    b.append(" Ground truth in truth.csv, counts in city.json.");
    return b.toString();
  }
}
