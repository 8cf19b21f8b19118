package org.pprl.core.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pprl.core.block.BlockingKeySpec;
import org.pprl.core.normalise.Normaliser;
import org.pprl.core.normalise.Normalisers;

/**
 * The engine's schema: a clkhash linkage schema v3, extended by optional {@code "pprl"} blocks with
 * what clkhash lacks (normalisers, field-level filters, keyed blocking keys, hardening, and which
 * columns are the record id, the allowed attributes and the consent flags).
 *
 * <p>A plain v3 schema is a valid engine schema: its CLKs are clkhash's, bit for bit, and it gets
 * the defaults below. With a {@code "pprl"} block, CSV columns are matched by header name rather
 * than by position, so an agency's extract may carry columns the CLK does not use. {@code
 * docs/engine-schema.md} is the reference, with a worked example.
 *
 * <p>Every schema has a {@link #fingerprint}: the SHA-256 of its canonical JSON (keys sorted, no
 * whitespace), so two agencies encode compatibly exactly when their fingerprints agree.
 */
public final class EngineSchema {
  /** The only version of the {@code "pprl"} block so far. */
  public static final int PPRL_VERSION = 1;

  /** An allowed non-identifying attribute: its name in the extract, its column, its normaliser. */
  public record Attribute(String name, String column, Normaliser normaliser) {}

  /**
   * One field-level filter: the OR of its features' token bits, OR-folded from the CLK length to
   * {@code bits}.
   *
   * @param name the filter's name in the extract: its feature's identifier, or the name the schema
   *     gives a combined filter
   * @param features indices of its clkhash features, ascending
   */
  public record FieldFilter(String name, List<Integer> features, int bits) {
    public FieldFilter {
      features = List.copyOf(features);
    }
  }

  /** A consent flag: the purpose it grants, and the column that holds it. */
  public record Consent(String purpose, String column) {}

  /**
   * A column read by a {@code date} normaliser: a feature's or an attribute's.
   *
   * @param name the feature's identifier or the attribute's name
   * @param column the schema's column for it
   * @param formats the patterns its normaliser may read, in the schema's order (its {@code formats}
   *     param, else {@link Normalisers#DEFAULT_DATE_FORMATS})
   */
  public record DateColumn(String name, String column, List<String> formats) {
    public DateColumn {
      formats = List.copyOf(formats);
    }
  }

  /**
   * Hardening applied to every filter after encoding.
   *
   * @param blipF BLIP flip parameter in [0, 1): each bit is flipped with probability f/2; 0 = off
   * @param balance whether filters are balanced (doubled with their keyed-permuted complement)
   * @param saltColumn column of the stable attribute every token is salted with, or null
   * @param saltPrefix how many leading characters of its (normalised) value make the salt; 0: all
   * @param saltedFeatures identifiers of the features whose tokens are salted; empty: all
   * @param blipFilters the filters BLIP applies to ({@code clk} or a field filter's name); empty:
   *     all
   */
  public record Hardening(
      double blipF,
      boolean balance,
      String saltColumn,
      int saltPrefix,
      List<String> saltedFeatures,
      List<String> blipFilters) {
    public static final Hardening NONE = new Hardening(0, false, null, 0, List.of(), List.of());

    public Hardening {
      saltedFeatures = List.copyOf(saltedFeatures);
      blipFilters = List.copyOf(blipFilters);
    }

    /** Whether BLIP noise is added to the filter named {@code filter} ({@code clk}: the CLK). */
    public boolean blips(String filter) {
      return blipF > 0 && (blipFilters.isEmpty() || blipFilters.contains(filter));
    }

    public boolean any() {
      return blipF > 0 || balance || saltColumn != null;
    }

    /** Whether the tokens of feature {@code identifier} are salted. */
    public boolean saltsFeature(String identifier) {
      return saltColumn != null
          && (saltedFeatures.isEmpty() || saltedFeatures.contains(identifier));
    }
  }

  private final ClkhashSchema clkhash;
  private final boolean byName;
  private final List<String> featureColumns;
  private final List<Normaliser> normalisers;
  private final List<Integer> fieldFilterFeatures;
  private final int fieldFilterBits;
  private final List<FieldFilter> fieldFilters;
  private final String recordIdColumn;
  private final List<BlockingKeySpec> blockingKeys;
  private final boolean derivedKeys;
  private final List<Attribute> attributes;
  private final List<Consent> consents;
  private final Hardening hardening;
  private final byte[] fingerprint;
  // The "normalise" nodes of every feature and attribute, to rebuild their date normalisers.
  private final List<JsonNode> featureNormalise;
  private final List<JsonNode> attributeNormalise;
  private final List<DateColumn> dateColumns;

  EngineSchema(EngineSchemaReader.Builder b) {
    this.clkhash = b.clkhash;
    this.byName = b.byName;
    this.featureColumns = List.copyOf(b.featureColumns);
    this.normalisers = List.copyOf(b.normalisers);
    this.fieldFilterBits = b.fieldFilterBits;
    if (b.fieldFilters == null) {
      List<FieldFilter> own = new ArrayList<>();
      for (int f : b.fieldFilterFeatures) {
        List<Integer> members = List.of(f);
        own.add(
            new FieldFilter(
                b.clkhash.features().get(f).identifier(),
                members,
                b.fieldFilterBits != 0 ? b.fieldFilterBits : halfFullBits(b.clkhash, members)));
      }
      this.fieldFilters = List.copyOf(own);
    } else {
      this.fieldFilters = List.copyOf(b.fieldFilters);
    }
    this.fieldFilterFeatures =
        fieldFilters.stream().flatMap(f -> f.features().stream()).distinct().sorted().toList();
    this.recordIdColumn = b.recordIdColumn;
    this.blockingKeys = List.copyOf(b.blockingKeys);
    this.derivedKeys = false;
    this.attributes = List.copyOf(b.attributes);
    this.consents = List.copyOf(b.consents);
    this.hardening = b.hardening;
    this.fingerprint = b.fingerprint;
    this.featureNormalise = Collections.unmodifiableList(new ArrayList<>(b.featureNormalise));
    this.attributeNormalise = Collections.unmodifiableList(new ArrayList<>(b.attributeNormalise));
    this.dateColumns = findDateColumns();
  }

  /**
   * This schema with other normalisers or blocking keys: same fingerprint, same everything else.
   */
  private EngineSchema(
      EngineSchema base,
      List<Normaliser> normalisers,
      List<Attribute> attributes,
      List<BlockingKeySpec> blockingKeys,
      boolean derivedKeys) {
    this.clkhash = base.clkhash;
    this.byName = base.byName;
    this.featureColumns = base.featureColumns;
    this.normalisers = List.copyOf(normalisers);
    this.fieldFilterBits = base.fieldFilterBits;
    this.fieldFilters = base.fieldFilters;
    this.fieldFilterFeatures = base.fieldFilterFeatures;
    this.recordIdColumn = base.recordIdColumn;
    this.blockingKeys = List.copyOf(blockingKeys);
    this.derivedKeys = derivedKeys;
    this.attributes = List.copyOf(attributes);
    this.consents = base.consents;
    this.hardening = base.hardening;
    this.fingerprint = base.fingerprint;
    this.featureNormalise = base.featureNormalise;
    this.attributeNormalise = base.attributeNormalise;
    this.dateColumns = base.dateColumns;
  }

  private List<DateColumn> findDateColumns() {
    Map<String, DateColumn> byColumn = new LinkedHashMap<>();
    for (int f = 0; f < featureColumns.size(); f++) {
      List<String> formats = dateFormatsOf(featureNormalise.get(f));
      if (formats != null && !clkhash.features().get(f).ignored()) {
        String id = clkhash.features().get(f).identifier();
        byColumn.putIfAbsent(
            featureColumns.get(f), new DateColumn(id, featureColumns.get(f), formats));
      }
    }
    for (int a = 0; a < attributes.size(); a++) {
      List<String> formats = dateFormatsOf(attributeNormalise.get(a));
      Attribute attribute = attributes.get(a);
      if (formats != null) {
        byColumn.putIfAbsent(
            attribute.column(), new DateColumn(attribute.name(), attribute.column(), formats));
      }
    }
    return List.copyOf(byColumn.values());
  }

  /**
   * The formats of the first {@code date} step of a {@code normalise} node (a name, an object or a
   * list of them), or null when it has none.
   */
  private static List<String> dateFormatsOf(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isArray()) {
      for (JsonNode step : node) {
        List<String> formats = dateFormatsOf(step);
        if (formats != null) {
          return formats;
        }
      }
      return null;
    }
    boolean date =
        node.isTextual()
            ? "date".equals(node.asText())
            : node.isObject() && "date".equals(node.path("name").asText());
    if (!date) {
      return null;
    }
    JsonNode listed = node.path("formats");
    if (!listed.isArray()) {
      return Normalisers.DEFAULT_DATE_FORMATS;
    }
    List<String> formats = new ArrayList<>();
    listed.forEach(f -> formats.add(f.asText()));
    return formats;
  }

  /**
   * The columns read by a {@code date} normaliser, one entry per column: the features' first, then
   * the attributes'. An agency's own date format for each is decided outside the schema (declared,
   * or detected from the values by {@code DateProfile}) and set with {@link #withDateFormats}.
   */
  public List<DateColumn> dateColumns() {
    return dateColumns;
  }

  /**
   * The normaliser of date column {@code column} reading {@code pattern} only: the schema's steps
   * before and after the date step are kept.
   *
   * @throws IllegalArgumentException if the pattern is not a valid date pattern
   */
  public Normaliser dateNormaliser(String column, String pattern) {
    for (int f = 0; f < featureColumns.size(); f++) {
      if (featureColumns.get(f).equals(column) && dateFormatsOf(featureNormalise.get(f)) != null) {
        return rebuild(featureNormalise.get(f), pattern);
      }
    }
    for (int a = 0; a < attributes.size(); a++) {
      if (attributes.get(a).column().equals(column)
          && dateFormatsOf(attributeNormalise.get(a)) != null) {
        return rebuild(attributeNormalise.get(a), pattern);
      }
    }
    throw new IllegalArgumentException("'" + column + "' is not a date column of the schema");
  }

  /**
   * This schema with the date normalisers of some columns reading one pattern only: the agency's
   * own format for that column, where the schema's list would try several in turn. The fingerprint
   * does not change: it is how this agency's input is read, not what is encoded.
   *
   * @param patterns schema column to {@link java.time.format.DateTimeFormatter} pattern; columns
   *     that are not date columns are refused
   * @throws IllegalArgumentException naming the column whose pattern is not valid
   */
  public EngineSchema withDateFormats(Map<String, String> patterns) {
    Set<String> dates = new HashSet<>();
    dateColumns.forEach(d -> dates.add(d.column()));
    for (String column : patterns.keySet()) {
      if (!dates.contains(column)) {
        throw new IllegalArgumentException("'" + column + "' is not a date column of the schema");
      }
    }
    List<Normaliser> features = new ArrayList<>(normalisers);
    for (int f = 0; f < features.size(); f++) {
      String pattern = patterns.get(featureColumns.get(f));
      if (pattern != null && dateFormatsOf(featureNormalise.get(f)) != null) {
        features.set(f, rebuild(featureNormalise.get(f), pattern));
      }
    }
    List<Attribute> attrs = new ArrayList<>(attributes);
    for (int a = 0; a < attrs.size(); a++) {
      Attribute attribute = attrs.get(a);
      String pattern = patterns.get(attribute.column());
      if (pattern != null && dateFormatsOf(attributeNormalise.get(a)) != null) {
        attrs.set(
            a,
            new Attribute(
                attribute.name(), attribute.column(), rebuild(attributeNormalise.get(a), pattern)));
      }
    }
    return new EngineSchema(this, features, attrs, blockingKeys, derivedKeys);
  }

  private static Normaliser rebuild(JsonNode node, String pattern) {
    try {
      return EngineSchemaReader.normaliser(node, "", pattern, true);
    } catch (SchemaException e) {
      // The node was read once already; only the pattern can be wrong now.
      throw new IllegalArgumentException(e.rule(), e);
    }
  }

  /** The clkhash v3 part, from which the CLK is made. */
  public ClkhashSchema clkhash() {
    return clkhash;
  }

  /**
   * Whether CSV columns are found by header name (with a {@code "pprl"} block) rather than by
   * position as clkhash does (plain v3 schema: the header must list exactly the features).
   */
  public boolean columnsByName() {
    return byName;
  }

  /** The CSV column of each clkhash feature, in feature order. */
  public List<String> featureColumns() {
    return featureColumns;
  }

  /** The normaliser of each clkhash feature (identity when none is set), in feature order. */
  public List<Normaliser> normalisers() {
    return normalisers;
  }

  /**
   * The length every field-level filter is OR-folded to, when the schema sets one ({@code
   * pprl.fieldFilterBits}); 0 when each filter's length is its own, from {@link #halfFullBits}.
   * {@link #fieldFilters} holds each filter's length either way.
   */
  public int fieldFilterBits() {
    return fieldFilterBits;
  }

  /**
   * The shortest length a field filter is folded to by default: the one every filter had before
   * (measured as good as the CLK's length where it was at most half full). Folding a sex, a borough
   * or a street number further (to 64 or 128 bits, still at most half full) saves 40 bytes a record
   * and made the model's m on a city of 190 × 279 records flip with five records taken out (street
   * numbers agreeing among 86 % of the matches, then among all: 10 % of the links lost).
   */
  static final int SHORTEST_DEFAULT_BITS = 256;

  /**
   * The default length of a field filter over {@code features}: the CLK's length, halved while the
   * filter would stay at most half full. A {@code bitsPerFeature: B} feature sets about B bits
   * before collisions, so folded to L bits a filter is 1 - exp(-B / L) full, at most one half while
   * B <= L ln 2. Past half full, bits that two different values share by chance outnumber the ones
   * they share by agreeing: folding a name of 200 bits into 256 (the earlier fixed default) filled
   * it 54 %, random names then had Dice 0.5-0.6 and a typo in a short name (Dice 0.79) weighed
   * little more than chance; folded this way instead, F1 rose from 0.984 to 0.991 on NCVR's three
   * parties and from 0.945 to 0.949 on fake_1000, with FEBRL and the generated city level
   * (docs/linkage.md, "Field filters at most half full"). Never below {@link
   * #SHORTEST_DEFAULT_BITS}. A {@code bitsPerToken} feature sets k bits per token, a number the
   * schema does not bound, so its filter keeps the CLK's length.
   */
  static int halfFullBits(ClkhashSchema clkhash, List<Integer> features) {
    if (clkhash.filterBits() % SHORTEST_DEFAULT_BITS != 0) {
      return clkhash.filterBits();
    }
    int bits = clkhash.filterBits();
    double set = 0;
    for (int f : features) {
      Strategy strategy = clkhash.features().get(f).strategy();
      if (!strategy.perFeature()) {
        return bits;
      }
      set += strategy.bits();
    }
    while (bits % 128 == 0 && bits / 2 >= SHORTEST_DEFAULT_BITS && set <= bits / 2 * Math.log(2)) {
      bits /= 2;
    }
    return bits;
  }

  /**
   * The field-level filters every record carries, in extract order: one per feature by default, or
   * the combinations {@code pprl.fieldFilters} lists.
   */
  public List<FieldFilter> fieldFilters() {
    return fieldFilters;
  }

  /** Indices of the features that are part of some field-level filter, ascending. */
  public List<Integer> fieldFilterFeatures() {
    return fieldFilterFeatures;
  }

  /** The record id column, or null when the command line or the row number decides. */
  public String recordIdColumn() {
    return recordIdColumn;
  }

  public List<BlockingKeySpec> blockingKeys() {
    return blockingKeys;
  }

  /**
   * This plain clkhash schema with the blocking keys {@link DerivedBlockingKeys} derives from its
   * features (none when they cannot be mapped; {@code derivation.describe()} says so). The CLK and
   * the fingerprint do not change; the extract's header lists the keys, and the linker refuses to
   * link it with an extract that has other keys.
   *
   * @throws IllegalArgumentException if the schema has a {@code "pprl"} block: its own blocking
   *     keys are declared there
   */
  public EngineSchema withDerivedBlockingKeys(DerivedBlockingKeys.Derivation derivation) {
    if (byName) {
      throw new IllegalArgumentException(
          "blocking keys are derived only for a plain clkhash schema; this one has a \"pprl\""
              + " block, which declares its own in pprl.blockingKeys");
    }
    return new EngineSchema(this, normalisers, attributes, derivation.keys(), true);
  }

  /**
   * Whether the blocking keys are derived ones ({@link #withDerivedBlockingKeys}), which code each
   * feature's value as clkhash formats it for hashing (dates as {@code %Y%m%d}, integers canonical,
   * the missing-value sentinel as missing) rather than its normalised value.
   */
  public boolean derivedBlockingKeys() {
    return derivedKeys;
  }

  public List<Attribute> attributes() {
    return attributes;
  }

  public List<Consent> consents() {
    return consents;
  }

  public Hardening hardening() {
    return hardening;
  }

  /** SHA-256 of the canonical JSON of the whole schema (a copy). */
  public byte[] fingerprint() {
    return fingerprint.clone();
  }

  public String fingerprintHex() {
    return HexFormat.of().formatHex(fingerprint);
  }

  public static EngineSchema parse(Path file) throws IOException, SchemaException {
    return parse(Files.readAllBytes(file));
  }

  /**
   * Reads and validates a schema.
   *
   * @throws SchemaException naming the JSON path and the rule broken
   */
  public static EngineSchema parse(byte[] json) throws SchemaException {
    return parse(json, null);
  }

  /**
   * Reads and validates a schema, with every {@code date} normaliser trying {@code
   * preferredDateFormat} first: an agency's own input format, which resolves dates such as
   * 03/04/2001 that the schema's list alone would read one way for every agency. It changes how
   * input is read, not what is encoded, so the fingerprint does not depend on it.
   *
   * @param preferredDateFormat a {@link java.time.format.DateTimeFormatter} pattern, or null
   * @throws SchemaException naming the JSON path and the rule broken
   */
  public static EngineSchema parse(byte[] json, String preferredDateFormat) throws SchemaException {
    return EngineSchemaReader.read(json, preferredDateFormat);
  }
}
