package org.pprl.core.schema;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Validates a v3 schema document key by key and builds the {@link ClkhashSchema}.
 *
 * <p>The rules are those of clkhash 0.18.3's {@code schemas/v3.json} plus the checks its Python
 * classes make, with two deliberate differences: unknown keys are errors everywhere (a misspelt
 * {@code postional} would otherwise change encodings silently), and keys that clkhash reads under a
 * different name than its spec ({@code xor_folds}, {@code fractionalPrecision}) are refused with an
 * explanation instead of being half-honoured. Every error names the JSON path.
 */
final class SchemaParser {
  private SchemaParser() {}

  /** HKDF can produce at most 255 hash blocks. */
  private static final int HKDF_MAX_BLOCKS = 255;

  /** Largest {@code l * 2^xorFolds} accepted; positions are ints and filters long[] words. */
  static final int MAX_HASH_BITS = 1 << 30;

  static ClkhashSchema parse(InputStream in) throws SchemaException, IOException {
    ObjectMapper mapper = new ObjectMapper();
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    JsonNode root;
    try {
      root = mapper.readTree(in);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String why = e.getOriginalMessage();
      int noise = why.indexOf(" (start marker");
      throw new SchemaException(
          "", "not valid JSON: " + (noise < 0 ? why : why.substring(0, noise)) + where);
    }
    if (root == null || root.isMissingNode()) {
      throw new SchemaException("", "empty document, expected a JSON object");
    }
    return schema(new Obj("", root));
  }

  private static ClkhashSchema schema(Obj root) throws SchemaException {
    root.allowOnly("version", "clkConfig", "features");
    JsonNode version = root.require("version");
    if (!version.isNumber() || version.decimalValue().compareTo(BigDecimal.valueOf(3)) != 0) {
      throw new SchemaException(
          "version",
          "only linkage schema version 3 is supported, got "
              + version
              + " (clkhash converts versions 1 and 2; convert the schema with clkhash first)");
    }
    Obj clk = root.object("clkConfig");
    clk.allowOnly("l", "kdf", "xorFolds", "xor_folds");
    if (clk.has("xor_folds")) {
      throw new SchemaException(
          clk.path("xor_folds"),
          "not part of the v3 spec, which names this key xorFolds; clkhash 0.18.3 reads xor_folds"
              + " and ignores xorFolds, so the two disagree. Use xorFolds");
    }
    int l = clk.requiredInt("l", 1, MAX_HASH_BITS);
    int folds = clk.optionalInt("xorFolds", 0, 30, 0);
    if ((long) l << folds > MAX_HASH_BITS) {
      throw new SchemaException(
          clk.path("xorFolds"), "l * 2^xorFolds must be at most 2^30, got " + l + " * 2^" + folds);
    }
    Obj kdf = clk.object("kdf");
    kdf.allowOnly("type", "hash", "salt", "info", "keySize");
    String kdfType = kdf.requiredString("type");
    if (!"HKDF".equals(kdfType)) {
      throw new SchemaException(kdf.path("type"), "must be \"HKDF\", got \"" + kdfType + "\"");
    }
    String hash = kdf.optionalEnum("hash", "SHA256", "SHA256", "SHA512");
    byte[] salt = kdf.optionalBase64("salt");
    byte[] info = kdf.optionalBase64("info");
    int keySize = kdf.optionalInt("keySize", 1, 1 << 20, 64);

    JsonNode featuresNode = root.require("features");
    if (!featuresNode.isArray()) {
      throw new SchemaException("features", "must be an array, got " + type(featuresNode));
    }
    List<FeatureSpec> features = new ArrayList<>();
    boolean anyBlake = false;
    for (int i = 0; i < featuresNode.size(); i++) {
      FeatureSpec f = feature(new Obj("features[" + i + "]", featuresNode.get(i)));
      features.add(f);
      if (f.hashFunction() == HashFunction.BLAKE_HASH) {
        anyBlake = true;
      }
    }

    int hashBits = l << folds;
    if (anyBlake && Integer.bitCount(hashBits) != 1) {
      throw new SchemaException(
          "clkConfig.l", "blakeHash needs l * 2^xorFolds to be a power of two, got " + hashBits);
    }
    int hashLen = "SHA512".equals(hash) ? 64 : 32;
    long needed = 2L * features.size() * keySize;
    if (needed > (long) HKDF_MAX_BLOCKS * hashLen) {
      throw new SchemaException(
          kdf.path("keySize"),
          "2 keys * "
              + features.size()
              + " features * "
              + keySize
              + " bytes = "
              + needed
              + " bytes exceeds what HKDF-"
              + hash
              + " can derive ("
              + HKDF_MAX_BLOCKS * hashLen
              + ")");
    }
    if (anyBlake && keySize > 64) {
      throw new SchemaException(
          kdf.path("keySize"), "blakeHash keys are at most 64 bytes (BLAKE2b), got " + keySize);
    }
    return new ClkhashSchema(features, l, folds, hash, salt, info, keySize);
  }

  private static FeatureSpec feature(Obj f) throws SchemaException {
    String identifier = f.requiredString("identifier");
    boolean ignored = false;
    if (f.has("ignored")) {
      JsonNode ig = f.node.get("ignored");
      if (!ig.isBoolean()) {
        throw new SchemaException(f.path("ignored"), "must be true or false, got " + type(ig));
      }
      ignored = ig.booleanValue();
    }
    if (ignored) {
      f.allowOnly("identifier", "ignored", "description");
      f.optionalString("description");
      return FeatureSpec.ignored(identifier);
    }
    f.allowOnly("identifier", "ignored", "description", "format", "hashing");
    f.optionalString("description");
    Obj format = f.object("format");
    Obj hashing = f.object("hashing");

    String formatType = format.requiredEnum("type", "string", "integer", "date", "enum");
    ValueFormat valueFormat;
    TextEncoding encoding = TextEncoding.UTF_8;
    switch (formatType) {
      case "string":
        if (format.has("pattern")) {
          format.allowOnly("type", "encoding", "pattern", "description");
          encoding = encoding(format);
          String regex = format.requiredString("pattern");
          try {
            valueFormat =
                new ValueFormat.PatternFormat(
                    Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS));
          } catch (PatternSyntaxException e) {
            throw new SchemaException(
                format.path("pattern"), "not a valid regular expression: " + e.getDescription());
          }
        } else {
          format.allowOnly("type", "encoding", "case", "minLength", "maxLength", "description");
          encoding = encoding(format);
          String textCase = format.optionalEnum("case", "mixed", "upper", "lower", "mixed");
          Integer min = format.has("minLength") ? format.requiredInt("minLength", 0, null) : null;
          Integer max = format.has("maxLength") ? format.requiredInt("maxLength", 1, null) : null;
          if (min != null && max != null && min > max) {
            throw new SchemaException(
                format.path("minLength"),
                "must not exceed maxLength " + max + ", got " + min + " (no value could match)");
          }
          valueFormat = new ValueFormat.TextFormat(min, max, textCase);
        }
        break;
      case "integer":
        format.allowOnly("type", "minimum", "maximum", "description");
        BigInteger min = format.optionalBigInteger("minimum");
        BigInteger max = format.optionalBigInteger("maximum");
        if (min != null && max != null && min.compareTo(max) > 0) {
          throw new SchemaException(
              format.path("minimum"), "must not exceed maximum " + max + ", got " + min);
        }
        valueFormat = new ValueFormat.IntegerFormat(min, max);
        break;
      case "date":
        format.allowOnly("type", "format", "description");
        String dateFormat = format.requiredString("format");
        try {
          valueFormat = new ValueFormat.DateFormat(Strptime.compile(dateFormat));
        } catch (IllegalArgumentException e) {
          throw new SchemaException(format.path("format"), e.getMessage());
        }
        break;
      default:
        format.allowOnly("type", "values", "description");
        JsonNode values = format.require("values");
        if (!values.isArray()) {
          throw new SchemaException(format.path("values"), "must be an array of strings");
        }
        Set<String> set = new LinkedHashSet<>();
        for (int i = 0; i < values.size(); i++) {
          if (!values.get(i).isTextual()) {
            throw new SchemaException(
                format.path("values") + "[" + i + "]",
                "must be a string, got " + type(values.get(i)));
          }
          set.add(values.get(i).textValue());
        }
        valueFormat = new ValueFormat.EnumFormat(Set.copyOf(set));
        break;
    }
    format.optionalString("description");

    hashing.allowOnly("comparison", "strategy", "hash", "missingValue");
    Comparison comparison = comparison(hashing.object("comparison"));
    Strategy strategy = strategy(hashing.object("strategy"));
    HashFunction hashFunction = HashFunction.BLAKE_HASH;
    if (hashing.has("hash")) {
      Obj h = hashing.object("hash");
      String hashType = h.requiredEnum("type", "blakeHash", "doubleHash");
      if ("blakeHash".equals(hashType)) {
        h.allowOnly("type");
      } else {
        h.allowOnly("type", "prevent_singularity");
        hashFunction =
            h.optionalBoolean("prevent_singularity", false)
                ? HashFunction.DOUBLE_HASH_NON_SINGULAR
                : HashFunction.DOUBLE_HASH;
      }
    }
    String sentinel = null;
    String replacement = null;
    if (hashing.has("missingValue")) {
      Obj mv = hashing.object("missingValue");
      mv.allowOnly("sentinel", "replaceWith");
      sentinel = mv.requiredString("sentinel");
      replacement = mv.has("replaceWith") ? mv.requiredString("replaceWith") : sentinel;
    }
    return FeatureSpec.hashed(
        identifier,
        valueFormat,
        comparison,
        strategy,
        hashFunction,
        encoding,
        sentinel,
        replacement);
  }

  private static TextEncoding encoding(Obj format) throws SchemaException {
    String name = format.optionalEnum("encoding", "utf-8", "ascii", "utf-8", "utf-16", "utf-32");
    return TextEncoding.fromSchemaName(name);
  }

  private static Comparison comparison(Obj c) throws SchemaException {
    String type = c.requiredEnum("type", "ngram", "exact", "numeric");
    switch (type) {
      case "ngram":
        c.allowOnly("type", "n", "positional");
        int n = c.requiredInt("n", 1, 1 << 16);
        return new Comparison.Ngram(n, c.optionalBoolean("positional", false));
      case "exact":
        c.allowOnly("type");
        return new Comparison.Exact();
      default:
        c.allowOnly(
            "type",
            "thresholdDistance",
            "resolution",
            "fractional_precision",
            "fractionalPrecision");
        if (c.has("fractionalPrecision")) {
          throw new SchemaException(
              c.path("fractionalPrecision"),
              "clkhash 0.18.3 reads fractional_precision and would ignore fractionalPrecision;"
                  + " use fractional_precision");
        }
        JsonNode td = c.require("thresholdDistance");
        if (!td.isNumber() || td.decimalValue().signum() <= 0) {
          throw new SchemaException(c.path("thresholdDistance"), "must be a number > 0, got " + td);
        }
        int resolution = c.requiredInt("resolution", 1, 1 << 16);
        int precision = c.optionalInt("fractional_precision", 0, 300, 0);
        BigInteger interval;
        if (td.isIntegralNumber()) {
          interval = td.bigIntegerValue().multiply(BigInteger.TEN.pow(precision));
        } else {
          double product = td.doubleValue() * PyNumbers.powerOfTen(precision);
          if (Double.isInfinite(product)) {
            throw new SchemaException(
                c.path("thresholdDistance"), "times 10^fractional_precision overflows a double");
          }
          interval = PyNumbers.roundHalfEven(product);
        }
        if (interval.signum() == 0) {
          throw new SchemaException(
              c.path("thresholdDistance"),
              "rounds to 0 at fractional_precision "
                  + precision
                  + " (not enough fractional precision to encode it)");
        }
        return new Comparison.Numeric(td.decimalValue(), resolution, precision, interval);
    }
  }

  private static Strategy strategy(Obj s) throws SchemaException {
    s.allowOnly("bitsPerToken", "bitsPerFeature");
    boolean token = s.has("bitsPerToken");
    boolean feature = s.has("bitsPerFeature");
    if (token == feature) {
      throw new SchemaException(
          s.path, "needs exactly one of bitsPerToken and bitsPerFeature, got " + (token ? 2 : 0));
    }
    return token
        ? new Strategy(false, s.requiredInt("bitsPerToken", 1, 1 << 20))
        : new Strategy(true, s.requiredInt("bitsPerFeature", 1, 1 << 20));
  }

  static String type(JsonNode n) {
    if (n.isTextual()) {
      return "a string";
    }
    if (n.isIntegralNumber()) {
      return "the integer " + n;
    }
    if (n.isNumber()) {
      return "the number " + n;
    }
    if (n.isBoolean()) {
      return n.booleanValue() ? "true" : "false";
    }
    if (n.isNull()) {
      return "null";
    }
    if (n.isArray()) {
      return "an array";
    }
    return "an object";
  }

  /** A JSON object at a path, with typed accessors that report errors by path. */
  private static final class Obj {
    final String path;
    final JsonNode node;

    Obj(String path, JsonNode node) throws SchemaException {
      this.path = path;
      this.node = node;
      if (!node.isObject()) {
        throw new SchemaException(path, "must be an object, got " + type(node));
      }
    }

    String path(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
      return node.has(key);
    }

    void allowOnly(String... keys) throws SchemaException {
      Set<String> allowed = Set.of(keys);
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!allowed.contains(k)) {
          throw new SchemaException(
              path(k), "unknown key; allowed here: " + String.join(", ", List.of(keys)));
        }
      }
    }

    JsonNode require(String key) throws SchemaException {
      JsonNode v = node.get(key);
      if (v == null) {
        throw new SchemaException(path(key), "is required");
      }
      return v;
    }

    Obj object(String key) throws SchemaException {
      return new Obj(path(key), require(key));
    }

    String requiredString(String key) throws SchemaException {
      JsonNode v = require(key);
      if (!v.isTextual()) {
        throw new SchemaException(path(key), "must be a string, got " + type(v));
      }
      return v.textValue();
    }

    void optionalString(String key) throws SchemaException {
      if (has(key)) {
        requiredString(key);
      }
    }

    String requiredEnum(String key, String... allowed) throws SchemaException {
      String v = requiredString(key);
      for (String a : allowed) {
        if (a.equals(v)) {
          return v;
        }
      }
      throw new SchemaException(
          path(key), "must be one of " + String.join(", ", allowed) + "; got \"" + v + "\"");
    }

    String optionalEnum(String key, String fallback, String... allowed) throws SchemaException {
      return has(key) ? requiredEnum(key, allowed) : fallback;
    }

    boolean optionalBoolean(String key, boolean fallback) throws SchemaException {
      if (!has(key)) {
        return fallback;
      }
      JsonNode v = node.get(key);
      if (!v.isBoolean()) {
        throw new SchemaException(path(key), "must be true or false, got " + type(v));
      }
      return v.booleanValue();
    }

    int requiredInt(String key, int min, Integer max) throws SchemaException {
      JsonNode v = require(key);
      if (!v.isIntegralNumber()) {
        throw new SchemaException(path(key), "must be an integer, got " + type(v));
      }
      BigInteger b = v.bigIntegerValue();
      if (b.compareTo(BigInteger.valueOf(min)) < 0) {
        throw new SchemaException(path(key), "must be >= " + min + ", got " + b);
      }
      long upper = max == null ? Integer.MAX_VALUE : max;
      if (b.compareTo(BigInteger.valueOf(upper)) > 0) {
        throw new SchemaException(path(key), "must be <= " + upper + ", got " + b);
      }
      return b.intValue();
    }

    int optionalInt(String key, int min, int max, int fallback) throws SchemaException {
      return has(key) ? requiredInt(key, min, max) : fallback;
    }

    BigInteger optionalBigInteger(String key) throws SchemaException {
      if (!has(key)) {
        return null;
      }
      JsonNode v = node.get(key);
      if (!v.isIntegralNumber()) {
        throw new SchemaException(path(key), "must be an integer, got " + type(v));
      }
      return v.bigIntegerValue();
    }

    byte[] optionalBase64(String key) throws SchemaException {
      if (!has(key)) {
        return null;
      }
      String s = requiredString(key);
      try {
        return Base64.getDecoder().decode(s);
      } catch (IllegalArgumentException e) {
        throw new SchemaException(path(key), "must be base64: " + e.getMessage());
      }
    }
  }
}
