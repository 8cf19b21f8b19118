package org.pprl.core.extract;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The set of record ids seen so far in one extract, for duplicate detection in a single streaming
 * pass: exact (never a false duplicate), and without one object per id.
 *
 * <p>Design. The id bytes are appended to an arena of 1 MiB pages ({@code u16 length + bytes} per
 * id, never straddling a page; the first page starts at 16 KiB and grows); {@code offsets[i]}
 * locates the id of record {@code i}. An open-addressing table with linear probing holds one {@code
 * long} per entry: the high 32 bits of the id's 64-bit hash as a tag, and {@code i + 1} in the low
 * 32 bits (0 marks an empty slot). A probe compares tags first and, only when a tag matches, the id
 * bytes in the arena, so a hash collision costs a byte comparison and never a wrong answer. The
 * table stays at most half full.
 *
 * <p>Memory per id: 16 to 32 bytes of table (2 to 4 slots), 8 to 12 of offset and {@code 2 +
 * length} of arena: about 40 MB for a million 12-byte ids.
 *
 * <p>The hash (MurmurHash3's 64-bit mixing over 8-byte chunks) is seeded per instance at random, so
 * that ids crafted to collide under one seed do not degrade every reader; the seed changes only the
 * speed, never the result.
 *
 * <p>Invariant: ids are added with consecutive indexes 0, 1, 2, ... ({@link #size} is the next).
 */
class IdSet {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int PAGE_BITS = 20;
  private static final int PAGE_BYTES = 1 << PAGE_BITS;

  /**
   * The first page starts at this size and doubles up to a full page, so small files stay small.
   */
  private static final int FIRST_PAGE_BYTES = 1 << 14;

  /** Most ids one set holds: the half-full table must stay within the largest array, 2^30. */
  static final int MAX_IDS = 1 << 29;

  private final long seed;
  private byte[][] pages = new byte[4][];
  private int pageCount;
  private int pagePos = PAGE_BYTES; // forces the first page on the first add
  private long[] offsets = new long[64];
  private int size;
  private long[] table = new long[128];

  IdSet() {
    this(ThreadLocalRandom.current().nextLong());
  }

  IdSet(long seed) {
    this.seed = seed;
  }

  /** Number of ids added; the index the next id gets. */
  int size() {
    return size;
  }

  /**
   * Adds the id in {@code b[off, off + len)} as record {@link #size}, unless an equal id is there.
   *
   * @return -1 if the id is new, else the index of the record that has the same id
   * @throws IllegalStateException if the set already holds {@link #MAX_IDS} ids
   */
  int add(byte[] b, int off, int len) {
    assert len > 0 && len <= ExtractHeader.MAX_STRING_BYTES;
    if (size >= MAX_IDS) {
      throw new IllegalStateException("more than " + MAX_IDS + " record ids");
    }
    long h = hash(b, off, len);
    int mask = table.length - 1;
    long tag = h & 0xFFFF_FFFF_0000_0000L;
    for (int slot = (int) h & mask; ; slot = (slot + 1) & mask) {
      long e = table[slot];
      if (e == 0) {
        table[slot] = tag | (size + 1L);
        break;
      }
      if ((e & 0xFFFF_FFFF_0000_0000L) == tag) {
        int other = (int) e - 1;
        if (sameId(other, b, off, len)) {
          return other;
        }
      }
    }
    store(b, off, len);
    if (2L * size > table.length) {
      grow();
    }
    return -1;
  }

  private boolean sameId(int index, byte[] b, int off, int len) {
    long at = offsets[index];
    byte[] page = pages[(int) (at >>> PAGE_BITS)];
    int p = (int) at & (PAGE_BYTES - 1);
    int storedLen = (page[p] & 0xFF) | (page[p + 1] & 0xFF) << 8;
    return storedLen == len && Arrays.equals(page, p + 2, p + 2 + len, b, off, off + len);
  }

  private void store(byte[] b, int off, int len) {
    int need = 2 + len;
    if (pagePos + need > PAGE_BYTES) {
      if (pageCount == pages.length) {
        pages = Arrays.copyOf(pages, pageCount * 2);
      }
      byte[] fresh = new byte[pageCount == 0 ? FIRST_PAGE_BYTES : PAGE_BYTES];
      pages[pageCount++] = fresh;
      pagePos = 0;
    }
    byte[] page = pages[pageCount - 1];
    if (pagePos + need > page.length) {
      // only the first page grows; offsets into it stay valid
      page = Arrays.copyOf(page, Math.min(PAGE_BYTES, Math.max(page.length * 2, pagePos + need)));
      pages[pageCount - 1] = page;
    }
    page[pagePos] = (byte) len;
    page[pagePos + 1] = (byte) (len >>> 8);
    System.arraycopy(b, off, page, pagePos + 2, len);
    if (size == offsets.length) {
      offsets = Arrays.copyOf(offsets, Math.min(MAX_IDS, size + (size >> 1) + 16));
    }
    offsets[size++] = ((long) (pageCount - 1) << PAGE_BITS) | pagePos;
    pagePos += 2 + len;
  }

  /** Doubles the table, re-inserting every id (in index order, so the arena is read in order). */
  private void grow() {
    long[] next = new long[table.length * 2];
    int mask = next.length - 1;
    for (int i = 0; i < size; i++) {
      long at = offsets[i];
      byte[] page = pages[(int) (at >>> PAGE_BITS)];
      int p = (int) at & (PAGE_BYTES - 1);
      int len = (page[p] & 0xFF) | (page[p + 1] & 0xFF) << 8;
      long h = hash(page, p + 2, len);
      int slot = (int) h & mask;
      while (next[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      next[slot] = (h & 0xFFFF_FFFF_0000_0000L) | (i + 1L);
    }
    table = next;
  }

  /** 64-bit hash of {@code b[off, off + len)}; not final only so tests can force collisions. */
  long hash(byte[] b, int off, int len) {
    final long c1 = 0x87C37B91114253D5L;
    final long c2 = 0x4CF5AD432745937FL;
    long h = seed ^ len;
    int i = off;
    int end = off + len;
    for (; end - i >= 8; i += 8) {
      long k = (long) LONGS.get(b, i);
      h ^= Long.rotateLeft(k * c1, 31) * c2;
      h = Long.rotateLeft(h, 27) * 5 + 0x52DCE729;
    }
    long k = 0;
    for (int shift = 0; i < end; i++, shift += 8) {
      k |= (b[i] & 0xFFL) << shift;
    }
    h ^= Long.rotateLeft(k * c1, 31) * c2;
    // fmix64
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    return h;
  }
}
