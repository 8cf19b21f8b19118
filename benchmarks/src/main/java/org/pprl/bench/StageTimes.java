package org.pprl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;

/**
 * The default link of two or more extracts on one thread, repeated in one JVM, with the CPU time of
 * each stage (reading, candidates, comparing fields, the models, clustering) as the progress lines
 * name them: the first run's, which pays for loading classes and for the JIT, and the best of the
 * others.
 *
 * <p>As for {@link KernelTimes}: on a shared machine the CPU time a thread was given depends much
 * less on what else runs than its wall time, so the best of several repetitions is the figure to
 * compare builds by. One thread, so that every stage is the calling thread's time.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.pprl.bench.StageTimes A.pprl B.pprl
 * [--runs N]} (default 10 runs).
 */
public final class StageTimes {
  private StageTimes() {}

  public static void main(String[] args) throws Exception {
    List<Path> files = new ArrayList<>();
    int runs = 10;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--runs") && i + 1 < args.length) {
        runs = Integer.parseInt(args[++i]);
      } else {
        files.add(Path.of(args[i]));
      }
    }
    if (files.isEmpty() || runs < 2) {
      System.err.println("usage: StageTimes A.pprl [B.pprl ...] [--runs N, at least 2]");
      System.exit(2);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> best = new LinkedHashMap<>();
    for (int run = 0; run < runs; run++) {
      Map<String, Long> took = new LinkedHashMap<>();
      long start = threads.getCurrentThreadCpuTime();
      List<Party> parties = new ArrayList<>();
      for (Path file : files) {
        Party party = Party.load(file, file.getFileName().toString());
        parties.add(party.renamed(party.header().agency()));
      }
      long[] since = {start};
      String[] stage = {"reading"};
      new Linker(
              Linker.Options.defaults().withThreads(1),
              step -> {
                long now = threads.getCurrentThreadCpuTime();
                took.merge(stage[0], now - since[0], Long::sum);
                since[0] = now;
                stage[0] = stageOf(step);
              })
          .link(parties);
      long end = threads.getCurrentThreadCpuTime();
      took.merge(stage[0], end - since[0], Long::sum);
      took.put("all", end - start);
      if (run == 0) {
        System.out.println("first run, CPU ms: " + millis(took));
      } else {
        took.forEach((name, nanos) -> best.merge(name, nanos, Math::min));
      }
    }
    System.out.println("best of " + (runs - 1) + ", CPU ms: " + millis(best));
  }

  /**
   * A progress line without the extracts' names: "candidates febrl4_a (all pairs)" counts as
   * "candidates".
   */
  private static String stageOf(String step) {
    for (String where : new String[] {" across extracts", " inside extracts"}) {
      int at = step.indexOf(where);
      if (at >= 0) {
        return step.substring(0, at + where.length());
      }
    }
    return step.startsWith("candidates ") ? "candidates" : step;
  }

  private static String millis(Map<String, Long> nanos) {
    StringBuilder out = new StringBuilder();
    nanos.forEach(
        (name, n) ->
            out.append(out.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s %d", name, n / 1_000_000)));
    return out.toString();
  }
}
