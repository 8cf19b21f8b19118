package org.pprl.core.link;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The record ids of one party, held as their UTF-8 bytes in one array with offsets: no object per
 * id.
 *
 * <p>Id {@code i} is {@code bytes[start[i] .. start[i + 1])}. A million 12-byte ids take 16 MB
 * here, against about 60 MB as {@code String[]} (object header, array header, reference). Ids are
 * turned back into strings only when written out, for the few records that are linked.
 *
 * <p>Invariant: {@code start[0] == 0}, {@code start} is non-decreasing, and {@code start[size] <=
 * bytes.length}; checked once when built.
 */
final class RecordIds {
  private final byte[] bytes;
  private final int[] start;
  private final int size;

  private RecordIds(byte[] bytes, int[] start, int size) {
    assert start[0] == 0 && start[size] <= bytes.length;
    assert increasing(start, size);
    this.bytes = bytes;
    this.start = start;
    this.size = size;
  }

  private static boolean increasing(int[] start, int size) {
    for (int i = 0; i < size; i++) {
      if (start[i] > start[i + 1]) {
        return false;
      }
    }
    return true;
  }

  /** The ids of {@code ids}, in order. */
  static RecordIds of(String[] ids) {
    Builder b = new Builder(ids.length, 16L * ids.length);
    for (String id : ids) {
      b.add(id);
    }
    return b.build();
  }

  int size() {
    return size;
  }

  /** Id {@code i} as a string. */
  String get(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("record " + i + " of " + size);
    }
    return new String(bytes, start[i], start[i + 1] - start[i], StandardCharsets.UTF_8);
  }

  /** Bytes held, for memory accounting. */
  long footprint() {
    return bytes.length + 4L * start.length;
  }

  /**
   * Appends ids one by one. Arrays are sized by the expected count and bytes, and trimmed on {@link
   * #build} only when the guess was too large, so a correct guess copies nothing.
   */
  static final class Builder {
    private byte[] bytes;
    private int[] start;
    private int size;

    Builder(int expectedIds, long expectedBytes) {
      this.start = new int[Math.max(1, expectedIds) + 1];
      this.bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, expectedBytes))];
    }

    void add(String id) {
      byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
      int at = start[size];
      int end = at + utf8.length;
      if (end < 0 || end > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException(
            "the ids of one extract take more than 2 GiB, at record " + size);
      }
      if (end > bytes.length) {
        long grown = Math.max(end, (long) bytes.length + (bytes.length >> 1) + 16);
        bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, grown));
      }
      System.arraycopy(utf8, 0, bytes, at, utf8.length);
      if (size + 2 > start.length) {
        start = Arrays.copyOf(start, Math.addExact(start.length, (start.length >> 1) + 16));
      }
      start[++size] = end;
    }

    int size() {
      return size;
    }

    RecordIds build() {
      int used = start[size];
      byte[] b = used == bytes.length ? bytes : Arrays.copyOf(bytes, used);
      int[] s = start.length == size + 1 ? start : Arrays.copyOf(start, size + 1);
      return new RecordIds(b, s, size);
    }
  }
}
