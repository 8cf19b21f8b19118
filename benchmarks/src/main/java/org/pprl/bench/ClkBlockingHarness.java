package org.pprl.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pprl.core.evaluate.Truth;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;

/**
 * CLK-only blocking at scale: links two extracts across with {@code --blocking lsh}, {@code keys}
 * (extracts encoded with {@code pprl encode --derive-blocking-keys}) or {@code none} (the ceiling
 * the blocking is judged against) and reports, against the ground truth, pairs completeness and
 * reduction ratio of the candidates (each record's 10 nearest by CLK Dice among the pairs blocking
 * found), pairs scored per record, the time from the start of the candidate search to its end and
 * the heap in use. The truth is used for the figures only.
 *
 * <p>Run: {@code java -Xmx8g -cp benchmarks/target/benchmarks.jar org.pprl.bench.ClkBlockingHarness
 * A.pprl B.pprl TRUTH.csv [lsh|keys|none] [threads] [repetitions]}. The extracts are named by their
 * file names without {@code .pprl}, as the truth names them (a generated city's {@code truth.csv}).
 * {@code -Dpprl.nearest=K} keeps each record's K nearest instead of the default.
 */
public final class ClkBlockingHarness {
  private ClkBlockingHarness() {}

  /** What one candidate search gave. */
  record Figures(
      long truePairs,
      long found,
      long candidates,
      long comparisons,
      int sizeA,
      int sizeB,
      double seconds,
      List<String> plan) {
    double pairsCompleteness() {
      return truePairs == 0 ? Double.NaN : (double) found / truePairs;
    }

    double reductionRatio() {
      return 1 - (double) candidates / ((double) sizeA * sizeB);
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "%,d x %,d: PC %.4f (%,d of %,d), RR %.6f, %,d candidates, %.1f pairs scored per"
              + " record of A, candidates in %.1f s",
          sizeA,
          sizeB,
          pairsCompleteness(),
          found,
          truePairs,
          reductionRatio(),
          candidates,
          (double) comparisons / sizeA,
          seconds);
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println(
          "usage: ClkBlockingHarness A.pprl B.pprl TRUTH.csv [lsh|keys|none] [threads]"
              + " [repetitions]");
      System.exit(2);
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    Path fileA = Paths.get(args[0]);
    Path fileB = Paths.get(args[1]);
    Party a = Party.load(fileA, name(fileA));
    Party b = Party.load(fileB, name(fileB));
    Truth truth = Truth.read(Paths.get(args[2]));
    Linker.Blocking blocking = blocking(args.length > 3 ? args[3] : "lsh");
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    int repetitions = args.length > 5 ? Integer.parseInt(args[5]) : 1;
    for (int r = 0; r < repetitions; r++) {
      Figures f = run(a, b, truth, blocking, threads, line -> System.err.println(line));
      f.plan().forEach(out::println);
      Runtime rt = Runtime.getRuntime();
      out.println(
          f.line()
              + String.format(
                  Locale.ROOT,
                  ", heap in use after %.2f GB, load average %.2f",
                  (rt.totalMemory() - rt.freeMemory()) / 1e9,
                  java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                      .getSystemLoadAverage()));
    }
  }

  /** The blocking a mode names: {@code lsh}, {@code keys} (the extracts' keys) or {@code none}. */
  static Linker.Blocking blocking(String mode) {
    Linker.Blocking blocking = Linker.Blocking.byOption(mode);
    if (blocking != Linker.Blocking.LSH
        && blocking != Linker.Blocking.KEYS
        && blocking != Linker.Blocking.NONE) {
      // The harness measures one way of finding candidates at a time.
      throw new IllegalArgumentException("blocking is lsh, keys or none; was " + mode);
    }
    return blocking;
  }

  /**
   * An extract's name as a generated city's truth gives it: its file name without {@code .pprl}.
   */
  static String name(Path file) {
    String n = file.getFileName().toString();
    return n.endsWith(".pprl") ? n.substring(0, n.length() - 5) : n;
  }

  /**
   * Links a with b one-to-one (so that neither is searched for duplicates) and scores the
   * candidates against the truth; the time is from the first progress line about the candidates to
   * the first one after them.
   */
  static Figures run(
      Party a,
      Party b,
      Truth truth,
      Linker.Blocking blocking,
      int threads,
      java.util.function.Consumer<String> progress) {
    long[] start = {0};
    long[] end = {0};
    Linker linker =
        new Linker(
            Linker.Options.defaults()
                .withNearest(
                    Integer.getInteger("pprl.nearest", Linker.Options.defaults().nearest()))
                .withBlocking(blocking)
                .withThreads(threads)
                .withOneToOne(true),
            line -> {
              long now = System.nanoTime();
              if (start[0] == 0 && (line.startsWith("planning") || line.startsWith("candidates"))) {
                start[0] = now;
              } else if (start[0] != 0
                  && end[0] == 0
                  && !line.startsWith("candidates")
                  && !line.startsWith("Hamming LSH")) {
                end[0] = now;
              }
              progress.accept(line);
            });
    Linker.Result result = linker.link(List.of(a, b));
    if (end[0] == 0) {
      end[0] = System.nanoTime();
    }
    int[] entityA = entities(a, truth);
    int[] entityB = entities(b, truth);
    Linker.Candidates across = null;
    for (Linker.Candidates c : result.candidates()) {
      if (c.a() != c.b()) {
        across = c;
      }
    }
    long found = 0;
    for (int k = 0; k < across.pairs().length; k++) {
      int x = entityA[across.first(k)];
      if (x >= 0 && x == entityB[across.second(k)]) {
        found++;
      }
    }
    List<String> plan = new ArrayList<>();
    for (String line : result.report()) {
      if (line.startsWith("Hamming LSH")) {
        plan.add(line);
      }
    }
    return new Figures(
        truth.truePairs(a.name(), b.name()),
        found,
        across.pairs().length,
        result.comparisons(),
        a.size(),
        b.size(),
        (end[0] - start[0]) / 1e9,
        plan);
  }

  private static int[] entities(Party p, Truth truth) {
    int[] out = new int[p.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = truth.entity(p.name(), p.id(i));
    }
    return out;
  }
}
