package org.pprl.core.evaluate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dense numbers for records named by (extract, id), or by id alone when the truth gives ids only.
 *
 * <p>Design: no object per record, so that a truth of millions of records costs tens of bytes each,
 * not a string key, a boxed number and a map entry (about 130). Id {@code r}'s UTF-8 bytes are
 * {@code bytes[start[r] .. start[r + 1])} and its extract is {@code names[extractOf[r]]}. An
 * open-addressing table with linear probing holds one long per entry: the key's hash in the high 32
 * bits as a tag and {@code r + 1} in the low 32 (0 marks an empty slot); a tag match is confirmed
 * on the bytes and the extract, so a collision never gives a wrong answer. The table stays at most
 * half full. Ids come from UTF-8 files, so their UTF-8 bytes name them exactly.
 *
 * <p>Invariant: records are numbered 0, 1, 2, ... in the order they were first interned.
 */
final class RecordIndex {
  private final boolean idsOnly;
  private final List<String> names = new ArrayList<>();
  private final Map<String, Integer> nameNumbers = new HashMap<>();
  private int[] extractOf = new int[1024];
  private int[] start = new int[1025];
  private byte[] bytes = new byte[16 * 1024];
  private long[] table = new long[2048];
  private int size;

  RecordIndex(boolean idsOnly) {
    this.idsOnly = idsOnly;
  }

  boolean idsOnly() {
    return idsOnly;
  }

  int size() {
    return size;
  }

  /** The record's number, assigning the next one when it is new. */
  int intern(String extract, String id) {
    int e = extractNumber(idsOnly ? "" : extract, true);
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    long h = hash(e, key);
    int found = find(h, e, key);
    if (found >= 0) {
      return found;
    }
    append(h, e, key);
    return size - 1;
  }

  /** The record's number, or -1 when it was never interned. */
  int lookup(String extract, String id) {
    int e = extractNumber(idsOnly ? "" : extract, false);
    if (e < 0) {
      return -1;
    }
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    return find(hash(e, key), e, key);
  }

  String extractOf(int record) {
    if (record < 0 || record >= size) {
      throw new IndexOutOfBoundsException("record " + record + " of " + size);
    }
    return names.get(extractOf[record]);
  }

  List<String> extracts() {
    return idsOnly ? List.of() : List.copyOf(new java.util.TreeSet<>(names));
  }

  private int extractNumber(String extract, boolean add) {
    Integer n = nameNumbers.get(extract);
    if (n == null) {
      if (!add) {
        return -1;
      }
      n = names.size();
      names.add(extract);
      nameNumbers.put(extract, n);
    }
    return n;
  }

  private int find(long h, int extract, byte[] key) {
    int mask = table.length - 1;
    long tag = h & 0xFFFF_FFFF_0000_0000L;
    for (int slot = (int) h & mask; ; slot = (slot + 1) & mask) {
      long entry = table[slot];
      if (entry == 0) {
        return -1;
      }
      if ((entry & 0xFFFF_FFFF_0000_0000L) == tag) {
        int r = (int) entry - 1;
        if (extractOf[r] == extract
            && Arrays.equals(bytes, start[r], start[r + 1], key, 0, key.length)) {
          return r;
        }
      }
    }
  }

  private void append(long h, int extract, byte[] key) {
    if (size == Integer.MAX_VALUE - 8 || (long) start[size] + key.length > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("more than 2 GiB of record ids, at record " + size);
    }
    if (size == extractOf.length) {
      int grown = (int) Math.min(Integer.MAX_VALUE - 8, 2L * size);
      extractOf = Arrays.copyOf(extractOf, grown);
      start = Arrays.copyOf(start, grown + 1);
    }
    int at = start[size];
    if (at + key.length > bytes.length) {
      long grown = Math.max(at + key.length, 2L * bytes.length);
      bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, grown));
    }
    System.arraycopy(key, 0, bytes, at, key.length);
    extractOf[size] = extract;
    start[size + 1] = at + key.length;
    size++;
    insert(table, h, size - 1);
    if (2L * size > table.length) {
      long[] next = new long[Math.multiplyExact(table.length, 2)];
      for (int r = 0; r < size; r++) {
        insert(next, storedHash(r), r);
      }
      table = next;
    }
  }

  private static void insert(long[] table, long h, int record) {
    int mask = table.length - 1;
    int slot = (int) h & mask;
    while (table[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    table[slot] = (h & 0xFFFF_FFFF_0000_0000L) | (record + 1L);
  }

  /** The hash of stored record {@code r}'s key. */
  private long storedHash(int r) {
    return hash(extractOf[r], bytes, start[r], start[r + 1]);
  }

  private static long hash(int extract, byte[] key) {
    return hash(extract, key, 0, key.length);
  }

  /** FNV-1a over the extract number and the bytes, then a 64-bit finaliser (MurmurHash3's). */
  private static long hash(int extract, byte[] b, int from, int to) {
    long h = 0xcbf29ce484222325L ^ extract;
    for (int i = from; i < to; i++) {
      h = (h ^ (b[i] & 0xFF)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
