package org.pprl.core.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.pprl.core.audit.Verification.Reason;

/**
 * The verifier against logs built from seeded random events: an untouched log verifies, and every
 * kind of tampering is reported with its reason and the sequence number where it shows.
 */
class VerifierPropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AuditSigner KEY = AuditSigner.fromPrivateKey(seededBytes(1));
  private static final AuditSigner OTHER_KEY = AuditSigner.fromPrivateKey(seededBytes(2));
  private static final String[] FIELDS = {
    "seq", "time", "actor", "role", "agency", "purpose", "action", "detail", "hash"
  };

  private static byte[] seededBytes(long seed) {
    byte[] b = new byte[32];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A log of {@code n} seeded events, a checkpoint every {@code every} and one at the end. */
  static List<String> log(long seed, int n, int every, boolean finalCheckpoint) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] roles = {"admin", "steward", "analyst", "auditor"};
    String[] actions = {"project.create", "extract.upload", "extract.refuse"};
    List<String> lines = new ArrayList<>();
    byte[] hash = AuditChain.genesis();
    Instant time = Instant.parse("2026-01-01T00:00:00Z");
    for (int seq = 1; seq <= n; seq++) {
      time = time.plusMillis(random.nextInt(1, 100_000));
      String role = roles[random.nextInt(roles.length)];
      ObjectNode detail = JSON.createObjectNode();
      detail.put("project", random.nextInt(1, 50));
      detail.put("records", random.nextLong(0, 1_000_000));
      detail.putArray("agencies").add("dhs").add("acs");
      AuditEvent e =
          new AuditEvent(
              seq,
              time.toString(),
              random.nextLong(1, 100),
              role,
              role.equals("steward") ? "dhs" : null,
              random.nextBoolean() ? "research" : null,
              actions[random.nextInt(actions.length)],
              detail.toString());
      hash = AuditChain.next(hash, e);
      lines.add(AuditLog.eventLine(e, AuditChain.hex(hash)));
      if (seq % every == 0 || (finalCheckpoint && seq == n)) {
        lines.add(AuditLog.checkpointLine(KEY.sign(seq, hash)));
      }
    }
    return lines;
  }

  /** The index in {@code lines} of the event with this sequence number. */
  private static int indexOfEvent(List<String> lines, long seq) {
    for (int i = 0; i < lines.size(); i++) {
      ObjectNode n = node(lines.get(i));
      if (n.get("type").asText().equals("event") && n.get("seq").asLong() == seq) {
        return i;
      }
    }
    throw new AssertionError("no event " + seq);
  }

  private static ObjectNode node(String line) {
    try {
      return (ObjectNode) JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Verification verify(List<String> lines) {
    return Verifier.verify(lines, KEY.publicKey());
  }

  @Property(tries = 50)
  void verify_untouchedLog_isOk(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 30) int n,
      @ForAll @IntRange(min = 1, max = 7) int every) {
    Verification v = verify(log(seed, n, every, true));
    assertTrue(v.ok(), v.toString());
    assertEquals(n, v.events());
    assertEquals(n / every + (n % every == 0 ? 0 : 1), v.checkpoints());
    assertEquals(0, v.unsignedTail());
    assertNull(v.warning());
  }

  @Property(tries = 200)
  void verify_anyFieldOfAnyEventEdited_isDetected(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 20) int n,
      @ForAll @IntRange(min = 1, max = 20) int target,
      @ForAll @IntRange(min = 0, max = 8) int field,
      @ForAll @LongRange(min = 1, max = 1000) long delta) {
    long seq = (target - 1) % n + 1;
    List<String> lines = log(seed, n, 5, true);
    int at = indexOfEvent(lines, seq);
    ObjectNode e = node(lines.get(at));
    String name = FIELDS[field];
    switch (name) {
      case "seq":
        // Up when delta is odd or there is no room below, else down.
        e.put("seq", delta % 2 == 1 || seq == 1 ? seq + delta : Math.max(1, seq - delta));
        break;
      case "time":
        e.put("time", Instant.parse(e.get("time").asText()).plusMillis(delta).toString());
        break;
      case "actor":
        e.put("actor", e.get("actor").asLong() + delta);
        break;
      case "role":
        e.put("role", e.get("role").asText() + "x");
        break;
      case "agency":
        e.put("agency", e.get("agency").isNull() ? "acs" : null);
        break;
      case "purpose":
        e.put("purpose", e.get("purpose").isNull() ? "audit" : null);
        break;
      case "action":
        e.put("action", e.get("action").asText() + "x");
        break;
      case "detail":
        ((ObjectNode) e.get("detail"))
            .put("records", e.get("detail").get("records").asLong() + delta);
        break;
      case "hash":
        char[] h = e.get("hash").asText().toCharArray();
        h[(int) (delta % h.length)] = h[(int) (delta % h.length)] == '0' ? '1' : '0';
        e.put("hash", new String(h));
        break;
      default:
        throw new AssertionError(name);
    }
    lines.set(at, e.toString());
    Verification v = verify(lines);
    if (name.equals("seq")) {
      // Raised, the event's own number is missing; lowered, it repeats an earlier one.
      long edited = e.get("seq").asLong();
      assertEquals(edited > seq ? Reason.MISSING : Reason.REORDERED, v.problem(), v.toString());
      assertEquals(edited > seq ? seq : edited, v.seq());
    } else {
      assertEquals(Reason.EDITED, v.problem(), name + " " + v);
      assertEquals(seq, v.seq());
    }
  }

  @Property(tries = 100)
  void verify_editWithEveryLaterHashRewritten_isCaughtAtTheNextCheckpoint(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 20) int n,
      @ForAll @IntRange(min = 1, max = 20) int target) {
    long seq = (target - 1) % n + 1;
    List<String> lines = log(seed, n, 5, true);
    // The forger changes one event and recomputes the chain, but cannot sign.
    byte[] hash = AuditChain.genesis();
    for (int i = 0; i < lines.size(); i++) {
      AuditLog.Line line = AuditLog.parse(lines.get(i), i + 1);
      if (line.event() == null) {
        continue;
      }
      AuditEvent e = line.event();
      if (e.seq() == seq) {
        e =
            new AuditEvent(
                e.seq(),
                e.time(),
                e.actor() + 1,
                e.role(),
                e.agency(),
                e.purpose(),
                e.action(),
                e.detail());
      }
      hash = AuditChain.next(hash, e);
      lines.set(i, AuditLog.eventLine(e, AuditChain.hex(hash)));
    }
    Verification v = verify(lines);
    long checkpointAt = Math.min(n, ((seq + 4) / 5) * 5);
    assertEquals(Reason.EDITED, v.problem(), v.toString());
    assertEquals(checkpointAt, v.seq());
  }

  @Property(tries = 100)
  void verify_anyEventDeleted_isMissing(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 20) int n,
      @ForAll @IntRange(min = 1, max = 20) int target,
      @ForAll @IntRange(min = 1, max = 7) int every) {
    long seq = (target - 1) % n + 1;
    List<String> lines = log(seed, n, every, true);
    lines.remove(indexOfEvent(lines, seq));
    Verification v = verify(lines);
    assertEquals(Reason.MISSING, v.problem(), v.toString());
    assertEquals(seq, v.seq());
  }

  @Property(tries = 100)
  void verify_twoEventsSwapped_isReordered(
      @ForAll long seed,
      @ForAll @IntRange(min = 2, max = 20) int n,
      @ForAll @IntRange(min = 1, max = 20) int a,
      @ForAll @IntRange(min = 1, max = 20) int b) {
    long first = (Math.min(a, b) - 1) % n + 1;
    long second = (Math.max(a, b) - 1) % n + 1;
    if (first == second) {
      second = first == n ? first - 1 : first + 1;
    }
    long lo = Math.min(first, second);
    List<String> lines = log(seed, n, 4, true);
    int i = indexOfEvent(lines, first);
    int j = indexOfEvent(lines, second);
    String t = lines.get(i);
    lines.set(i, lines.get(j));
    lines.set(j, t);
    Verification v = verify(lines);
    assertEquals(Reason.REORDERED, v.problem(), v.toString());
    assertEquals(lo, v.seq());
  }

  @Property(tries = 50)
  void verify_checkpointSignedByAnotherKey_isBadSignature(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 20) int n) {
    List<String> lines = log(seed, n, 100, false);
    // The forger appends a checkpoint over the true chain hash, signed with its own key.
    String lastHash = node(lines.get(lines.size() - 1)).get("hash").asText();
    lines.add(AuditLog.checkpointLine(OTHER_KEY.sign(n, AuditChain.parseHex(lastHash))));
    Verification v = verify(lines);
    assertEquals(Reason.BAD_SIGNATURE, v.problem(), v.toString());
    assertEquals(n, v.seq());
  }

  @Property(tries = 50)
  void verify_checkpointHashOrSeqChanged_isBadSignature(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 20) int n, @ForAll boolean changeSeq) {
    List<String> lines = log(seed, n, 100, true);
    ObjectNode c = node(lines.get(lines.size() - 1));
    if (changeSeq) {
      c.put("seq", n + 1);
    } else {
      c.put("hash", "00".repeat(32));
    }
    lines.set(lines.size() - 1, c.toString());
    assertEquals(Reason.BAD_SIGNATURE, verify(lines).problem());
  }

  @Property(tries = 30)
  void verify_eventsAfterLastCheckpoint_areAnUnsignedTailWarning(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int n) {
    Verification v = verify(log(seed, n, 7, false));
    assertTrue(v.ok(), v.toString());
    assertEquals(n % 7, v.unsignedTail());
    assertEquals(n % 7 == 0 ? null : Reason.UNSIGNED_TAIL, v.warning());
  }

  @Example
  void verify_malformedLine_namesTheLineNotItsContent() {
    List<String> lines = log(3, 3, 1, true);
    lines.set(2, "{\"type\":\"event\",\"seq\":2,\"role\":\"SECRET\"}");
    MalformedLogException e = assertThrows(MalformedLogException.class, () -> verify(lines));
    assertEquals(3, e.line());
    assertTrue(!e.getMessage().contains("SECRET"), e.getMessage());
  }

  @Example
  void verify_logWithoutEvents_isRefused() {
    // An empty file, and one left with nothing but the genesis checkpoint, vouch for nothing.
    List<String> onlyGenesis = List.of(AuditLog.checkpointLine(KEY.sign(0, AuditChain.genesis())));
    for (List<String> lines : List.of(List.<String>of(), List.of("", " "), onlyGenesis)) {
      MalformedLogException e = assertThrows(MalformedLogException.class, () -> verify(lines));
      assertTrue(e.getMessage().contains("no event"), e.getMessage());
    }
  }

  @Property(tries = 50)
  void verify_unknownFieldAddedToAnyLine_isRefusedNamingIt(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 20) int n,
      @ForAll @IntRange(min = 0, max = 40) int target) {
    // A field the hash does not cover must not ride along on a verified log.
    List<String> lines = log(seed, n, 3, true);
    int at = target % lines.size();
    ObjectNode line = node(lines.get(at));
    line.put("note", "SECRET");
    lines.set(at, line.toString());
    MalformedLogException e = assertThrows(MalformedLogException.class, () -> verify(lines));
    assertEquals(at + 1, e.line());
    assertTrue(e.getMessage().contains("unknown field 'note'"), e.getMessage());
    assertTrue(!e.getMessage().contains("SECRET"), e.getMessage());
  }

  @Example
  void verify_keyGivenTwice_isRefused() {
    List<String> lines = log(5, 2, 1, true);
    // The hash was computed over one reading; a second "role" must not give another.
    lines.set(0, lines.get(0).replace("{\"action\"", "{\"role\":\"admin\",\"action\""));
    MalformedLogException e = assertThrows(MalformedLogException.class, () -> verify(lines));
    assertEquals(1, e.line());
    assertTrue(e.getMessage().contains("twice"), e.getMessage());
  }

  @Example
  void canonicalBytes_keyOrderOfDetail_doesNotMatter() {
    AuditEvent a =
        new AuditEvent(
            1,
            "2026-01-01T00:00:00Z",
            1,
            "admin",
            null,
            null,
            "project.create",
            "{\"a\":1,\"b\":[2,{\"d\":1,\"c\":2}]}");
    AuditEvent b =
        new AuditEvent(
            1,
            "2026-01-01T00:00:00Z",
            1,
            "admin",
            null,
            null,
            "project.create",
            "{ \"b\":[2,{\"c\":2,\"d\":1}], \"a\":1}");
    assertEquals(a, b);
    assertEquals(
        "{\"action\":\"project.create\",\"actor\":1,\"agency\":null,\"detail\":{\"a\":1,\"b\":[2,{\"c\":2,\"d\":1}]},"
            + "\"purpose\":null,\"role\":\"admin\",\"seq\":1,\"time\":\"2026-01-01T00:00:00Z\"}",
        new String(a.canonicalBytes(), java.nio.charset.StandardCharsets.UTF_8));
  }
}
