package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LinkIdsTest {
  /** Old ids of the random form, in text order. */
  private static final String ID_A = "L" + "a".repeat(20);

  private static final String ID_B = "L" + "b".repeat(20);
  private static final String ID_C = "L" + "c".repeat(20);

  @Test
  void assign_noPreviousLinks_givesDistinctOpaqueIds() {
    LinkIds.Assignment a =
        LinkIds.assign(members("a:1 b:1", "a:2 b:2", "a:3 b:3"), Map.of(), new SplittableRandom(7));

    for (String id : a.ids()) {
      assertTrue(LinkIds.NEW_ID.matcher(id).matches(), id);
    }
    assertEquals(3, Set.of(a.ids()).size(), List.of(a.ids()).toString());
    assertEquals(0, a.reused());
  }

  @Test
  void assign_sameSeed_givesSameIds_otherSeed_otherIds() {
    LinkIds.Members m = members("a:1 b:1", "a:2 b:2");

    String[] first = LinkIds.assign(m, Map.of(), new SplittableRandom(1)).ids();

    assertArrayEquals(first, LinkIds.assign(m, Map.of(), new SplittableRandom(1)).ids());
    assertNotEquals(
        List.of(first), List.of(LinkIds.assign(m, Map.of(), new SplittableRandom(2)).ids()));
  }

  @Test
  void newId_bitsInOrder_areBase32OfTheFirst100Bits() {
    // The 5-bit groups 0, 1, 2, ..., 19 ("a" is 0), then 4 unused zero bits.
    byte[] bits = HexFormat.of().parseHex("00443214c74254b635cf846530");

    assertEquals("Labcdefghijklmnopqrst", LinkIds.newId(fixed(bits), new byte[LinkIds.ID_BYTES]));
    assertEquals(
        "L" + "7".repeat(20),
        LinkIds.newId(fixed(filled((byte) 0xFF)), new byte[LinkIds.ID_BYTES]));
  }

  @Test
  void assign_drawEqualsAnOldIdOrAnEarlierDraw_drawsAgain() {
    byte[] zeros = filled((byte) 0);
    byte[] ones = filled((byte) 0xFF);
    byte[] other = filled((byte) 0x42);
    // "Laaa..." is an old id left untaken; the draws give it, then "L777..." twice, then another.
    RandomGenerator draws = fixed(zeros, ones, ones, other);
    Map<String, Map<String, String>> previous = previous("x:1=" + ID_A, "y:1=" + ID_A);

    LinkIds.Assignment a = LinkIds.assign(members("a:1 b:1", "a:2 b:2"), previous, draws);

    assertEquals("L" + "7".repeat(20), a.ids()[0]);
    assertEquals(LinkIds.newId(fixed(other), new byte[LinkIds.ID_BYTES]), a.ids()[1]);
  }

  @Test
  void assign_sharedMembersTie_smallestOldIdWins() {
    Map<String, Map<String, String>> previous =
        previous("a:1=" + ID_C, "b:1=" + ID_B, "x:9=" + ID_C, "y:9=" + ID_B);

    LinkIds.Assignment a = LinkIds.assign(members("a:1 b:1"), previous, new SplittableRandom(1));

    assertArrayEquals(new String[] {ID_B}, a.ids());
  }

  @Test
  void assign_twoEntitiesWantOneOldId_theOneSharingMoreGetsItAndTheOtherANewId() {
    Map<String, Map<String, String>> previous =
        previous("a:1=" + ID_A, "b:1=" + ID_A, "c:1=" + ID_A);

    LinkIds.Assignment a =
        LinkIds.assign(members("a:1 d:1", "b:1 c:1"), previous, new SplittableRandom(1));

    assertTrue(LinkIds.NEW_ID.matcher(a.ids()[0]).matches(), a.ids()[0]);
    assertNotEquals(ID_A, a.ids()[0]);
    assertEquals(ID_A, a.ids()[1]);
    assertEquals(1, a.reused());
  }

  @Test
  void assign_bestOldIdTaken_fallsBackToTheNextBest() {
    Map<String, Map<String, String>> previous =
        previous("a:1=" + ID_A, "b:1=" + ID_A, "c:1=" + ID_A, "c:2=" + ID_B);

    LinkIds.Assignment a =
        LinkIds.assign(members("a:1 b:1", "c:1 c:2"), previous, new SplittableRandom(1));

    assertArrayEquals(new String[] {ID_A, ID_B}, a.ids());
  }

  @Test
  void assign_numberedIdsFromBeforeRandomIds_areKeptAndRankFirstInATie() {
    Map<String, Map<String, String>> previous =
        previous("a:1=" + ID_A, "b:1=L000002", "x:1=L1000000", "y:1=L999999");

    LinkIds.Assignment a =
        LinkIds.assign(members("a:1 b:1", "x:1 y:1"), previous, new SplittableRandom(1));

    assertArrayEquals(new String[] {"L000002", "L999999"}, a.ids());
    assertEquals(2, a.reused());
  }

  @Property(tries = 50)
  void assign_sameEntitiesAgain_keepsEveryIdAndMakesNoNewOne(
      @ForAll @IntRange(min = 0, max = 200) int entities, @ForAll long seed) {
    LinkIds.Members m = randomEntities(entities, new SplittableRandom(seed));
    LinkIds.Assignment first = LinkIds.assign(m, Map.of(), new SplittableRandom(seed));

    LinkIds.Assignment again =
        LinkIds.assign(m, asPrevious(m, first.ids()), new SplittableRandom(seed + 1));

    assertArrayEquals(first.ids(), again.ids());
    assertEquals(entities, again.reused());
    assertEquals(new HashSet<>(List.of(first.ids())).size(), entities, "ids are distinct");
  }

  @Property(tries = 50)
  void assign_fewEntitiesChanged_keepsTheIdsOfTheOthers(
      @ForAll @IntRange(min = 20, max = 200) int entities, @ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    LinkIds.Members m = randomEntities(entities, random);
    LinkIds.Assignment first = LinkIds.assign(m, Map.of(), random);
    // Replace one member of entity 0 by a record never seen: every other entity is unchanged.
    String[] recordId = m.recordId().clone();
    recordId[m.start()[0]] = "new";
    LinkIds.Members changed = new LinkIds.Members(m.start(), m.agency(), recordId);

    LinkIds.Assignment second = LinkIds.assign(changed, asPrevious(m, first.ids()), random);

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

  /** A generator whose nextBytes gives these arrays in turn (one per new id), then fails. */
  private static RandomGenerator fixed(byte[]... draws) {
    Iterator<byte[]> next = List.of(draws).iterator();
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new AssertionError("link ids draw bytes");
      }

      @Override
      public void nextBytes(byte[] bytes) {
        byte[] draw = next.next();
        assertEquals(draw.length, bytes.length);
        System.arraycopy(draw, 0, bytes, 0, bytes.length);
      }
    };
  }

  private static byte[] filled(byte b) {
    byte[] bytes = new byte[LinkIds.ID_BYTES];
    Arrays.fill(bytes, b);
    return bytes;
  }

  /** Links written as "agency:id=Laaaaaaaaaaaaaaaaaaaa". */
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
