package org.pprl.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pprl.core.query.Populations.CS;
import static org.pprl.core.query.Populations.HS;
import static org.pprl.core.query.Populations.PA;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pprl.core.query.ConsentedMatches.Match;

class ConsentedMatchesTest {
  private static final List<String> RESEARCH = List.of("research");
  private static final List<String> NONE = List.of();

  @Test
  void forAgency_consentOnBothSides_listedWithPartnerAgencies() {
    Populations p = new Populations();
    String both = p.add(CS, "L1", RESEARCH);
    p.add(HS, "L1", RESEARCH);
    p.add(CS, "L2", RESEARCH);
    p.add(HS, "L2", NONE); // partner without consent: not listed
    p.add(CS, "L3", NONE); // own record without consent: not listed
    p.add(HS, "L3", RESEARCH);
    p.add(CS, "L4", RESEARCH);
    p.add(PA, "L4", List.of("other_purpose")); // the partner agency does not ask about research
    String dedup1 = p.add(CS, "L5", RESEARCH);
    p.add(CS, "L5", NONE);
    String dedup3 = p.add(CS, "L5", RESEARCH);
    p.add(HS, "L5", RESEARCH);
    p.add(PA, "L5", NONE);
    p.add(CS, null, RESEARCH); // unlinked
    p.add(CS, "L6", RESEARCH);
    p.add(CS, "L6", RESEARCH); // only a duplicate of its own agency: no other agency
    LinkedPopulation pop = p.build();

    List<Match> matches = ConsentedMatches.forAgency(pop, CS, "research");

    assertEquals(
        List.of(
            new Match(both, "L1", List.of(HS)),
            new Match(dedup1, "L5", List.of(HS)),
            new Match(dedup3, "L5", List.of(HS))),
        matches);
  }

  @Test
  void forAgency_partnersSorted_andNoOtherAgencyId() {
    Populations p = new Populations();
    p.add(PA, "L", List.of("other_purpose"));
    String hs = p.add(HS, "L", RESEARCH);
    p.add(CS, "L", RESEARCH);
    LinkedPopulation pop = p.build();
    List<Match> matches = ConsentedMatches.forAgency(pop, HS, "research");
    assertEquals(List.of(new Match(hs, "L", List.of(CS))), matches);
    List<Match> fromCs = ConsentedMatches.forAgency(pop, CS, "research");
    assertEquals(1, fromCs.size());
    assertTrue(!fromCs.get(0).recordId().equals(hs));
  }

  @Test
  void forAgency_unknownPurposeOrAgency_refused() {
    LinkedPopulation pop = new Populations().build();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ConsentedMatches.forAgency(pop, HS, "marketing"));
    assertTrue(e.getMessage().contains("'marketing'"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ConsentedMatches.forAgency(pop, "education", "research"));
    assertTrue(e.getMessage().contains("'education'"), e.getMessage());
  }
}
