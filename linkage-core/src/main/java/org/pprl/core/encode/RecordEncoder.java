package org.pprl.core.encode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.block.BlockingKeyFunction;
import org.pprl.core.block.BlockingKeySpec;
import org.pprl.core.block.BlockingKeys;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.harden.Balance;
import org.pprl.core.harden.Blip;
import org.pprl.core.normalise.NormaliseException;
import org.pprl.core.schema.EngineSchema;
import org.pprl.core.schema.FeatureSpec;

/**
 * Encodes one agency's CSV rows into extract records with the engine's schema: the record id, the
 * CLK, field-level filters, keyed blocking keys, allowed attributes and consent flags.
 *
 * <p>Per row: each feature's value is normalised, then the CLK and field filters are made by the
 * clkhash-compatible {@link ClkEncoder} (a plain v3 schema gives clkhash's CLK bit for bit),
 * blocking keys are computed from the normalised values, and hardening, if the schema asks for it,
 * is applied last to every filter.
 *
 * <p>Thread confinement: an instance holds MACs and scratch space; use one per thread ({@link
 * #copy} makes another sharing the immutable parts).
 */
public final class RecordEncoder {
  /** Values that mean "consent given" and "not given" in a consent column (case-insensitive). */
  static final List<String> YES = List.of("y", "yes", "true", "1");

  static final List<String> NO = List.of("n", "no", "false", "0", "");

  private final EngineSchema schema;
  private final byte[] secret;
  private final ClkEncoder clk;
  private final boolean withFieldFilters;
  private final int[] fieldFeatures;
  private final List<BlockingKeyFunction> blocking = new ArrayList<>();
  private final Blip blip;
  private final List<EngineSchema.FieldFilter> fieldFilters;
  private final int[][] fieldMembers; // per field filter, its features' places in fieldFeatures
  private final Balance balance;
  private final Balance[] fieldBalance; // per field filter, null when not balanced
  private final int rawBits;

  // Scratch.
  private final String[] values;
  private final long[] rawClk;
  private final long[][] rawFields;
  private final long[] combined;
  private final String[] salts; // per feature
  private final boolean[] saltedFeatures;
  private final long[][] folded; // per field filter

  public RecordEncoder(EngineSchema schema, byte[] secret) {
    this(schema, secret, true);
  }

  /**
   * An encoder that leaves out the field-level filters when {@code fieldFilters} is false (for
   * output formats that carry only the CLK).
   */
  public RecordEncoder(EngineSchema schema, byte[] secret, boolean fieldFilters) {
    this(schema, secret, new ClkEncoder(schema.clkhash(), secret), fieldFilters);
  }

  private RecordEncoder(
      EngineSchema schema, byte[] secret, ClkEncoder clk, boolean withFieldFilters) {
    this.schema = schema;
    this.secret = secret.clone();
    this.clk = clk;
    this.withFieldFilters = withFieldFilters;
    this.fieldFeatures =
        withFieldFilters
            ? schema.fieldFilterFeatures().stream().mapToInt(Integer::intValue).toArray()
            : new int[0];
    for (BlockingKeySpec spec : schema.blockingKeys()) {
      blocking.add(BlockingKeys.derive(spec, secret));
    }
    this.rawBits = schema.clkhash().filterBits();
    EngineSchema.Hardening h = schema.hardening();
    this.blip = h.blipF() > 0 ? Blip.create(secret, h.blipF()) : null;
    this.balance = h.balance() ? Balance.create(secret, rawBits) : null;
    this.fieldFilters = withFieldFilters ? schema.fieldFilters() : List.of();
    this.fieldMembers = new int[fieldFilters.size()][];
    this.fieldBalance = new Balance[fieldFilters.size()];
    this.folded = new long[fieldFilters.size()][];
    Map<Integer, Balance> balances = new HashMap<>();
    if (balance != null) {
      balances.put(rawBits, balance);
    }
    List<Integer> raw = schema.fieldFilterFeatures();
    for (int k = 0; k < fieldFilters.size(); k++) {
      EngineSchema.FieldFilter filter = fieldFilters.get(k);
      fieldMembers[k] = filter.features().stream().mapToInt(raw::indexOf).toArray();
      folded[k] = new long[BitFilters.wordCount(filter.bits())];
      if (h.balance()) {
        fieldBalance[k] = balances.computeIfAbsent(filter.bits(), b -> Balance.create(secret, b));
      }
    }
    this.values = new String[schema.clkhash().features().size()];
    int words = BitFilters.wordCount(rawBits);
    this.rawClk = new long[words];
    this.rawFields = new long[fieldFeatures.length][words];
    this.combined = new long[words];
    this.salts = new String[values.length];
    this.saltedFeatures = new boolean[values.length];
    for (int f = 0; f < values.length; f++) {
      saltedFeatures[f] = h.saltsFeature(schema.clkhash().features().get(f).identifier());
    }
  }

  /** Another encoder for another thread, sharing the schema and the (thread-safe) CLK encoder. */
  public RecordEncoder copy() {
    return new RecordEncoder(schema, secret, clk, withFieldFilters);
  }

  public EngineSchema schema() {
    return schema;
  }

  /** Length in bits of every filter this encoder writes (doubled by balancing). */
  public int filterBits() {
    return balance == null ? rawBits : balance.outputBits();
  }

  /** The extract header for this schema and agency. */
  public ExtractHeader header(String agency, String toolVersion) {
    ExtractHeader.Builder b =
        ExtractHeader.builder()
            .schemaFingerprint(schema.fingerprint())
            .agency(agency)
            .toolVersion(toolVersion)
            .clkBits(filterBits())
            .keyCheck(KeyCheck.of(secret));
    for (int k = 0; k < fieldFilters.size(); k++) {
      int bits = fieldFilters.get(k).bits();
      b.fieldFilter(
          fieldFilters.get(k).name(),
          fieldBalance[k] == null ? bits : fieldBalance[k].outputBits());
    }
    b.blockingKeys(
        schema.blockingKeys().stream().map(BlockingKeySpec::name).toArray(String[]::new));
    b.attributes(
        schema.attributes().stream().map(EngineSchema.Attribute::name).toArray(String[]::new));
    b.purposes(
        schema.consents().stream().map(EngineSchema.Consent::purpose).toArray(String[]::new));
    return b.build();
  }

  /**
   * Where each value the schema needs sits in the CSV, resolved once from the header.
   *
   * @throws RecordException (row {@link RecordException#HEADER}) naming a missing or repeated
   *     column, or a header that does not list a plain v3 schema's features in order
   */
  public Columns bind(String[] header, String idColumn) throws RecordException {
    String idName = idColumn != null ? idColumn : schema.recordIdColumn();
    if (!schema.columnsByName()) {
      clk.checkHeader(header);
    }
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < header.length; c++) {
      if (index.put(header[c], c) != null && schema.columnsByName()) {
        throw new RecordException(
            RecordException.HEADER, header[c], "the column appears more than once");
      }
    }
    int[] features = new int[values.length];
    for (int f = 0; f < features.length; f++) {
      features[f] =
          schema.columnsByName() ? require(index, schema.featureColumns().get(f), "feature") : f;
    }
    int id = idName == null ? -1 : require(index, idName, "record id");
    int[][] keyParts = new int[blocking.size()][];
    for (int k = 0; k < keyParts.length; k++) {
      List<BlockingKeySpec.Part> parts = schema.blockingKeys().get(k).parts();
      keyParts[k] = new int[parts.size()];
      for (int p = 0; p < parts.size(); p++) {
        keyParts[k][p] = require(index, parts.get(p).column(), "blocking key");
      }
    }
    // An attribute the agency does not hold is absent from every record, not an error: one
    // schema serves agencies with different own columns. Columns.absentAttributes lists them.
    int[] attributes = new int[schema.attributes().size()];
    for (int a = 0; a < attributes.length; a++) {
      attributes[a] = index.getOrDefault(schema.attributes().get(a).column(), -1);
    }
    int[] consents = new int[schema.consents().size()];
    for (int p = 0; p < consents.length; p++) {
      consents[p] = require(index, schema.consents().get(p).column(), "consent");
    }
    int salt = -1;
    if (schema.hardening().saltColumn() != null) {
      salt = require(index, schema.hardening().saltColumn(), "salt");
    }
    // A blocking key part reads a feature's normalised value when it names a feature's column.
    int[] featureOfColumn = new int[header.length];
    java.util.Arrays.fill(featureOfColumn, -1);
    for (int f = 0; f < features.length; f++) {
      featureOfColumn[features[f]] = f;
    }
    List<String> absent = new ArrayList<>();
    for (int a = 0; a < attributes.length; a++) {
      if (attributes[a] < 0) {
        absent.add(schema.attributes().get(a).name());
      }
    }
    return new Columns(
        header.length,
        id,
        idName,
        features,
        keyParts,
        attributes,
        consents,
        featureOfColumn,
        absent,
        salt);
  }

  private static int require(Map<String, Integer> index, String column, String role)
      throws RecordException {
    Integer c = index.get(column);
    if (c == null) {
      throw new RecordException(
          RecordException.HEADER, column, "the schema's " + role + " column is not in the CSV");
    }
    return c;
  }

  /** Column positions for one CSV header; see {@link #bind}. */
  public static final class Columns {
    final int width;
    final int id;
    final String idName;
    final int[] features;
    final int[][] keyParts;
    final int[] attributes;
    final int[] consents;
    final int[] featureOfColumn;
    private final List<String> absentAttributes;
    final int salt;

    Columns(
        int width,
        int id,
        String idName,
        int[] features,
        int[][] keyParts,
        int[] attributes,
        int[] consents,
        int[] featureOfColumn,
        List<String> absentAttributes,
        int salt) {
      this.width = width;
      this.id = id;
      this.idName = idName;
      this.features = features;
      this.keyParts = keyParts;
      this.attributes = attributes;
      this.consents = consents;
      this.featureOfColumn = featureOfColumn;
      this.absentAttributes = List.copyOf(absentAttributes);
      this.salt = salt;
    }

    /** Whether record ids are the rows' numbers (no id column): unique by construction. */
    public boolean idsAreRowNumbers() {
      return id < 0;
    }

    /** The schema's attributes whose column is not in this CSV: absent from every record. */
    public List<String> absentAttributes() {
      return absentAttributes;
    }
  }

  /**
   * Encodes data row {@code row} (0-based) into {@code out}, which must belong to this encoder's
   * {@link #header}.
   *
   * @throws RecordException naming the row and column of the first problem, never a value
   */
  public void encode(Columns columns, String[] fields, long row, ExtractRecord out)
      throws RecordException {
    if (fields.length != columns.width) {
      throw new RecordException(
          row, null, "has " + fields.length + " columns, the header has " + columns.width);
    }
    out.clear();
    String id = columns.id < 0 ? Long.toString(row) : fields[columns.id].strip();
    if (id.isEmpty()) {
      throw new RecordException(row, columns.idName, "the record id is empty");
    }
    out.setId(id);
    List<FeatureSpec> features = schema.clkhash().features();
    for (int f = 0; f < values.length; f++) {
      String raw = fields[columns.features[f]];
      values[f] = normalise(schema.normalisers().get(f), raw, row, features.get(f).identifier());
    }
    clk.encode(values, row, rawClk, fieldFeatures, rawFields, salts(columns, fields));
    harden(rawClk, rawBits, balance, blipSalt("clk", id), out.clk());
    for (int k = 0; k < fieldFilters.size(); k++) {
      long[] filter = rawFields[fieldMembers[k][0]];
      if (fieldMembers[k].length > 1) {
        java.util.Arrays.fill(combined, 0L);
        for (int m : fieldMembers[k]) {
          for (int w = 0; w < combined.length; w++) {
            combined[w] |= rawFields[m][w];
          }
        }
        filter = combined;
      }
      orFold(filter, folded[k]);
      EngineSchema.FieldFilter spec = fieldFilters.get(k);
      harden(
          folded[k], spec.bits(), fieldBalance[k], blipSalt(spec.name(), id), out.fieldFilter(k));
    }
    for (int k = 0; k < blocking.size(); k++) {
      int[] parts = columns.keyParts[k];
      String[] partValues = new String[parts.length];
      for (int p = 0; p < parts.length; p++) {
        int f = columns.featureOfColumn[parts[p]];
        partValues[p] = f >= 0 ? values[f] : fields[parts[p]].strip();
      }
      OptionalLong key;
      try {
        key = blocking.get(k).key(partValues);
      } catch (IllegalArgumentException e) {
        throw new RecordException(row, schema.blockingKeys().get(k).name(), e.getMessage());
      }
      if (key.isPresent()) {
        out.setBlockingKey(k, key.getAsLong());
      }
    }
    for (int a = 0; a < columns.attributes.length; a++) {
      if (columns.attributes[a] < 0) {
        continue;
      }
      EngineSchema.Attribute attribute = schema.attributes().get(a);
      String v =
          normalise(attribute.normaliser(), fields[columns.attributes[a]], row, attribute.column());
      out.setAttribute(a, v.isEmpty() ? null : v);
    }
    long consent = 0;
    for (int p = 0; p < columns.consents.length; p++) {
      String v = fields[columns.consents[p]].strip().toLowerCase(Locale.ROOT);
      if (YES.contains(v)) {
        consent |= 1L << p;
      } else if (!NO.contains(v)) {
        throw new RecordException(
            row, schema.consents().get(p).column(), "a consent flag must be Y or N (or empty)");
      }
    }
    out.setConsent(consent);
  }

  /**
   * Each feature's salt for this record: the salt column's (normalised, if a feature's) value, cut
   * to the prefix, for the features the schema salts; null for the others (or no salting at all).
   */
  private String[] salts(Columns columns, String[] fields) {
    if (columns.salt < 0) {
      return null;
    }
    int f = columns.featureOfColumn[columns.salt];
    String value = f >= 0 ? values[f] : fields[columns.salt].strip();
    int prefix = schema.hardening().saltPrefix();
    String salt = prefix > 0 && value.length() > prefix ? value.substring(0, prefix) : value;
    for (int i = 0; i < salts.length; i++) {
      salts[i] = saltedFeatures[i] ? salt : null;
    }
    return salts;
  }

  private static String normalise(
      org.pprl.core.normalise.Normaliser normaliser, String raw, long row, String column)
      throws RecordException {
    try {
      return normaliser.apply(raw);
    } catch (NormaliseException e) {
      throw new RecordException(row, column, e.getMessage());
    }
  }

  /**
   * BLIP's salt for one filter of one record: the filter's name and the record id. With the id
   * alone every filter of a record got the same flip mask, so the XOR of two of them was free of
   * noise, and a filter XORed with a known one (the sex filter's few values) gave back the
   * noise-free filter. Length-prefixed, so distinct (name, id) pairs give distinct salts. Null when
   * the filter gets no noise.
   */
  private String blipSalt(String filter, String id) {
    if (blip == null || !schema.hardening().blips(filter)) {
      return null;
    }
    return filter.length() + ":" + filter + ":" + id;
  }

  private void harden(long[] raw, int bits, Balance balancer, String salt, long[] out) {
    long[] words = raw;
    if (salt != null) {
      words = blip.apply(words, bits, salt);
    }
    if (balancer != null) {
      words = balancer.apply(words);
    }
    System.arraycopy(words, 0, out, 0, out.length);
  }

  /**
   * ORs the words of a CLK-length filter onto {@code out}'s length: bit i lands on i mod the field
   * filter length (a multiple of 64 dividing the CLK length, checked by the schema).
   */
  private static void orFold(long[] in, long[] out) {
    if (in.length == out.length) {
      System.arraycopy(in, 0, out, 0, in.length);
      return;
    }
    java.util.Arrays.fill(out, 0L);
    for (int w = 0; w < in.length; w++) {
      out[w % out.length] |= in[w];
    }
  }
}
