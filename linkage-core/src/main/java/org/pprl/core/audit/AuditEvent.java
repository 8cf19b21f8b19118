package org.pprl.core.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of the audit log: who did what, in which role and for which purpose, and what was asked
 * and released. The detail holds counts, ids of projects and versions and refusal codes, never
 * record content.
 *
 * @param seq the event's place in the log: 1 for the first, then one more for each
 * @param time when it happened, ISO-8601 UTC (as {@link Instant#toString()} writes it)
 * @param actor the principal's number
 * @param role the principal's role, e.g. {@code steward}
 * @param agency the principal's agency, or null
 * @param purpose the purpose the action was done for, or null
 * @param action what was done, lower-case dotted, e.g. {@code extract.upload}
 * @param detail a JSON object of strings, integers, booleans, nulls, arrays and objects, kept in
 *     canonical form (keys sorted, no white space); see {@link Canonical}
 */
public record AuditEvent(
    long seq,
    String time,
    long actor,
    String role,
    String agency,
    String purpose,
    String action,
    String detail) {
  private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

  /**
   * Checks every field and puts the detail in canonical form.
   *
   * @throws IllegalArgumentException if a field is missing or malformed
   */
  public AuditEvent {
    if (seq < 1) {
      throw new IllegalArgumentException("seq is " + seq + ", expected >= 1");
    }
    Objects.requireNonNull(time, "time");
    try {
      if (!Instant.parse(time).toString().equals(time)) {
        throw new IllegalArgumentException("time is not in canonical ISO-8601 UTC form");
      }
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("time is not ISO-8601 UTC", e);
    }
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(action, "action");
    if (!ACTION.matcher(action).matches()) {
      throw new IllegalArgumentException("action must be lower-case dotted words, e.g. a.b");
    }
    detail = Canonical.object(Objects.requireNonNull(detail, "detail"));
  }

  /** The event's canonical bytes: the input to its chain hash. See {@link Canonical}. */
  public byte[] canonicalBytes() {
    ObjectNode n = Canonical.MAPPER.createObjectNode();
    n.put("action", action);
    n.put("actor", actor);
    n.put("agency", agency);
    n.set("detail", Canonical.parse(detail));
    n.put("purpose", purpose);
    n.put("role", role);
    n.put("seq", seq);
    n.put("time", time);
    return Canonical.bytes(n);
  }
}
