package org.pprl.core.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.pprl.core.match.FilterMatrix;

class HammingLshTest {

  private static FilterMatrix random(SplittableRandom random, int n, int bits, double density) {
    FilterMatrix.Builder b = FilterMatrix.builder(bits, n);
    for (int i = 0; i < n; i++) {
      long[] w = new long[(bits + 63) / 64];
      for (int bit = 0; bit < bits; bit++) {
        if (random.nextDouble() < density) {
          w[bit >>> 6] |= 1L << bit;
        }
      }
      b.add(w);
    }
    return b.build();
  }

  @Property(tries = 30)
  void candidates_areExactlyThePairsSharingABucket(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 6) int tables,
      @ForAll @IntRange(min = 1, max = 6) int bitsPerTable,
      @ForAll boolean same) {
    SplittableRandom random = new SplittableRandom(seed);
    FilterMatrix a = random(random, 30, 70, 0.5);
    FilterMatrix b = same ? a : random(random, 25, 70, 0.5);
    HammingLsh.Plan plan = new HammingLsh.Plan(tables, bitsPerTable, 0.9, 0.9, 1);

    TreeSet<String> found = new TreeSet<>();
    HammingLsh.candidates(a, b, plan, seed, (i, j) -> assertTrue(found.add(i + "," + j)));

    int[][] positions = HammingLsh.positions(plan, 70, seed);
    TreeSet<String> expected = new TreeSet<>();
    for (int i = 0; i < a.size(); i++) {
      for (int j = same ? i + 1 : 0; j < b.size(); j++) {
        for (int[] table : positions) {
          boolean agree = true;
          for (int bit : table) {
            agree &= a.get(i, bit) == b.get(j, bit);
          }
          if (agree) {
            expected.add(i + "," + j);
          }
        }
      }
    }
    assertEquals(expected, found);
  }

  @Test
  void plan_reachesTheTargetRecallForPairsAtTheTargetDice() {
    SplittableRandom random = new SplittableRandom(4);
    FilterMatrix a = random(random, 500, 1024, 0.3);
    FilterMatrix b = random(random, 500, 1024, 0.3);

    HammingLsh.Plan plan = HammingLsh.plan(a, b, 0.95, 0.9, 1);

    assertTrue(plan.recall() >= 0.95, plan.describe());
    double hit = Math.pow(plan.agreementAtTarget(), plan.bitsPerTable());
    assertEquals(plan.recall(), 1 - Math.pow(1 - hit, plan.tables()), 1e-9);
    assertEquals(plan, HammingLsh.plan(a, b, 0.95, 0.9, 1));
  }
}
