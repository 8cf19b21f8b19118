package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.match.FilterMatrix;

class FieldFiltersTest {
  /** Three fields of unlike lengths (one not a multiple of 64 bits): an odd count of popcounts. */
  private static final int[] BITS = {256, 100, 64};

  @Property(tries = 30)
  void diceAndPopcounts_areThoseOfTheFiltersOneByOne(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    FilterMatrix[] a = matrices(random, 40);
    FilterMatrix[] b = matrices(random, 25);
    // Built with a capacity below the count, so the builder grows.
    FieldFilters x = build(a, 3);
    FieldFilters y = FieldFilters.of(b);

    assertEquals(40, x.size());
    assertEquals(BITS.length, x.fieldCount());
    for (int i = 0; i < a[0].size(); i++) {
      for (int f = 0; f < BITS.length; f++) {
        assertEquals(a[f].popcount(i), x.popcount(i, f));
        for (int j = 0; j < b[0].size(); j++) {
          double expected = a[f].popcount(i) + b[f].popcount(j) == 0 ? 0 : a[f].dice(i, b[f], j);
          assertEquals(expected, x.dice(i, f, y, j), "record " + i + " x " + j + ", field " + f);
        }
      }
    }
  }

  @Test
  void mix_isEqualForEqualFilters_andDiffersForOthers() {
    SplittableRandom random = new SplittableRandom(3);
    FilterMatrix[] a = matrices(random, 2);
    FieldFilters x = FieldFilters.of(a);
    FieldFilters twin = FieldFilters.of(a);

    for (int f = 0; f < BITS.length; f++) {
      assertEquals(x.mix(1, f, 7), twin.mix(1, f, 7));
      assertNotEquals(x.mix(0, f, 7), x.mix(1, f, 7));
    }
  }

  @Test
  void builder_refusesAFilterOfTheWrongLength_orWithBitsPastItsEnd() {
    FieldFilters.Builder builder = new FieldFilters.Builder(BITS, 1);
    long[] tail = new long[2];
    BitFilters.set(tail, 99);
    tail[1] |= 1L << 40; // bit 104, past the field's 100

    assertThrows(
        IllegalArgumentException.class,
        () -> builder.add(new long[][] {new long[4], new long[2], new long[2]}));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> builder.add(new long[][] {new long[4], tail, new long[1]}));
    assertEquals(
        "record 0, field filter 1: bit 104 is set in a filter of 100 bits", e.getMessage());
  }

  private static FieldFilters build(FilterMatrix[] fields, int capacity) {
    FieldFilters.Builder builder = new FieldFilters.Builder(BITS, capacity);
    for (int r = 0; r < fields[0].size(); r++) {
      long[][] record = new long[fields.length][];
      for (int f = 0; f < fields.length; f++) {
        record[f] = fields[f].filter(r);
      }
      builder.add(record);
    }
    return builder.build();
  }

  /** One matrix per field; about one filter in five is empty (a missing value). */
  private static FilterMatrix[] matrices(SplittableRandom random, int n) {
    FilterMatrix[] out = new FilterMatrix[BITS.length];
    for (int f = 0; f < BITS.length; f++) {
      FilterMatrix.Builder builder = FilterMatrix.builder(BITS[f], n);
      for (int i = 0; i < n; i++) {
        long[] filter = new long[BitFilters.wordCount(BITS[f])];
        if (random.nextInt(5) > 0) {
          for (int bit = 0; bit < BITS[f]; bit++) {
            if (random.nextInt(3) == 0) {
              BitFilters.set(filter, bit);
            }
          }
        }
        builder.add(filter);
      }
      out[f] = builder.build();
    }
    return out;
  }
}
