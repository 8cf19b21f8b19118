package org.pprl.core.encode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pprl.core.block.BlockingKeySpec;
import org.pprl.core.schema.EngineSchema;
import org.pprl.core.schema.FeatureSpec;

/**
 * One agency's map from the linkage schema to its own CSV: which of its columns holds each feature
 * and attribute, which holds the record id and each consent flag, and how its dates are written.
 *
 * <p>Why apart from the schema: the schema's {@link EngineSchema#fingerprint fingerprint} says what
 * is encoded, and two agencies link only when theirs agree. Column names and date formats say how
 * one agency's file is laid out; had they been in the schema, an agency whose CSV says {@code DOB}
 * could not link with one whose CSV says {@code date_of_birth}. So each agency keeps its layout
 * here, and nothing in it reaches the fingerprint or the extract. {@code docs/agency-files.md} has
 * a worked example.
 *
 * <p>The file, every key optional:
 *
 * <pre>{@code
 * {"columns": {"given_name": "First Name", "date_of_birth": "DOB"},
 *  "recordId": "Client ID",
 *  "dateFormat": "dd/MM/yyyy",
 *  "dateFormats": {"case_open_date": "yyyy-MM-dd"},
 *  "consent": {"research": "Research consent", "service_coordination": null}}
 * }</pre>
 *
 * <p>Keys of {@code columns} and {@code dateFormats} are the schema's names: a feature's
 * identifier, an attribute's name, or any column the schema reads. A name not mapped is read from
 * the CSV column of the schema's own name, as without a mapping. A consent purpose mapped to {@code
 * null} is one this agency does not record: no record gives that consent.
 */
public final class ColumnMapping {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> KEYS =
      Set.of("columns", "recordId", "dateFormat", "dateFormats", "consent");

  /** No mapping: every schema column is read from the CSV column of its own name. */
  public static final ColumnMapping NONE =
      new ColumnMapping(Map.of(), Set.of(), null, Map.of(), null);

  private final Map<String, String> columns; // schema column -> CSV column
  private final Set<String> absent; // schema columns this agency does not have
  private final String dateFormat;
  private final Map<String, String> dateFormats; // schema column -> pattern
  private final String recordId;

  private ColumnMapping(
      Map<String, String> columns,
      Set<String> absent,
      String dateFormat,
      Map<String, String> dateFormats,
      String recordId) {
    this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    this.absent = Set.copyOf(absent);
    this.dateFormat = dateFormat;
    this.dateFormats = Collections.unmodifiableMap(new LinkedHashMap<>(dateFormats));
    this.recordId = recordId;
  }

  /**
   * Reads a mapping file against {@code schema}, whose names it must use.
   *
   * @throws IllegalArgumentException naming the key and the rule broken, e.g. {@code columns.dob:
   *     the schema has no feature, attribute or column 'dob'}
   */
  public static ColumnMapping parse(byte[] json, EngineSchema schema) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("is not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot be read (" + e.getMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("must be a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            key
                + ": is not a known key; known: columns, recordId, dateFormat, dateFormats, consent");
      }
    }
    Names names = new Names(schema);
    Map<String, String> columns = new LinkedHashMap<>();
    Set<String> absent = new HashSet<>();
    for (Map.Entry<String, String> e : strings(root, "columns", true).entrySet()) {
      String column = names.column(e.getKey(), "columns." + e.getKey());
      if (e.getValue() == null ? !absent.add(column) : columns.put(column, e.getValue()) != null) {
        throw new IllegalArgumentException(
            "columns." + e.getKey() + ": the schema's column '" + column + "' is mapped twice");
      }
    }
    for (Map.Entry<String, String> e : strings(root, "consent", true).entrySet()) {
      String column = names.consents.get(e.getKey());
      if (column == null) {
        throw new IllegalArgumentException(
            "consent."
                + e.getKey()
                + ": the schema has no consent purpose of that name; known: "
                + String.join(", ", names.consents.keySet()));
      }
      if (e.getValue() == null) {
        absent.add(column);
      } else if (columns.put(column, e.getValue()) != null) {
        throw new IllegalArgumentException(
            "consent." + e.getKey() + ": its column is mapped in columns as well");
      }
    }
    Set<String> dates = new HashSet<>();
    schema.dateColumns().forEach(d -> dates.add(d.column()));
    Map<String, String> dateFormats = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : strings(root, "dateFormats", false).entrySet()) {
      String column = names.column(e.getKey(), "dateFormats." + e.getKey());
      if (!dates.contains(column)) {
        throw new IllegalArgumentException(
            "dateFormats." + e.getKey() + ": is not read as a date by the schema");
      }
      dateFormats.put(column, e.getValue());
    }
    return new ColumnMapping(
        columns, absent, string(root, "dateFormat"), dateFormats, string(root, "recordId"));
  }

  /** The CSV column that holds schema column {@code schemaColumn}: mapped, else its own name. */
  public String csvColumn(String schemaColumn) {
    return columns.getOrDefault(schemaColumn, schemaColumn);
  }

  /**
   * Whether the mapping says this agency has no such column: a feature it does not hold, a consent
   * it does not record.
   */
  public boolean isAbsent(String schemaColumn) {
    return absent.contains(schemaColumn);
  }

  /** The record id's CSV column, or null when the mapping does not say. */
  public String recordId() {
    return recordId;
  }

  /** The date format of every date column the mapping does not list, or null. */
  public String dateFormat() {
    return dateFormat;
  }

  /** The declared date format of schema column {@code schemaColumn}, or null when none is. */
  public String dateFormat(String schemaColumn) {
    return dateFormats.getOrDefault(schemaColumn, dateFormat);
  }

  /** This mapping, with {@code pattern} for every date column it does not list (null: as is). */
  public ColumnMapping withDateFormat(String pattern) {
    return pattern == null
        ? this
        : new ColumnMapping(columns, absent, pattern, dateFormats, recordId);
  }

  /** This mapping, with {@code column} as the record id's CSV column (null: as is). */
  public ColumnMapping withRecordId(String column) {
    return column == null
        ? this
        : new ColumnMapping(columns, absent, dateFormat, dateFormats, column);
  }

  private static String string(JsonNode root, String key) {
    JsonNode v = root.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new IllegalArgumentException(key + ": must be a non-empty string");
    }
    return v.asText();
  }

  /** An object of name: string (or null, where allowed), in file order. */
  private static Map<String, String> strings(JsonNode root, String key, boolean nulls) {
    JsonNode node = root.get(key);
    Map<String, String> out = new LinkedHashMap<>();
    if (node == null) {
      return out;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(key + ": must be an object of name: column");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (nulls && v.isNull()) {
        out.put(e.getKey(), null);
      } else if (v.isTextual() && !v.asText().isEmpty()) {
        out.put(e.getKey(), v.asText());
      } else {
        throw new IllegalArgumentException(
            key + "." + e.getKey() + ": must be a non-empty string" + (nulls ? " or null" : ""));
      }
    }
    return out;
  }

  /** The schema's names, each with the schema column it stands for. */
  private static final class Names {
    final Map<String, String> byName = new HashMap<>();
    final Map<String, String> consents = new LinkedHashMap<>();
    final Set<String> columns = new HashSet<>();

    Names(EngineSchema schema) {
      List<FeatureSpec> features = schema.clkhash().features();
      for (int f = 0; f < features.size(); f++) {
        byName.put(features.get(f).identifier(), schema.featureColumns().get(f));
        columns.add(schema.featureColumns().get(f));
      }
      for (EngineSchema.Attribute a : schema.attributes()) {
        byName.putIfAbsent(a.name(), a.column());
        columns.add(a.column());
      }
      for (EngineSchema.Consent c : schema.consents()) {
        consents.put(c.purpose(), c.column());
        columns.add(c.column());
      }
      for (BlockingKeySpec key : schema.blockingKeys()) {
        key.parts().forEach(p -> columns.add(p.column()));
      }
      if (schema.recordIdColumn() != null) {
        columns.add(schema.recordIdColumn());
      }
      if (schema.hardening().saltColumn() != null) {
        columns.add(schema.hardening().saltColumn());
      }
    }

    String column(String name, String where) {
      String column = byName.get(name);
      if (column != null) {
        return column;
      }
      if (columns.contains(name)) {
        return name;
      }
      throw new IllegalArgumentException(
          where + ": the schema has no feature, attribute or column '" + name + "'");
    }
  }
}
