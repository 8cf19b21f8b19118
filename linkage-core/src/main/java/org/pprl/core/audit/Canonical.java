package org.pprl.core.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Canonical JSON for the audit log: object keys sorted by their UTF-16 code units, no white space,
 * strings escaped as Jackson writes them, and only integral numbers (a floating-point number has
 * more than one spelling, so it is refused). Two equal JSON values have equal canonical bytes.
 */
final class Canonical {
  /** Reads a key given twice as an error: one line must have one reading. */
  static final ObjectMapper MAPPER =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private Canonical() {}

  /** Parses JSON text; a syntax error is an {@link IllegalArgumentException}. */
  static JsonNode parse(String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null) {
        throw new IllegalArgumentException("empty JSON");
      }
      return n;
    } catch (JsonProcessingException e) {
      String why =
          e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
              ? "a key given twice"
              : "not JSON";
      throw new IllegalArgumentException(
          why + " (at column " + e.getLocation().getColumnNr() + ")");
    }
  }

  /** The canonical text of a JSON object. */
  static String object(String json) {
    JsonNode n = parse(json);
    if (!n.isObject()) {
      throw new IllegalArgumentException("detail must be a JSON object, was " + n.getNodeType());
    }
    return new String(bytes(n), StandardCharsets.UTF_8);
  }

  /** The canonical UTF-8 bytes of a JSON value. */
  static byte[] bytes(JsonNode n) {
    try {
      return MAPPER.writeValueAsBytes(sorted(n));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }

  private static JsonNode sorted(JsonNode n) {
    if (n.isObject()) {
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      names.sort(null);
      ObjectNode out = MAPPER.createObjectNode();
      for (String name : names) {
        out.set(name, sorted(n.get(name)));
      }
      return out;
    }
    if (n.isArray()) {
      ArrayNode out = MAPPER.createArrayNode();
      for (JsonNode e : n) {
        out.add(sorted(e));
      }
      return out;
    }
    if (n.isNumber() && !n.isIntegralNumber()) {
      throw new IllegalArgumentException("audit JSON holds only integral numbers");
    }
    return n;
  }
}
