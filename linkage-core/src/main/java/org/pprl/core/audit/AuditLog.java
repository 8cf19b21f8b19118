package org.pprl.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;

/**
 * The exported audit log's line format (JSON lines, one object per line, canonical JSON). An event
 * line is the event's fields plus {@code "type":"event"} and its chain {@code "hash"}; a checkpoint
 * line is {@code {"hash","seq","signature","type":"checkpoint"}} and follows the event it covers (a
 * checkpoint with seq 0 comes first).
 *
 * <p>An event's chain hash covers every field of its line but {@code hash} itself and {@code type},
 * which only says how the line is read. A line with any other field is refused: a field that the
 * hash does not cover could otherwise be added or changed unnoticed.
 */
public final class AuditLog {
  /** The fields of an event line: the event's, which its hash covers, and type and hash. */
  private static final Set<String> EVENT_FIELDS =
      Set.of(
          "action", "actor", "agency", "detail", "purpose", "role", "seq", "time", "type", "hash");

  /** The fields of a checkpoint line. */
  private static final Set<String> CHECKPOINT_FIELDS = Set.of("hash", "seq", "signature", "type");

  private AuditLog() {}

  /** The line for an event and its chain hash (hex), without a line break. */
  public static String eventLine(AuditEvent e, String hashHex) {
    ObjectNode n =
        (ObjectNode) Canonical.parse(new String(e.canonicalBytes(), StandardCharsets.UTF_8));
    n.put("type", "event");
    n.put("hash", hashHex);
    return new String(Canonical.bytes(n), StandardCharsets.UTF_8);
  }

  /** The line for a checkpoint, without a line break. */
  public static String checkpointLine(Checkpoint c) {
    ObjectNode n = Canonical.MAPPER.createObjectNode();
    n.put("type", "checkpoint");
    n.put("seq", c.seq());
    n.put("hash", c.hash());
    n.put("signature", c.signature());
    return new String(Canonical.bytes(n), StandardCharsets.UTF_8);
  }

  /**
   * One parsed line: exactly one of {@code event} (with its stated {@code hash}) or {@code
   * checkpoint}.
   */
  record Line(AuditEvent event, String hash, Checkpoint checkpoint) {}

  /**
   * Parses one line.
   *
   * @param number the line's number, 1-based, for messages
   * @throws MalformedLogException if it is not an event or checkpoint line
   */
  static Line parse(String text, long number) {
    try {
      JsonNode n = Canonical.parse(text);
      if (!n.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      String type = string(n, "type", false);
      switch (type) {
        case "event":
          onlyFields(n, EVENT_FIELDS);
          JsonNode detail = n.get("detail");
          if (detail == null || !detail.isObject()) {
            throw new IllegalArgumentException("'detail' must be an object");
          }
          AuditEvent e =
              new AuditEvent(
                  integer(n, "seq"),
                  string(n, "time", false),
                  integer(n, "actor"),
                  string(n, "role", false),
                  string(n, "agency", true),
                  string(n, "purpose", true),
                  string(n, "action", false),
                  detail.toString());
          return new Line(e, string(n, "hash", false), null);
        case "checkpoint":
          onlyFields(n, CHECKPOINT_FIELDS);
          return new Line(
              null,
              null,
              new Checkpoint(
                  integer(n, "seq"), string(n, "hash", false), string(n, "signature", false)));
        default:
          throw new IllegalArgumentException("'type' must be event or checkpoint");
      }
    } catch (IllegalArgumentException e) {
      throw new MalformedLogException(number, e.getMessage());
    }
  }

  /** Refuses a field not in {@code known}, naming it (a name is a key, never a value). */
  private static void onlyFields(JsonNode n, Set<String> known) {
    for (Iterator<String> names = n.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        String shown = name.replaceAll("[^\\x20-\\x7E]", "?");
        throw new IllegalArgumentException(
            "unknown field '"
                + (shown.length() <= 64 ? shown : shown.substring(0, 64) + "...")
                + "', which no hash covers");
      }
    }
  }

  private static String string(JsonNode n, String field, boolean nullable) {
    JsonNode v = n.get(field);
    if (nullable && (v == null || v.isNull())) {
      return null;
    }
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("'" + field + "' must be a string");
    }
    return v.asText();
  }

  private static long integer(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException("'" + field + "' must be an integer");
    }
    return v.asLong();
  }
}
