package org.pprl.server;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Stable link ids: gives each entity of a new run the id of the previous entity it shares the most
 * members with, so that linking the same extracts again gives the same ids and a changed upload
 * moves only the ids of the entities it touched.
 */
final class LinkIds {
  /*
   * Assignment. Every (new entity, old id) pair sharing at least one (agency, record id) member is
   * a candidate, weighed by the number of members shared. Candidates are taken greedily: most
   * shared members first, then the smallest old id, then the new entity that comes first in the
   * run's order; a candidate is taken when neither its entity nor its old id has been taken yet.
   * So each old id goes to at most one entity, an entity whose best old id went elsewhere gets its
   * next best, and the result depends only on the two link sets and the run's entity order (which
   * the linker makes deterministic). Entities left without an old id get new ids. Old ids that were
   * not taken are retired.
   *
   * New ids are random and opaque: L followed by 20 characters of lowercase base32 (RFC 4648
   * alphabet, a-z and 2-7), 100 bits from the caller's generator (the store passes a
   * SecureRandom). They used to be L and a per-project counter (L000001, ...), which told a
   * steward holding a run's highest id how many entities the project had, and the order in which
   * they appeared. A new id is drawn again if it equals an id of the current link set or one
   * drawn earlier in the run; an id retired by an earlier run is not remembered, so it could come
   * back only by a 100-bit collision (about n^2 / 2^101 for n ids ever made: below 10^-16 for
   * 10^7). Stores made before the change keep their numbered ids: they are reused like any other,
   * and rank before random ones in the tie-break (shorter first), which is still deterministic.
   */

  /** A link id made by {@link #newId}: L and 20 characters of lowercase base32. */
  static final Pattern NEW_ID = Pattern.compile("L[a-z2-7]{20}");

  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  /** Random bytes drawn per new id: 13, of which the first 100 bits are used. */
  static final int ID_BYTES = 13;

  private LinkIds() {}

  /**
   * New entities keyed by their members: entity {@code e} has members {@code k} in {@code
   * [start[e], start[e + 1])}, member {@code k} being record {@code recordId[k]} of agency {@code
   * agency[k]}. Every entity has at least two members; no member is in two entities.
   */
  record Members(int[] start, String[] agency, String[] recordId) {
    Members {
      if (agency.length != recordId.length || start[start.length - 1] != agency.length) {
        throw new IllegalArgumentException(
            "members: "
                + agency.length
                + " agencies, "
                + recordId.length
                + " record ids, "
                + start[start.length - 1]
                + " in entities; expected all equal");
      }
    }

    int count() {
      return start.length - 1;
    }
  }

  /**
   * The ids chosen for a run's entities.
   *
   * @param ids the link id of each new entity, by entity number
   * @param reused how many entities kept an old id
   */
  record Assignment(String[] ids, int reused) {}

  /**
   * A new link id: L and 100 random bits as 20 characters of lowercase base32.
   *
   * @param bits a buffer of {@link #ID_BYTES} bytes, overwritten (one generator call per id: a
   *     SecureRandom's nextLong costs several calls)
   */
  static String newId(RandomGenerator random, byte[] bits) {
    assert bits.length == ID_BYTES;
    random.nextBytes(bits);
    char[] id = new char[21];
    id[0] = 'L';
    int buffer = 0;
    int held = 0; // bits in buffer
    int at = 0;
    for (int i = 1; i < id.length; i++) {
      if (held < 5) {
        buffer = buffer << 8 | (bits[at++] & 0xFF);
        held += 8;
      }
      held -= 5;
      id[i] = BASE32[(buffer >>> held) & 31];
    }
    return new String(id);
  }

  /**
   * Chooses the link ids of {@code entities}.
   *
   * @param previous the current links: agency, then record id, to link id
   * @param random where new ids come from: a SecureRandom in the service, seeded in tests
   */
  static Assignment assign(
      Members entities, Map<String, Map<String, String>> previous, RandomGenerator random) {
    // Old ids ranked in id order: shorter first (numbered ids before random ones), then by text.
    Map<String, Integer> rankOf = new HashMap<>();
    for (Map<String, String> byRecord : previous.values()) {
      for (String id : byRecord.values()) {
        rankOf.putIfAbsent(id, 0);
      }
    }
    String[] oldIds = rankOf.keySet().toArray(new String[0]);
    Arrays.sort(
        oldIds, (x, y) -> x.length() != y.length() ? x.length() - y.length() : x.compareTo(y));
    for (int r = 0; r < oldIds.length; r++) {
      rankOf.put(oldIds[r], r);
    }

    // Candidates (count, rank, entity), collected entity by entity.
    int n = entities.count();
    long[] keys = new long[16];
    int[] entityOf = new int[16];
    int candidates = 0;
    int[] ranks = new int[8];
    for (int e = 0; e < n; e++) {
      int m = 0;
      for (int k = entities.start()[e]; k < entities.start()[e + 1]; k++) {
        Map<String, String> byRecord = previous.get(entities.agency()[k]);
        String old = byRecord == null ? null : byRecord.get(entities.recordId()[k]);
        if (old != null) {
          if (m == ranks.length) {
            ranks = Arrays.copyOf(ranks, 2 * m);
          }
          ranks[m++] = rankOf.get(old);
        }
      }
      Arrays.sort(ranks, 0, m);
      for (int i = 0; i < m; ) {
        int j = i;
        while (j < m && ranks[j] == ranks[i]) {
          j++;
        }
        if (candidates == keys.length) {
          keys = Arrays.copyOf(keys, 2 * candidates);
          entityOf = Arrays.copyOf(entityOf, 2 * candidates);
        }
        // Most shared first, then smallest rank: both fit in one ascending long.
        keys[candidates] = ((long) (Integer.MAX_VALUE - (j - i)) << 32) | ranks[i];
        entityOf[candidates] = e;
        candidates++;
        i = j;
      }
    }
    // Sort by key, then entity (candidates were collected in entity order: a stable sort keeps it).
    Integer[] order = new Integer[candidates];
    for (int c = 0; c < candidates; c++) {
      order[c] = c;
    }
    long[] k = keys;
    Arrays.sort(order, (x, y) -> Long.compare(k[x], k[y]));

    String[] ids = new String[n];
    boolean[] taken = new boolean[oldIds.length];
    int reused = 0;
    for (Integer c : order) {
      int e = entityOf[c];
      int rank = (int) keys[c];
      if (ids[e] == null && !taken[rank]) {
        ids[e] = oldIds[rank];
        taken[rank] = true;
        reused++;
      }
    }
    Set<String> used = new HashSet<>(rankOf.keySet());
    byte[] bits = new byte[ID_BYTES];
    for (int e = 0; e < n; e++) {
      if (ids[e] == null) {
        String id = newId(random, bits);
        while (!used.add(id)) {
          id = newId(random, bits); // a 100-bit collision: practically never
        }
        ids[e] = id;
      }
    }
    return new Assignment(ids, reused);
  }
}
