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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pprl.core.block.BlockingKeySpec;
import org.pprl.core.normalise.Normaliser;
import org.pprl.core.normalise.Normalisers;
import org.pprl.core.schema.EngineSchema.Attribute;
import org.pprl.core.schema.EngineSchema.Consent;
import org.pprl.core.schema.EngineSchema.FieldFilter;
import org.pprl.core.schema.EngineSchema.Hardening;

/**
 * Reads an {@link EngineSchema} from its JSON: the clkhash v3 part through {@link ClkhashSchema},
 * then every {@code "pprl"} block, each key checked against the ones its block knows, every rule
 * broken refused with a {@link SchemaException} that names the JSON path.
 */
final class EngineSchemaReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EngineSchemaReader() {}

  /** The schema in {@code json}; see {@link EngineSchema#parse(byte[], String)}. */
  static EngineSchema read(byte[] json, String preferredDateFormat) throws SchemaException {
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
    if (version != EngineSchema.PPRL_VERSION) {
      throw new SchemaException(
          "pprl.version",
          "must be " + EngineSchema.PPRL_VERSION + ", was " + (version < 0 ? "absent" : version));
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
              : b.fieldFilterBits != 0
                  ? b.fieldFilterBits
                  : EngineSchema.halfFullBits(b.clkhash, features);
      out.add(new FieldFilter(name, features, bits));
    }
    b.fieldFilters = out;
  }

  /**
   * The normaliser a {@code normalise} node describes, with every {@code date} step reading {@code
   * date} first ({@code only}: reading nothing else), when it is not null.
   */
  static Normaliser normaliser(JsonNode node, String where, String date, boolean only)
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

  static final class Builder {
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
