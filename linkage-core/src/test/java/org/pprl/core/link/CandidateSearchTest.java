package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.match.FilterMatrix;

class CandidateSearchTest {

  /** Each test party's blocking keys, as given (the party keeps only its block indexes). */
  private final Map<Party, long[][]> keysOf = new IdentityHashMap<>();

  private Party party(String name, SplittableRandom random, int n, long[] values) {
    ExtractHeader header =
        ExtractHeader.builder()
            .schemaFingerprint(new byte[32])
            .agency(name)
            .toolVersion("test")
            .clkBits(64)
            .blockingKeys("k0", "k1")
            .build();
    FilterMatrix.Builder clks = FilterMatrix.builder(64, n);
    String[] ids = new String[n];
    long[][] keys = new long[2][n];
    for (int i = 0; i < n; i++) {
      ids[i] = name + i;
      clks.add(new long[] {random.nextLong() | 1});
      for (int k = 0; k < 2; k++) {
        keys[k][i] = random.nextInt(4) == 0 ? Party.NO_KEY : values[random.nextInt(values.length)];
      }
    }
    long[][] given = {keys[0].clone(), keys[1].clone()};
    Party party =
        Party.withKeys(name, header, RecordIds.of(ids), clks.build(), FieldFilters.of(), keys);
    keysOf.put(party, given);
    return party;
  }

  @Property(tries = 100)
  void byKeys_withoutCut_isEveryPairSharingAKey(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 40) int na,
      @ForAll @IntRange(min = 1, max = 40) int nb,
      @ForAll boolean same) {
    SplittableRandom random = new SplittableRandom(seed);
    // Values on both sides of zero and sharing their top 32 bits in places: the block id is the
    // top half of the key, and negative keys sort first.
    long[] values = new long[6];
    for (int v = 0; v < values.length; v++) {
      values[v] = random.nextLong();
    }
    values[5] = values[4] ^ 1;
    Party a = party("a", random, na, values);
    Party b = same ? a : party("b", random, nb, values);

    long[] found =
        CandidateSearch.byKeys(a, b, same, 1000, Long.MAX_VALUE, 1, new CandidateSearch.Stats());

    TreeSet<Long> expected = new TreeSet<>();
    for (int i = 0; i < a.size(); i++) {
      for (int j = same ? i + 1 : 0; j < b.size(); j++) {
        for (int k = 0; k < 2; k++) {
          long x = keysOf.get(a)[k][i];
          long y = keysOf.get(b)[k][j];
          if (x != Party.NO_KEY && y != Party.NO_KEY && (x >> 32) == (y >> 32)) {
            expected.add(LongList.pair(i, j));
          }
        }
      }
    }
    assertArrayEquals(
        expected.stream().mapToLong(Long::longValue).toArray(), found, Arrays.toString(values));
    // The index is built once per party and key, and a second search over it finds the same.
    assertSame(a.blockIndex(1), a.blockIndex(1));
    assertArrayEquals(
        found,
        CandidateSearch.byKeys(a, b, same, 1000, Long.MAX_VALUE, 1, new CandidateSearch.Stats()));
  }

  /**
   * Several threads scoring blocks at once keep what one thread keeps: each record's k best, ties
   * to the smaller id, whatever order the pairs arrive in. Few key values make large blocks, and
   * 64-bit filters make many ties.
   */
  @Property(tries = 30)
  void byKeys_severalThreads_keepsWhatOneThreadKeeps(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 3) int k,
      @ForAll @IntRange(min = 2, max = 4) int threads,
      @ForAll boolean same) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] values = new long[3];
    for (int v = 0; v < values.length; v++) {
      values[v] = random.nextLong();
    }
    Party a = party("a", random, 300, values);
    Party b = same ? a : party("b", random, 250, values);
    CandidateSearch.Stats one = new CandidateSearch.Stats();
    CandidateSearch.Stats many = new CandidateSearch.Stats();

    long[] expected = CandidateSearch.byKeys(a, b, same, k, Long.MAX_VALUE, 1, one);
    long[] found = CandidateSearch.byKeys(a, b, same, k, Long.MAX_VALUE, threads, many);

    assertArrayEquals(expected, found);
    assertEquals(one.compared, many.compared);
    assertEquals(one.blockedPairs, many.blockedPairs);
  }

  @Test
  void byKeysAndLsh_keyedBlocks_reportTheirProgress() {
    SplittableRandom random = new SplittableRandom(3);
    long[] values = {random.nextLong(), random.nextLong(), random.nextLong()};
    Party a = party("a", random, 300, values);
    Party b = party("b", random, 250, values);
    CandidateSearch.Stats stats = new CandidateSearch.Stats();
    List<String> lines = new ArrayList<>();
    CandidateSearch.byKeysAndLsh(
        a, b, false, 2, Long.MAX_VALUE, null, 0, true, 2, stats, lines::add, 0); // a line a block

    // 2 keys, 3 values each: 6 blocks; the last line counts them all, and every pair.
    assertTrue(lines.size() >= 6, lines.toString());
    String last = lines.get(lines.size() - 1);
    assertTrue(
        last.startsWith(
            String.format(
                Locale.ROOT,
                "keyed blocks: 6 of 6 blocks, %,d of %,d pairs, ",
                stats.blockedPairs,
                stats.blockedPairs)),
        last);
  }
}
