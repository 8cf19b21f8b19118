package org.pprl.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The exported audit log's line format (JSON lines, one object per line, canonical JSON). An event
 * line is the event's fields plus {@code "type":"event"} and its chain {@code "hash"}; a checkpoint
 * line is {@code {"hash","seq","signature","type":"checkpoint"}} and follows the event it covers (a
 * checkpoint with seq 0 comes first).
 */
public final class AuditLog {
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
