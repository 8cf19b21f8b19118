package org.pprl.core.link;

import java.util.Arrays;
import java.util.List;
import org.pprl.core.cluster.Clusters;

/**
 * The linked entities of a {@link Linker.Result}: every group of two or more records found to be
 * the same person, in compressed rows. Entity {@code e}'s members are {@code k} in {@code
 * [start[e], start[e + 1])}, member {@code k} being record {@code record[k]} of party {@code
 * party[k]}; members are ordered by party, then record. Records linked to nothing are not listed.
 *
 * <p>Entities are numbered in a deterministic order: in order of each entity's first record
 * (records numbered party by party).
 */
public final class Entities {
  private final int[] start;
  private final int[] party;
  private final int[] record;

  private Entities(int[] start, int[] party, int[] record) {
    assert start.length >= 1 && start[start.length - 1] == party.length;
    this.start = start;
    this.party = party;
    this.record = record;
  }

  /**
   * The entities of {@code result}, which came from linking {@code parties}.
   *
   * @throws IllegalArgumentException if the result's clusters do not cover exactly the parties'
   *     records
   */
  public static Entities of(Linker.Result result, List<Party> parties) {
    Clusters c = result.clusters();
    int total = 0;
    for (Party p : parties) {
      total += p.size();
    }
    if (c.clusterOf().length != total) {
      throw new IllegalArgumentException(
          "the clusters cover "
              + c.clusterOf().length
              + " records, expected the parties' "
              + total);
    }
    int[] sizes = c.sizes();
    // Linked clusters renumbered 0.. in order of first record; -1 for singletons.
    int[] entityOf = new int[c.count()];
    Arrays.fill(entityOf, -1);
    int entities = 0;
    int members = 0;
    for (int r = 0; r < total; r++) {
      int cluster = c.clusterOf()[r];
      if (sizes[cluster] > 1) {
        members++;
        if (entityOf[cluster] < 0) {
          entityOf[cluster] = entities++;
        }
      }
    }
    int[] start = new int[entities + 1];
    for (int r = 0; r < total; r++) {
      int e = entityOf[c.clusterOf()[r]];
      if (e >= 0) {
        start[e + 1]++;
      }
    }
    for (int e = 0; e < entities; e++) {
      start[e + 1] += start[e];
    }
    int[] fill = Arrays.copyOf(start, entities);
    int[] party = new int[members];
    int[] record = new int[members];
    int r = 0;
    for (int p = 0; p < parties.size(); p++) {
      for (int i = 0; i < parties.get(p).size(); i++, r++) {
        int e = entityOf[c.clusterOf()[r]];
        if (e >= 0) {
          int k = fill[e]++;
          party[k] = p;
          record[k] = i;
        }
      }
    }
    return new Entities(start, party, record);
  }

  /** Number of entities. */
  public int count() {
    return start.length - 1;
  }

  /** Number of records in all entities. */
  public int members() {
    return party.length;
  }

  /** Index of entity {@code e}'s first member. */
  public int start(int e) {
    return start[e];
  }

  /** One past entity {@code e}'s last member. */
  public int end(int e) {
    return start[e + 1];
  }

  /** The party of member {@code k}. */
  public int party(int k) {
    return party[k];
  }

  /** The record number (in its party) of member {@code k}. */
  public int record(int k) {
    return record[k];
  }
}
