package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LinkIdsTest {
  @Test
  void assign_noPreviousLinks_givesNewIdsInEntityOrder() {
    LinkIds.Assignment a = LinkIds.assign(members("a:1 b:1", "a:2 b:2"), Map.of(), 7);

    assertArrayEquals(new String[] {"L000007", "L000008"}, a.ids());
    assertEquals(9, a.next());
    assertEquals(0, a.reused());
  }

  @Test
  void assign_sharedMembersTie_smallestOldIdWins() {
    Map<String, Map<String, String>> previous =
        previous("a:1=L000005", "b:1=L000002", "x:9=L000005", "y:9=L000002");

    LinkIds.Assignment a = LinkIds.assign(members("a:1 b:1"), previous, 6);

    assertArrayEquals(new String[] {"L000002"}, a.ids());
    assertEquals(6, a.next());
  }

  @Test
  void assign_twoEntitiesWantOneOldId_theOneSharingMoreGetsItAndTheOtherANewId() {
    Map<String, Map<String, String>> previous =
        previous("a:1=L000001", "b:1=L000001", "c:1=L000001");

    LinkIds.Assignment a = LinkIds.assign(members("a:1 d:1", "b:1 c:1"), previous, 2);

    assertArrayEquals(new String[] {"L000002", "L000001"}, a.ids());
    assertEquals(3, a.next());
    assertEquals(1, a.reused());
  }

  @Test
  void assign_bestOldIdTaken_fallsBackToTheNextBest() {
    Map<String, Map<String, String>> previous =
        previous("a:1=L000001", "b:1=L000001", "c:1=L000001", "c:2=L000002");

    LinkIds.Assignment a = LinkIds.assign(members("a:1 b:1", "c:1 c:2"), previous, 3);

    assertArrayEquals(new String[] {"L000001", "L000002"}, a.ids());
  }

  @Test
  void format_pastSixDigits_growsAndStillSortsAfter() {
    assertEquals("L1000000", LinkIds.format(1_000_000));
    Map<String, Map<String, String>> previous = previous("a:1=L1000000", "b:1=L999999");

    LinkIds.Assignment a = LinkIds.assign(members("a:1 b:1"), previous, 1_000_001);

    assertArrayEquals(new String[] {"L999999"}, a.ids());
  }

  @Property(tries = 50)
  void assign_sameEntitiesAgain_keepsEveryIdAndMakesNoNewOne(
      @ForAll @IntRange(min = 0, max = 200) int entities, @ForAll long seed) {
    LinkIds.Members m = randomEntities(entities, new SplittableRandom(seed));
    LinkIds.Assignment first = LinkIds.assign(m, Map.of(), 1);

    LinkIds.Assignment again = LinkIds.assign(m, asPrevious(m, first.ids()), first.next());

    assertArrayEquals(first.ids(), again.ids());
    assertEquals(first.next(), again.next());
    assertEquals(new HashSet<>(List.of(first.ids())).size(), entities, "ids are distinct");
  }

  @Property(tries = 50)
  void assign_fewEntitiesChanged_keepsTheIdsOfTheOthers(
      @ForAll @IntRange(min = 20, max = 200) int entities, @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    LinkIds.Members m = randomEntities(entities, random);
    LinkIds.Assignment first = LinkIds.assign(m, Map.of(), 1);
    // Replace one member of entity 0 by a record never seen: every other entity is unchanged.
    String[] recordId = m.recordId().clone();
    recordId[m.start()[0]] = "new";
    LinkIds.Members changed = new LinkIds.Members(m.start(), m.agency(), recordId);

    LinkIds.Assignment second = LinkIds.assign(changed, asPrevious(m, first.ids()), first.next());

    Set<String> seen = new HashSet<>();
    for (int e = 0; e < entities; e++) {
      assertTrue(seen.add(second.ids()[e]), "an id is used once");
      if (e > 0 || m.start()[1] - m.start()[0] > 2) {
        assertEquals(first.ids()[e], second.ids()[e], "entity " + e);
      }
    }
  }

  /** Entities of 2..4 members over agencies a..d with distinct record ids. */
  private static LinkIds.Members randomEntities(int n, SplittableRandom random) {
    int[] start = new int[n + 1];
    List<String> agency = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    int next = 0;
    for (int e = 0; e < n; e++) {
      int size = 2 + random.nextInt(3);
      for (int k = 0; k < size; k++) {
        agency.add(String.valueOf((char) ('a' + k)));
        ids.add("r" + next++);
      }
      start[e + 1] = agency.size();
    }
    return new LinkIds.Members(start, agency.toArray(new String[0]), ids.toArray(new String[0]));
  }

  private static Map<String, Map<String, String>> asPrevious(LinkIds.Members m, String[] ids) {
    Map<String, Map<String, String>> out = new HashMap<>();
    for (int e = 0; e < m.count(); e++) {
      for (int k = m.start()[e]; k < m.start()[e + 1]; k++) {
        out.computeIfAbsent(m.agency()[k], a -> new HashMap<>()).put(m.recordId()[k], ids[e]);
      }
    }
    return out;
  }

  /** Entities written as "agency:id agency:id", one string each. */
  private static LinkIds.Members members(String... entities) {
    int[] start = new int[entities.length + 1];
    List<String> agency = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int e = 0; e < entities.length; e++) {
      for (String m : entities[e].split(" ")) {
        String[] parts = m.split(":");
        agency.add(parts[0]);
        ids.add(parts[1]);
      }
      start[e + 1] = agency.size();
    }
    return new LinkIds.Members(start, agency.toArray(new String[0]), ids.toArray(new String[0]));
  }

  /** Links written as "agency:id=L000001". */
  private static Map<String, Map<String, String>> previous(String... links) {
    Map<String, Map<String, String>> out = new HashMap<>();
    for (String l : links) {
      String[] kv = l.split("=");
      String[] parts = kv[0].split(":");
      out.computeIfAbsent(parts[0], a -> new HashMap<>()).put(parts[1], kv[1]);
    }
    return out;
  }
}
