package org.pprl.server;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

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
   * the linker makes deterministic). Entities left without an old id get new ids, L followed by
   * the project's counter (at least six digits), in the run's order. Old ids that were not taken
   * are retired: the counter only grows, so an id never names two different entities over time.
   */

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
   * @param next the project's counter after the new ids were made
   * @param reused how many entities kept an old id
   */
  record Assignment(String[] ids, long next, int reused) {}

  /** The link id with number {@code n}: L followed by at least six digits. */
  static String format(long n) {
    return String.format(Locale.ROOT, "L%06d", n);
  }

  /**
   * Chooses the link ids of {@code entities}.
   *
   * @param previous the current links: agency, then record id, to link id
   * @param next the number of the project's next new link id, at least 1
   */
  static Assignment assign(Members entities, Map<String, Map<String, String>> previous, long next) {
    if (next < 1) {
      throw new IllegalArgumentException("the next link number is " + next + ", expected >= 1");
    }
    // Old ids ranked in id order: shorter first (fewer digits), then by text.
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
    long counter = next;
    for (int e = 0; e < n; e++) {
      if (ids[e] == null) {
        ids[e] = format(counter++);
      }
    }
    return new Assignment(ids, counter, reused);
  }
}
