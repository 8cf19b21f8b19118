package org.pprl.core.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Agencies' records and the entities that link them: the population an overlap question or a
 * consented-match request is answered from.
 *
 * <p>An entity is a link id held by at least two records (of one agency or several). A record in no
 * entity, including one whose link id no other record holds, is a person of its own. Entities are
 * numbered in link-id order; each entity's members are stored contiguously (compressed rows: {@code
 * memberStart[e]} to {@code memberStart[e + 1]}), sorted by agency index then record index.
 * Invariant, relied on by {@link QuestionEvaluator} and {@link ConsentedMatches}: {@code
 * entityOf[g][r] == e} exactly when {@code (g, r)} is among entity {@code e}'s members.
 */
public final class LinkedPopulation {

  /** One stored link: the record {@code recordId} of {@code agency} belongs to {@code linkId}. */
  public record Link(String agency, String recordId, String linkId) {
    /** Checks that no component is null or empty. */
    public Link {
      for (String s : new String[] {agency, recordId, linkId}) {
        if (s == null || s.isEmpty()) {
          throw new IllegalArgumentException("a link needs an agency, a record id and a link id");
        }
      }
    }
  }

  private final List<AgencyRecords> agencies;
  private final Map<String, Integer> agencyIndex = new HashMap<>();
  private final int[][] entityOf; // per agency, per record: entity number or -1
  private final String[] linkIds; // per entity
  private final int[] memberStart; // entities + 1
  private final int[] memberAgency;
  private final int[] memberRecord;
  private final int[] recordOffset; // per agency, the records of the agencies before it; then all

  private LinkedPopulation(List<AgencyRecords> agencies, List<Link> links) {
    this.agencies = List.copyOf(agencies);
    for (int g = 0; g < this.agencies.size(); g++) {
      String name = this.agencies.get(g).agency();
      if (agencyIndex.putIfAbsent(name, g) != null) {
        throw new IllegalArgumentException("agency " + name + " is given twice");
      }
    }
    recordOffset = new int[this.agencies.size() + 1];
    for (int g = 0; g < this.agencies.size(); g++) {
      recordOffset[g + 1] = Math.addExact(recordOffset[g], this.agencies.get(g).size());
    }
    entityOf = new int[this.agencies.size()][];
    for (int g = 0; g < entityOf.length; g++) {
      entityOf[g] = new int[this.agencies.get(g).size()];
      Arrays.fill(entityOf[g], -1);
    }
    // Resolve every link to (agency, record), grouped by link id in sorted order.
    TreeMap<String, List<long[]>> byLink = new TreeMap<>();
    for (int i = 0; i < links.size(); i++) {
      Link link = links.get(i);
      Integer g = agencyIndex.get(link.agency());
      if (g == null) {
        throw new IllegalArgumentException(
            "link row "
                + i
                + ": unknown agency '"
                + link.agency()
                + "', expected one of "
                + names());
      }
      int r = this.agencies.get(g).indexOf(link.recordId());
      if (r < 0) {
        throw new IllegalArgumentException(
            "link row " + i + ": agency " + link.agency() + " holds no record with that id");
      }
      if (entityOf[g][r] != -1) {
        throw new IllegalArgumentException(
            "link row " + i + ": the record of agency " + link.agency() + " is linked twice");
      }
      entityOf[g][r] = 0; // marks "seen"; renumbered below
      byLink.computeIfAbsent(link.linkId(), k -> new ArrayList<>()).add(new long[] {g, r});
    }
    List<String> ids = new ArrayList<>();
    int members = 0;
    for (Map.Entry<String, List<long[]>> e : byLink.entrySet()) {
      if (e.getValue().size() >= 2) {
        ids.add(e.getKey());
        members += e.getValue().size();
      }
    }
    linkIds = ids.toArray(new String[0]);
    memberStart = new int[linkIds.length + 1];
    memberAgency = new int[members];
    memberRecord = new int[members];
    int e = 0;
    int m = 0;
    for (List<long[]> group : byLink.values()) {
      if (group.size() < 2) {
        long[] only = group.get(0);
        entityOf[(int) only[0]][(int) only[1]] = -1;
        continue;
      }
      group.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
      memberStart[e] = m;
      for (long[] gr : group) {
        memberAgency[m] = (int) gr[0];
        memberRecord[m] = (int) gr[1];
        entityOf[(int) gr[0]][(int) gr[1]] = e;
        m++;
      }
      e++;
    }
    memberStart[e] = m;
    assert e == linkIds.length && m == members;
    assert membersMatchEntityOf();
  }

  /** Checks the class invariant: entityOf and the member lists describe the same entities. */
  private boolean membersMatchEntityOf() {
    int linked = 0;
    for (int[] perRecord : entityOf) {
      for (int e : perRecord) {
        linked += e >= 0 ? 1 : 0;
      }
    }
    for (int e = 0; e < linkIds.length; e++) {
      for (int m = memberStart[e]; m < memberStart[e + 1]; m++) {
        if (entityOf[memberAgency[m]][memberRecord[m]] != e) {
          return false;
        }
      }
    }
    return linked == memberAgency.length;
  }

  /**
   * A population from agencies' records and stored links.
   *
   * @param agencies each agency's records, distinct agency ids
   * @param links one row per linked record; a link id held by only one record links nothing
   * @throws IllegalArgumentException for an agency given twice, and for a link row naming an
   *     unknown agency, an id the agency does not hold, or a record already linked (naming the row
   *     number, never the id)
   */
  public static LinkedPopulation of(List<AgencyRecords> agencies, List<Link> links) {
    return new LinkedPopulation(agencies, links);
  }

  /** The agencies' ids, in the order given. */
  public List<String> agencyNames() {
    return names();
  }

  /**
   * One agency's records.
   *
   * @throws IllegalArgumentException if the agency is unknown
   */
  public AgencyRecords records(String agency) {
    return agencies.get(agencyIndex(agency));
  }

  /**
   * The link id of a record, or empty when it is in no entity with another record.
   *
   * @throws IllegalArgumentException if the agency is unknown
   */
  public Optional<String> linkId(String agency, int record) {
    int g = agencyIndex(agency);
    int e = entityOf[g][Objects.checkIndex(record, entityOf[g].length)];
    return e < 0 ? Optional.empty() : Optional.of(linkIds[e]);
  }

  /** Number of entities (link ids held by two or more records). */
  public int entityCount() {
    return linkIds.length;
  }

  /**
   * The size of the space of person numbers: an entity {@code e} is person {@code e}; a record in
   * no entity is person {@code entityCount() + } its agency's offset {@code + r}. Numbers of linked
   * records' own slots are unused.
   */
  int personSpace() {
    return linkIds.length + recordOffset[recordOffset.length - 1];
  }

  /** The number of the person record {@code r} of agency {@code g} belongs to. */
  int personOf(int g, int r) {
    int e = entityOf[g][r];
    return e >= 0 ? e : linkIds.length + recordOffset[g] + r;
  }

  int agencyIndex(String agency) {
    Integer g = agencyIndex.get(agency);
    if (g == null) {
      throw new IllegalArgumentException(
          "unknown agency '" + agency + "', expected one of " + names());
    }
    return g;
  }

  AgencyRecords records(int g) {
    return agencies.get(g);
  }

  int agencyCount() {
    return agencies.size();
  }

  /** The entity of record {@code r} of agency {@code g}, or -1. */
  int entityOf(int g, int r) {
    return entityOf[g][r];
  }

  String linkIdOf(int entity) {
    return linkIds[entity];
  }

  int memberStart(int entity) {
    return memberStart[entity];
  }

  int memberEnd(int entity) {
    return memberStart[entity + 1];
  }

  int memberAgency(int m) {
    return memberAgency[m];
  }

  int memberRecord(int m) {
    return memberRecord[m];
  }

  private List<String> names() {
    List<String> names = new ArrayList<>(agencies.size());
    for (AgencyRecords a : agencies) {
      names.add(a.agency());
    }
    return names;
  }
}
