package org.pprl.core.query;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A data steward's view of its own agency's links for one purpose: for each of its records that is
 * linked and consented to the purpose, the record's id, its link id and the names of the other
 * agencies that hold a linked record also consented to that purpose. Another agency's record ids,
 * attributes and scores are never part of it.
 */
public final class ConsentedMatches {

  /**
   * One of the steward's records with consented partners.
   *
   * @param recordId the steward's own record id
   * @param linkId the entity's link id
   * @param agencies the other agencies holding a consented record of the entity, sorted, at least
   *     one
   */
  public record Match(String recordId, String linkId, List<String> agencies) {
    /** Copies the agency list. */
    public Match {
      agencies = List.copyOf(agencies);
      if (agencies.isEmpty()) {
        throw new IllegalArgumentException("a match names at least one other agency");
      }
    }
  }

  private ConsentedMatches() {}

  /**
   * The consented matches of one agency for one purpose, in the agency's extract order. A record is
   * listed when it consents to the purpose and at least one record of another agency in its entity
   * does too; a record of an agency that does not ask about the purpose counts as not consenting.
   * Duplicates of the same agency in the entity are not listed as partners.
   *
   * @throws IllegalArgumentException if the agency is unknown or its extract has no such purpose
   */
  public static List<Match> forAgency(LinkedPopulation population, String agency, String purpose) {
    int g = population.agencyIndex(agency);
    AgencyRecords own = population.records(g);
    int p = own.purposes().indexOf(purpose);
    if (p < 0) {
      throw new IllegalArgumentException(
          "agency "
              + agency
              + " has no consent purpose '"
              + purpose
              + "', it has "
              + own.purposes());
    }
    int agencies = population.agencyCount();
    long[] purposeBit = new long[agencies]; // 0 where the agency does not ask about the purpose
    for (int h = 0; h < agencies; h++) {
      int q = population.records(h).purposes().indexOf(purpose);
      purposeBit[h] = q < 0 ? 0 : 1L << q;
    }
    boolean[] partner = new boolean[agencies];
    List<Match> matches = new ArrayList<>();
    for (int r = 0; r < own.size(); r++) {
      int e = population.entityOf(g, r);
      if (e < 0 || (own.consentMask(r) & purposeBit[g]) == 0) {
        continue;
      }
      Arrays.fill(partner, false);
      boolean any = false;
      for (int m = population.memberStart(e); m < population.memberEnd(e); m++) {
        int h = population.memberAgency(m);
        if (h != g
            && (population.records(h).consentMask(population.memberRecord(m)) & purposeBit[h])
                != 0) {
          partner[h] = true;
          any = true;
        }
      }
      if (!any) {
        continue;
      }
      List<String> names = new ArrayList<>();
      for (int h = 0; h < agencies; h++) {
        if (partner[h]) {
          names.add(population.records(h).agency());
        }
      }
      names.sort(null);
      matches.add(new Match(own.id(r), population.linkIdOf(e), names));
    }
    return matches;
  }
}
