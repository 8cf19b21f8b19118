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
   * Where each value the schema needs sits in the CSV, resolved once from the header; {@code
   * idColumn} (or null) names the record id's column. As {@link CsvColumns#bind} without a mapping.
   *
   * @throws RecordException (row {@link RecordException#HEADER}) naming a missing or repeated
   *     column, or a header that does not list a plain v3 schema's features in order
   */
  public CsvColumns bind(String[] header, String idColumn) throws RecordException {
    return CsvColumns.bind(schema, header, ColumnMapping.NONE.withRecordId(idColumn));
  }

  /**
   * Encodes data row {@code row} (0-based) into {@code out}, which must belong to this encoder's
   * {@link #header}.
   *
   * @throws RecordException naming the row and column of every problem found in the row, never a
   *     value
   */
  public void encode(CsvColumns columns, String[] fields, long row, ExtractRecord out)
      throws RecordException {
    if (fields.length != columns.width) {
      throw new RecordException(
          row, null, "has " + fields.length + " columns, the header has " + columns.width);
    }
    out.clear();
    List<RecordException.Problem> problems = new ArrayList<>();
    String id = columns.id < 0 ? Long.toString(row) : fields[columns.id].strip();
    if (id.isEmpty()) {
      problems.add(
          new RecordException.Problem(row, columns.idName, null, "the record id is empty"));
    }
    List<FeatureSpec> features = schema.clkhash().features();
    for (int f = 0; f < values.length; f++) {
      int c = columns.features[f];
      values[f] =
          normalise(
              schema.normalisers().get(f),
              c < 0 ? "" : fields[c],
              row,
              c < 0 ? null : columns.name(c),
              features.get(f).identifier(),
              problems);
    }
    for (int a = 0; a < columns.attributes.length; a++) {
      int c = columns.attributes[a];
      if (c < 0) {
        continue;
      }
      EngineSchema.Attribute attribute = schema.attributes().get(a);
      String v =
          normalise(
              attribute.normaliser(), fields[c], row, columns.name(c), attribute.name(), problems);
      out.setAttribute(a, v.isEmpty() ? null : v);
    }
    long consent = 0;
    for (int p = 0; p < columns.consents.length; p++) {
      int c = columns.consents[p];
      String v = c < 0 ? "" : fields[c].strip().toLowerCase(Locale.ROOT);
      if (YES.contains(v)) {
        consent |= 1L << p;
      } else if (!NO.contains(v)) {
        problems.add(
            new RecordException.Problem(
                row,
                columns.name(c),
                "consent " + schema.consents().get(p).purpose(),
                "a consent flag must be Y or N (or empty)"));
      }
    }
    out.setConsent(consent);
    if (!problems.isEmpty()) {
      throw new RecordException(problems);
    }
    out.setId(id);
    try {
      clk.encode(values, row, rawClk, fieldFeatures, rawFields, salts(columns, fields));
    } catch (RecordException e) {
      throw withCsvNames(e, columns);
    }
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
        partValues[p] = f >= 0 ? keyValue(features.get(f), values[f]) : fields[parts[p]].strip();
      }
      OptionalLong key;
      try {
        key = blocking.get(k).key(partValues);
      } catch (IllegalArgumentException e) {
        throw new RecordException(
            List.of(
                new RecordException.Problem(
                    row,
                    null,
                    "blocking key " + schema.blockingKeys().get(k).name(),
                    e.getMessage())));
      }
      if (key.isPresent()) {
        out.setBlockingKey(k, key.getAsLong());
      }
    }
  }

  /**
   * What a blocking key codes of a feature's (normalised) value: the value itself; for keys derived
   * from a plain clkhash schema, the value as clkhash formats it for hashing, and the missing-value
   * sentinel as missing.
   */
  private String keyValue(FeatureSpec feature, String value) {
    if (!schema.derivedBlockingKeys()) {
      return value;
    }
    return feature.isMissing(value) ? "" : feature.format(value);
  }

  /**
   * Each feature's salt for this record: the salt column's (normalised, if a feature's) value, cut
   * to the prefix, for the features the schema salts; null for the others (or no salting at all).
   */
  private String[] salts(CsvColumns columns, String[] fields) {
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

  /**
   * The normalised value, or "" with a problem added when the normaliser refuses it; {@code column}
   * is the CSV's name (null: the CSV has no such column), {@code name} the schema's.
   */
  private static String normalise(
      org.pprl.core.normalise.Normaliser normaliser,
      String raw,
      long row,
      String column,
      String name,
      List<RecordException.Problem> problems) {
    try {
      return normaliser.apply(raw);
    } catch (NormaliseException e) {
      problems.add(new RecordException.Problem(row, column, name, e.getMessage()));
      return "";
    }
  }

  /** {@code e}'s problems, each feature's named by its CSV column and its identifier. */
  private RecordException withCsvNames(RecordException e, CsvColumns columns) {
    List<RecordException.Problem> named = new ArrayList<>();
    for (RecordException.Problem p : e.problems()) {
      int f = p.column() == null ? -1 : schema.clkhash().featureIndex(p.column());
      int c = f < 0 ? -1 : columns.features[f];
      named.add(
          c < 0
              ? p
              : new RecordException.Problem(p.row(), columns.name(c), p.column(), p.reason()));
    }
    return new RecordException(named);
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
