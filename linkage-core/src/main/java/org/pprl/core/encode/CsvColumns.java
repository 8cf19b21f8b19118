package org.pprl.core.encode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pprl.core.block.BlockingKeySpec;
import org.pprl.core.schema.EngineSchema;
import org.pprl.core.schema.FeatureSpec;

/**
 * Where each value a schema needs sits in one CSV, resolved once from its header through the
 * agency's {@link ColumnMapping}; needs no secret. It also knows each position's CSV name, so that
 * a problem names the column the agency sees and what the schema calls it.
 */
public final class CsvColumns {
  final int width;
  final int id;
  final String idName;
  final int[] features; // -1: an ignored feature this CSV does not have
  final int[][] keyParts;
  final int[] attributes; // -1: absent
  final int[] consents; // -1: the agency records no such consent
  final int[] featureOfColumn;
  final int salt;
  private final String[] header;
  private final List<String> absentAttributes;
  private final List<String> absentFeatures;
  private final List<String> absentConsents;

  private CsvColumns(Builder b) {
    this.width = b.header.length;
    this.header = b.header.clone();
    this.id = b.id;
    this.idName = b.idName;
    this.features = b.features;
    this.keyParts = b.keyParts;
    this.attributes = b.attributes;
    this.consents = b.consents;
    this.featureOfColumn = b.featureOfColumn;
    this.salt = b.salt;
    this.absentAttributes = List.copyOf(b.absentAttributes);
    this.absentConsents = List.copyOf(b.absentConsents);
    this.absentFeatures = List.copyOf(b.absentFeatures);
  }

  /**
   * Binds {@code header} to {@code schema}: each column the schema reads is the CSV column {@code
   * mapping} names for it. An ignored feature's column may be missing; an attribute's may be
   * (absent from every record); a feature's or a consent's only when the mapping says so.
   *
   * @throws RecordException (row {@link RecordException#HEADER}) naming each missing or repeated
   *     column, or a header that does not list a plain v3 schema's features in order
   */
  public static CsvColumns bind(EngineSchema schema, String[] header, ColumnMapping mapping)
      throws RecordException {
    List<FeatureSpec> specs = schema.clkhash().features();
    if (!schema.columnsByName()) {
      // clkhash's rule: the header lists the features in order, here by the agency's names.
      String[] asSchema = header.clone();
      for (int c = 0; c < Math.min(header.length, specs.size()); c++) {
        String id = specs.get(c).identifier();
        if (header[c].equals(mapping.csvColumn(id))) {
          asSchema[c] = id;
        }
      }
      ClkEncoder.checkHeader(schema.clkhash(), asSchema);
    }
    Builder b = new Builder(header, mapping, schema.columnsByName());
    String idColumn = mapping.recordId();
    if (idColumn != null) {
      b.idName = idColumn;
      b.id = b.index.getOrDefault(idColumn, -1);
      if (b.id < 0) {
        b.problem(idColumn, null, "the record id column is not in the CSV");
      }
    } else if (schema.recordIdColumn() != null) {
      b.idName = mapping.csvColumn(schema.recordIdColumn());
      b.id = b.require(schema.recordIdColumn(), null, "record id");
    }
    b.features = new int[specs.size()];
    for (int f = 0; f < specs.size(); f++) {
      String column = schema.featureColumns().get(f);
      if (!schema.columnsByName()) {
        b.features[f] = f;
      } else if (specs.get(f).ignored() && !b.index.containsKey(mapping.csvColumn(column))) {
        b.features[f] = -1; // never read: its value is not encoded
      } else if (mapping.isAbsent(column)) {
        b.features[f] = -1; // missing in every record
        b.absentFeatures.add(specs.get(f).identifier());
      } else {
        b.features[f] = b.require(column, specs.get(f).identifier(), "feature");
      }
    }
    List<BlockingKeySpec> keys = schema.blockingKeys();
    b.keyParts = new int[keys.size()][];
    for (int k = 0; k < keys.size(); k++) {
      List<BlockingKeySpec.Part> parts = keys.get(k).parts();
      b.keyParts[k] = new int[parts.size()];
      for (int p = 0; p < parts.size(); p++) {
        b.keyParts[k][p] = b.require(parts.get(p).column(), keys.get(k).name(), "blocking key");
      }
    }
    // An attribute the agency does not hold is absent from every record, not an error: one
    // schema serves agencies with different own columns.
    List<EngineSchema.Attribute> attributes = schema.attributes();
    b.attributes = new int[attributes.size()];
    for (int a = 0; a < attributes.size(); a++) {
      b.attributes[a] = b.index.getOrDefault(mapping.csvColumn(attributes.get(a).column()), -1);
      if (b.attributes[a] < 0) {
        b.absentAttributes.add(attributes.get(a).name());
      }
    }
    List<EngineSchema.Consent> consents = schema.consents();
    b.consents = new int[consents.size()];
    for (int p = 0; p < consents.size(); p++) {
      EngineSchema.Consent consent = consents.get(p);
      if (mapping.isAbsent(consent.column())) {
        b.consents[p] = -1;
        b.absentConsents.add(consent.purpose());
      } else {
        b.consents[p] = b.require(consent.column(), "consent " + consent.purpose(), "consent");
      }
    }
    String saltColumn = schema.hardening().saltColumn();
    b.salt = saltColumn == null ? -1 : b.require(saltColumn, null, "salt");
    if (!b.problems.isEmpty()) {
      throw new RecordException(b.problems);
    }
    // A blocking key part or the salt reads a feature's normalised value when it names a feature's
    // column.
    b.featureOfColumn = new int[header.length];
    Arrays.fill(b.featureOfColumn, -1);
    for (int f = 0; f < b.features.length; f++) {
      if (b.features[f] >= 0) {
        b.featureOfColumn[b.features[f]] = f;
      }
    }
    return new CsvColumns(b);
  }

  /** Whether record ids are the rows' numbers (no id column): unique by construction. */
  public boolean idsAreRowNumbers() {
    return id < 0;
  }

  /** The schema's attributes whose column is not in this CSV: absent from every record. */
  public List<String> absentAttributes() {
    return absentAttributes;
  }

  /** The features the mapping says this agency does not hold: missing in every record. */
  public List<String> absentFeatures() {
    return absentFeatures;
  }

  /** The consent purposes the mapping says this agency does not record: no record gives them. */
  public List<String> absentConsents() {
    return absentConsents;
  }

  /** The number of columns of the header, which every row must have. */
  public int width() {
    return width;
  }

  /** The CSV's name of column {@code index}. */
  public String name(int index) {
    return header[index];
  }

  /** The position of feature {@code f}'s column, or -1 when an ignored feature has none. */
  public int feature(int f) {
    return features[f];
  }

  /** The position of attribute {@code a}'s column, or -1 when it is absent. */
  public int attribute(int a) {
    return attributes[a];
  }

  /** The position of consent {@code p}'s column, or -1 when the agency records no such consent. */
  public int consent(int p) {
    return consents[p];
  }

  /** The position of the record id column, or -1 when ids are row numbers. */
  public int id() {
    return id;
  }

  private static final class Builder {
    final String[] header;
    final ColumnMapping mapping;
    final Map<String, Integer> index = new HashMap<>();
    final List<RecordException.Problem> problems = new ArrayList<>();
    final List<String> absentAttributes = new ArrayList<>();
    final List<String> absentFeatures = new ArrayList<>();
    final List<String> absentConsents = new ArrayList<>();
    int id = -1;
    String idName;
    int[] features;
    int[][] keyParts;
    int[] attributes;
    int[] consents;
    int[] featureOfColumn;
    int salt;

    Builder(String[] header, ColumnMapping mapping, boolean byName) {
      this.header = header;
      this.mapping = mapping;
      for (int c = 0; c < header.length; c++) {
        if (index.put(header[c], c) != null && byName) {
          problem(header[c], null, "the column appears more than once");
        }
      }
    }

    /** A problem with {@code column}; only the first is kept of several with one column. */
    void problem(String column, String feature, String reason) {
      for (RecordException.Problem p : problems) {
        if (p.column().equals(column)) {
          return;
        }
      }
      problems.add(new RecordException.Problem(RecordException.HEADER, column, feature, reason));
    }

    /** The position of schema column {@code column}'s CSV column; a problem when missing. */
    int require(String column, String feature, String role) {
      String csv = mapping.csvColumn(column);
      Integer c = index.get(csv);
      if (c != null) {
        return c;
      }
      String name = feature == null && !csv.equals(column) ? column : feature;
      problem(
          csv,
          name,
          csv.equals(column)
              ? "the schema's "
                  + role
                  + " column is not in the CSV (map it to one of its columns with --mapping)"
              : "the mapping's column for the schema's " + role + " is not in the CSV");
      return -1;
    }
  }
}
