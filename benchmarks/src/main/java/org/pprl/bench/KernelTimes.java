package org.pprl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.pprl.core.link.Party;
import org.pprl.core.match.DiceKernel;
import org.pprl.core.match.FilterMatrix;
import org.pprl.core.match.ScoredPairs;

/**
 * The Dice kernel alone on the CLKs of two extracts, one thread: all pairs across at a threshold
 * ({@link DiceKernel#scan}) and all pairs inside the first extract ({@link DiceKernel#within}),
 * each repeated, with the thread's CPU time beside the wall time.
 *
 * <p>On a shared machine the wall time of a run depends on what else runs; the CPU time the
 * scanning thread was given depends much less on it, so the best CPU time of several repetitions is
 * the figure to compare kernels by there (JMH's throughput is wall time).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 * org.pprl.bench.KernelTimes A.pprl B.pprl [threshold [repetitions]]}; {@code
 * -Dpprl.kernel=unrolled} (or {@code portable}, {@code vector}) picks the inner loop.
 */
public final class KernelTimes {
  private KernelTimes() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: KernelTimes A.pprl B.pprl [threshold [repetitions]]");
      System.exit(2);
    }
    FilterMatrix a = Party.load(Path.of(args[0]), "a").clks();
    FilterMatrix b = Party.load(Path.of(args[1]), "b").clks();
    double threshold = args.length > 2 ? Double.parseDouble(args[2]) : 0.8;
    int repetitions = args.length > 3 ? Integer.parseInt(args[3]) : 7;
    String loop = DiceKernel.implementation(a.bits());
    time(
        loop + " across",
        (double) a.size() * b.size(),
        repetitions,
        () -> DiceKernel.scan(a, b, threshold, 1));
    time(
        loop + " inside",
        (double) a.size() * (a.size() - 1) / 2,
        repetitions,
        () -> DiceKernel.within(a, threshold, 1, Long.MAX_VALUE));
  }

  private static void time(String what, double pairs, int repetitions, Scan scan) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] cpu = new double[repetitions];
    double[] wall = new double[repetitions];
    int found = 0;
    for (int r = 0; r < repetitions; r++) {
      long cpu0 = threads.getCurrentThreadCpuTime();
      long wall0 = System.nanoTime();
      found = scan.run().size();
      wall[r] = (System.nanoTime() - wall0) / 1e9;
      cpu[r] = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    }
    // The first repetition includes compiling the loop; the figures are of the others.
    double[] c = Arrays.copyOfRange(cpu, Math.min(1, repetitions - 1), repetitions);
    double[] w = Arrays.copyOfRange(wall, Math.min(1, repetitions - 1), repetitions);
    Arrays.sort(c);
    Arrays.sort(w);
    System.out.printf(
        Locale.ROOT,
        "%s: %,.0f pairs, %,d at the threshold; thread CPU best %.3f s (%.0f M/s), median %.3f s;"
            + " wall best %.3f s (%.0f M/s), median %.3f s%n",
        what,
        pairs,
        found,
        c[0],
        pairs / c[0] / 1e6,
        c[c.length / 2],
        w[0],
        pairs / w[0] / 1e6,
        w[w.length / 2]);
  }

  private interface Scan {
    ScoredPairs run();
  }
}
