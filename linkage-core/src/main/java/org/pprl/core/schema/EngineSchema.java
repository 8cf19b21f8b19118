package org.pprl.core.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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

  private static final ObjectMapper JSON = new ObjectMapper();

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

  private EngineSchema(Builder b) {
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
      return normaliser(node, "", pattern, true);
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
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new SchemaException("", "is not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw new SchemaException("", "cannot be read (" + e.getMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new SchemaException("", "must be a JSON object");
    }
    Builder b = new Builder();
    b.fingerprint = sha256(canonical(root));
    b.preferredDateFormat = preferredDateFormat;

    // Split off the "pprl" blocks; what is left is a plain clkhash v3 schema.
    ObjectNode plain = root.deepCopy();
    JsonNode top = plain.remove("pprl");
    List<JsonNode> perFeature = new ArrayList<>();
    JsonNode features = plain.get("features");
    if (features != null && features.isArray()) {
      for (JsonNode f : features) {
        perFeature.add(f.isObject() ? ((ObjectNode) f).remove("pprl") : null);
      }
    }
    try {
      b.clkhash = ClkhashSchema.parse(new ByteArrayInputStream(JSON.writeValueAsBytes(plain)));
    } catch (IOException e) {
      throw new SchemaException("", "cannot be read (" + e.getMessage() + ")");
    }
    b.byName = top != null;
    List<FeatureSpec> specs = b.clkhash.features();
    Set<String> columns = new HashSet<>();
    for (int i = 0; i < specs.size(); i++) {
      FeatureSpec spec = specs.get(i);
      String where = "features[" + i + "].pprl";
      Block block = new Block(perFeature.get(i), where, "column", "normalise", "fieldFilter");
      String column = block.string("column", spec.identifier());
      if (b.byName && !columns.add(column)) {
        throw new SchemaException(where + ".column", "column '" + column + "' is used twice");
      }
      b.featureColumns.add(column);
      b.featureNormalise.add(block.node("normalise"));
      b.normalisers.add(
          normaliser(block.node("normalise"), where + ".normalise", b.preferredDateFormat, false));
      if (!spec.ignored() && block.bool("fieldFilter", true)) {
        b.fieldFilterFeatures.add(i);
      }
      b.fieldFilterFlagSet |= block.node("fieldFilter") != null;
      if (!b.byName && perFeature.get(i) != null) {
        throw new SchemaException(where, "needs the top-level \"pprl\" block as well");
      }
    }
    if (top != null) {
      readTopLevel(new Block(top, "pprl", topLevelKeys()), b);
    }
    if (b.hardening.saltColumn() != null) {
      // Salted tokens are hashed by random hashing since v2 (SaltedTokens); a schema that salts
      // gets another fingerprint, so extracts salted the old way are refused, not mixed in.
      byte[] canonical = canonical(root);
      byte[] marker = "\nsalted tokens: random hashing v2".getBytes(StandardCharsets.UTF_8);
      byte[] marked = Arrays.copyOf(canonical, canonical.length + marker.length);
      System.arraycopy(marker, 0, marked, canonical.length, marker.length);
      b.fingerprint = sha256(marked);
    }
    return new EngineSchema(b);
  }

  private static String[] topLevelKeys() {
    return new String[] {
      "version",
      "recordId",
      "fieldFilterBits",
      "fieldFilters",
      "blockingKeys",
      "attributes",
      "consent",
      "hardening"
    };
  }

  private static void readTopLevel(Block top, Builder b) throws SchemaException {
    int version = top.integer("version", -1);
    if (version != PPRL_VERSION) {
      throw new SchemaException(
          "pprl.version",
          "must be " + PPRL_VERSION + ", was " + (version < 0 ? "absent" : version));
    }
    b.recordIdColumn = top.string("recordId", null);
    int l = b.clkhash.filterBits();
    b.fieldFilterBits =
        top.node("fieldFilterBits") == null
            ? 0
            : filterBits(top.integer("fieldFilterBits", 0), l, "pprl.fieldFilterBits");
    JsonNode filters = top.node("fieldFilters");
    if (filters != null) {
      readFieldFilters(filters, b);
    }
    JsonNode keys = top.node("blockingKeys");
    if (keys != null) {
      requireArray(keys, "pprl.blockingKeys");
      Set<String> names = new HashSet<>();
      for (int k = 0; k < keys.size(); k++) {
        String where = "pprl.blockingKeys[" + k + "]";
        BlockingKeySpec spec;
        try {
          spec = BlockingKeySpec.parse(toMap(keys.get(k), where));
        } catch (IllegalArgumentException e) {
          throw new SchemaException(where, e.getMessage());
        }
        requireNew(names, spec.name(), where);
        b.blockingKeys.add(spec);
      }
    }
    JsonNode attributes = top.node("attributes");
    if (attributes != null) {
      requireArray(attributes, "pprl.attributes");
      Set<String> names = new HashSet<>();
      for (int a = 0; a < attributes.size(); a++) {
        String where = "pprl.attributes[" + a + "]";
        Block block = new Block(attributes.get(a), where, "name", "column", "normalise");
        String name = requireNew(names, block.requiredString("name"), where);
        b.attributeNormalise.add(block.node("normalise"));
        b.attributes.add(
            new Attribute(
                name,
                block.string("column", name),
                normaliser(
                    block.node("normalise"), where + ".normalise", b.preferredDateFormat, false)));
      }
    }
    JsonNode consent = top.node("consent");
    if (consent != null) {
      if (!consent.isObject()) {
        throw new SchemaException("pprl.consent", "must be an object of purpose: column");
      }
      Iterator<Map.Entry<String, JsonNode>> fields = consent.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        if (!e.getValue().isTextual() || e.getValue().asText().isEmpty()) {
          throw new SchemaException(
              "pprl.consent." + e.getKey(), "must be the name of a column of Y/N flags");
        }
        b.consents.add(new Consent(e.getKey(), e.getValue().asText()));
      }
    }
    JsonNode hardening = top.node("hardening");
    if (hardening != null) {
      Block block = new Block(hardening, "pprl.hardening", "blip", "balance", "salt");
      double f;
      List<String> blipFilters = new ArrayList<>();
      JsonNode blip = block.node("blip");
      if (blip != null && blip.isObject()) {
        Block detail = new Block(blip, "pprl.hardening.blip", "f", "filters");
        f = detail.number("f", 0);
        JsonNode names = detail.node("filters");
        if (names != null) {
          requireArray(names, "pprl.hardening.blip.filters");
          for (JsonNode name : names) {
            blipFilters.add(name.asText());
          }
        }
      } else {
        f = block.number("blip", 0);
      }
      if (!(f >= 0 && f < 1)) {
        throw new SchemaException("pprl.hardening.blip", "must be in [0, 1), was " + f);
      }
      String saltColumn = null;
      int saltPrefix = 0;
      List<String> salted = new ArrayList<>();
      if (block.node("salt") != null) {
        Block salt =
            new Block(block.node("salt"), "pprl.hardening.salt", "column", "prefix", "features");
        saltColumn = salt.requiredString("column");
        saltPrefix = salt.integer("prefix", 0);
        if (saltPrefix < 0) {
          throw new SchemaException(
              "pprl.hardening.salt.prefix", "must be 0 (all) or more, was " + saltPrefix);
        }
        JsonNode features = salt.node("features");
        if (features != null) {
          requireArray(features, "pprl.hardening.salt.features");
          for (int i = 0; i < features.size(); i++) {
            String id = features.get(i).asText();
            hashedFeature(b.clkhash, id, "pprl.hardening.salt.features[" + i + "]");
            salted.add(id);
          }
        }
      }
      b.hardening =
          new Hardening(
              f, block.bool("balance", false), saltColumn, saltPrefix, salted, blipFilters);
    }
  }

  /** {@code name}, added to {@code names}; refused when an earlier item at this level had it. */
  private static String requireNew(Set<String> names, String name, String where)
      throws SchemaException {
    if (!names.add(name)) {
      throw new SchemaException(where + ".name", "'" + name + "' is used twice");
    }
    return name;
  }

  /** The index of the hashed (not ignored) feature {@code id}, else refused at {@code where}. */
  private static int hashedFeature(ClkhashSchema clkhash, String id, String where)
      throws SchemaException {
    int f = clkhash.featureIndex(id);
    if (f < 0 || clkhash.features().get(f).ignored()) {
      throw new SchemaException(where, "'" + id + "' is not a feature that is hashed");
    }
    return f;
  }

  /** A field filter's length, checked: a multiple of 64 that divides the CLK length {@code l}. */
  private static int filterBits(int bits, int l, String where) throws SchemaException {
    if (bits < 64 || bits % 64 != 0 || bits > l || l % bits != 0) {
      throw new SchemaException(
          where, "must be a multiple of 64 that divides clkConfig.l (" + l + "), was " + bits);
    }
    return bits;
  }

  /**
   * {@code pprl.fieldFilters}: {@code [{"name": N, "features": [identifier, ...], "bits": B}]},
   * each filter the OR of its features (bits defaulting to {@code fieldFilterBits}, or where that
   * is not set to {@link #halfFullBits}). It replaces the per-feature filters, so no feature may
   * also say {@code fieldFilter}.
   */
  private static void readFieldFilters(JsonNode node, Builder b) throws SchemaException {
    requireArray(node, "pprl.fieldFilters");
    if (b.fieldFilterFlagSet) {
      throw new SchemaException(
          "pprl.fieldFilters",
          "field filters are listed here, so no feature may set pprl.fieldFilter as well");
    }
    int l = b.clkhash.filterBits();
    Set<String> names = new HashSet<>();
    Set<Integer> used = new HashSet<>();
    List<FieldFilter> out = new ArrayList<>();
    for (int k = 0; k < node.size(); k++) {
      String where = "pprl.fieldFilters[" + k + "]";
      Block block = new Block(node.get(k), where, "name", "features", "bits");
      String name = requireNew(names, block.requiredString("name"), where);
      JsonNode members = block.node("features");
      if (members == null || !members.isArray() || members.isEmpty()) {
        throw new SchemaException(where + ".features", "must list one or more feature identifiers");
      }
      List<Integer> features = new ArrayList<>();
      for (int m = 0; m < members.size(); m++) {
        String id = members.get(m).asText();
        int f = hashedFeature(b.clkhash, id, where + ".features[" + m + "]");
        if (!used.add(f)) {
          throw new SchemaException(
              where + ".features[" + m + "]",
              "'" + id + "' is already in a field filter: a feature belongs to one at most");
        }
        features.add(f);
      }
      features.sort(null);
      int bits =
          block.node("bits") != null
              ? filterBits(block.integer("bits", 0), l, where + ".bits")
              : b.fieldFilterBits != 0 ? b.fieldFilterBits : halfFullBits(b.clkhash, features);
      out.add(new FieldFilter(name, features, bits));
    }
    b.fieldFilters = out;
  }

  /**
   * The normaliser a {@code normalise} node describes, with every {@code date} step reading {@code
   * date} first ({@code only}: reading nothing else), when it is not null.
   */
  private static Normaliser normaliser(JsonNode node, String where, String date, boolean only)
      throws SchemaException {
    if (node == null) {
      return value -> value == null ? "" : value;
    }
    try {
      if (node.isTextual()) {
        return byName(node.asText(), new TreeMap<>(), date, only);
      }
      if (node.isArray()) {
        List<Normaliser> steps = new ArrayList<>();
        for (int s = 0; s < node.size(); s++) {
          steps.add(normaliser(node.get(s), where + "[" + s + "]", date, only));
        }
        return Normalisers.chain(steps);
      }
      if (node.isObject()) {
        Map<String, Object> params = toMap(node, where);
        Object name = params.remove("name");
        if (!(name instanceof String)) {
          throw new SchemaException(where + ".name", "must name a normaliser");
        }
        return byName((String) name, params, date, only);
      }
    } catch (IllegalArgumentException e) {
      throw new SchemaException(where, e.getMessage());
    }
    throw new SchemaException(where, "must be a normaliser name, an object or a list of them");
  }

  private static Normaliser byName(
      String name, Map<String, Object> params, String preferredDate, boolean only) {
    if ("date".equals(name) && preferredDate != null) {
      List<Object> formats = new ArrayList<>();
      formats.add(preferredDate);
      Object listed = params.get("formats");
      for (Object f :
          listed instanceof List ? (List<?>) listed : Normalisers.DEFAULT_DATE_FORMATS) {
        if (!only && !preferredDate.equals(f)) {
          formats.add(f);
        }
      }
      params.put("formats", formats);
    }
    return Normalisers.byName(name, params);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> toMap(JsonNode node, String where) throws SchemaException {
    if (node == null || !node.isObject()) {
      throw new SchemaException(where, "must be an object");
    }
    return new TreeMap<>(JSON.convertValue(node, Map.class));
  }

  private static void requireArray(JsonNode node, String where) throws SchemaException {
    if (!node.isArray()) {
      throw new SchemaException(where, "must be a list");
    }
  }

  /** JSON with object keys sorted at every level and no whitespace. */
  static byte[] canonical(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(sorted(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed tree always serialises", e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      TreeMap<String, JsonNode> fields = new TreeMap<>();
      node.fields().forEachRemaining(e -> fields.put(e.getKey(), sorted(e.getValue())));
      fields.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(child -> out.add(sorted(child)));
      return out;
    }
    return node;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** A "pprl" object whose keys are checked against a known list. */
  private static final class Block {
    private final JsonNode node;
    private final String where;

    Block(JsonNode node, String where, String... known) throws SchemaException {
      this.node = node;
      this.where = where;
      if (node == null) {
        return;
      }
      if (!node.isObject()) {
        throw new SchemaException(where, "must be an object");
      }
      Set<String> allowed = Set.of(known);
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!allowed.contains(name)) {
          throw new SchemaException(
              where + "." + name, "is not a known key; known: " + String.join(", ", known));
        }
      }
    }

    JsonNode node(String key) {
      return node == null ? null : node.get(key);
    }

    String string(String key, String fallback) throws SchemaException {
      JsonNode v = node(key);
      if (v == null) {
        return fallback;
      }
      if (!v.isTextual() || v.asText().isEmpty()) {
        throw new SchemaException(where + "." + key, "must be a non-empty string");
      }
      return v.asText();
    }

    String requiredString(String key) throws SchemaException {
      String v = string(key, null);
      if (v == null) {
        throw new SchemaException(where + "." + key, "is required");
      }
      return v;
    }

    boolean bool(String key, boolean fallback) throws SchemaException {
      JsonNode v = node(key);
      if (v == null) {
        return fallback;
      }
      if (!v.isBoolean()) {
        throw new SchemaException(where + "." + key, "must be true or false");
      }
      return v.asBoolean();
    }

    int integer(String key, int fallback) throws SchemaException {
      JsonNode v = node(key);
      if (v == null) {
        return fallback;
      }
      if (!v.isIntegralNumber()) {
        throw new SchemaException(where + "." + key, "must be an integer");
      }
      return v.asInt();
    }

    double number(String key, double fallback) throws SchemaException {
      JsonNode v = node(key);
      if (v == null) {
        return fallback;
      }
      if (!v.isNumber()) {
        throw new SchemaException(where + "." + key, "must be a number");
      }
      return v.asDouble();
    }
  }

  private static final class Builder {
    ClkhashSchema clkhash;
    boolean byName;
    final List<String> featureColumns = new ArrayList<>();
    final List<JsonNode> featureNormalise = new ArrayList<>();
    final List<JsonNode> attributeNormalise = new ArrayList<>();
    final List<Normaliser> normalisers = new ArrayList<>();
    final List<Integer> fieldFilterFeatures = new ArrayList<>();
    boolean fieldFilterFlagSet;
    List<FieldFilter> fieldFilters; // null: one per feature in fieldFilterFeatures
    int fieldFilterBits;
    String recordIdColumn;
    final List<BlockingKeySpec> blockingKeys = new ArrayList<>();
    final List<Attribute> attributes = new ArrayList<>();
    final List<Consent> consents = new ArrayList<>();
    Hardening hardening = Hardening.NONE;
    byte[] fingerprint;
    String preferredDateFormat;
  }
}
