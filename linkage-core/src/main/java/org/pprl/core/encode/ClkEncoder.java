package org.pprl.core.encode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.pprl.core.bits.BitFilters;
import org.pprl.core.schema.ClkhashSchema;
import org.pprl.core.schema.FeatureSpec;

/**
 * Encodes records into CLKs (cryptographic long-term keys: one Bloom filter per record) exactly as
 * clkhash 0.18.3 does for a v3 schema and the same secret.
 *
 * <p>Per record: each non-ignored column is checked against its feature's format, formatted,
 * tokenized and its tokens hashed with the feature's own keys into a filter of {@code l *
 * 2^xorFolds} bits, which is then XOR-folded to {@code l} bits. Filters use the {@link BitFilters}
 * layout; {@link BitFilters#toClkhashBytes} gives clkhash's bytes.
 *
 * <p>Thread safety: an instance may be shared by threads. Each thread gets its own scratch filter,
 * MAC instances and token caches (bounded, see {@link TokenCache}), created on its first record.
 */
public final class ClkEncoder {
  private final ClkhashSchema schema;
  private final byte[][][] keys;
  private final ThreadLocal<Worker> workers;

  /**
   * An encoder for {@code schema} with the shared {@code secret} (clkhash encodes a string secret
   * as UTF-8; pass those bytes).
   */
  public ClkEncoder(ClkhashSchema schema, byte[] secret) {
    this(schema, secret, FeatureEncoder.CACHE_SLOTS);
  }

  ClkEncoder(ClkhashSchema schema, byte[] secret, int cacheSlots) {
    if (schema == null || secret == null) {
      throw new IllegalArgumentException("schema and secret are required");
    }
    this.schema = schema;
    this.keys = KeyDerivation.derive(secret, schema);
    // The supplier must not capture `this`: a thread's Worker would then keep this encoder, and so
    // its ThreadLocal, reachable for the thread's whole life.
    byte[][][] k = keys;
    this.workers = ThreadLocal.withInitial(() -> new Worker(schema, k, cacheSlots));
  }

  /** The schema this encoder follows. */
  public ClkhashSchema schema() {
    return schema;
  }

  /** Length of each encoding in bits ({@code clkConfig.l}). */
  public int filterBits() {
    return schema.filterBits();
  }

  /**
   * Checks a CSV header as clkhash does: the same number of columns as features, each named as its
   * feature.
   *
   * @throws RecordException with row {@link RecordException#HEADER} naming the first mismatch
   */
  public void checkHeader(String[] header) throws RecordException {
    checkHeader(schema, header);
  }

  /** As {@link #checkHeader(String[])}, for {@code schema}; needs no secret. */
  public static void checkHeader(ClkhashSchema schema, String[] header) throws RecordException {
    List<FeatureSpec> features = schema.features();
    if (header.length != features.size()) {
      throw new RecordException(
          RecordException.HEADER,
          null,
          "has " + header.length + " columns, the schema has " + features.size() + " features");
    }
    for (int i = 0; i < header.length; i++) {
      String expected = features.get(i).identifier();
      if (!expected.equals(header[i])) {
        throw new RecordException(
            RecordException.HEADER,
            null,
            "column "
                + (i + 1)
                + " is named '"
                + header[i]
                + "', the schema's feature "
                + (i + 1)
                + " is '"
                + expected
                + "'");
      }
    }
  }

  /**
   * Encodes one record.
   *
   * @param fields the row's values in schema column order
   * @param row the 0-based row number, used in error messages only
   * @throws RecordException naming the row and column of the first invalid value
   */
  public long[] encode(String[] fields, long row) throws RecordException {
    long[] out = new long[BitFilters.wordCount(schema.filterBits())];
    encode(fields, row, out);
    return out;
  }

  /** As {@link #encode(String[], long)}. */
  public long[] encode(List<String> fields, long row) throws RecordException {
    return encode(fields.toArray(new String[0]), row);
  }

  /**
   * Encodes one record into {@code out}, which must have {@code wordCount(filterBits())} words; it
   * is overwritten.
   *
   * @throws RecordException naming the row and column of the first invalid value ({@code out} is
   *     then unspecified)
   */
  public void encode(String[] fields, long row, long[] out) throws RecordException {
    if (out.length != BitFilters.wordCount(schema.filterBits())) {
      throw new IllegalArgumentException(
          "output has "
              + out.length
              + " words, expected "
              + BitFilters.wordCount(schema.filterBits()));
    }
    workers.get().encode(fields, row, out, NO_FIELDS, null, null);
  }

  private static final int[] NO_FIELDS = new int[0];

  /**
   * Encodes one record into {@code out} and also gives each listed feature its own field-level
   * filter: the bits that feature alone sets, folded like the CLK. The CLK is the OR of all
   * features' bits before folding, so the field filters cost no extra hashing.
   *
   * @param fieldFeatures indices of non-ignored features, one per field filter
   * @param fieldOut one array per listed feature, each {@code wordCount(filterBits())} words;
   *     overwritten
   * @throws RecordException naming the row and column of the first invalid value
   */
  public void encode(String[] fields, long row, long[] out, int[] fieldFeatures, long[][] fieldOut)
      throws RecordException {
    encode(fields, row, out, fieldFeatures, fieldOut, null);
  }

  /**
   * As {@link #encode(String[], long, long[], int[], long[][])}, with every token of feature i
   * salted with {@code salts[i]} (a null array or a null entry: unsalted; an empty entry: the
   * feature is left out, as a missing value). Salted filters are not clkhash's.
   */
  public void encode(
      String[] fields, long row, long[] out, int[] fieldFeatures, long[][] fieldOut, String[] salts)
      throws RecordException {
    int words = BitFilters.wordCount(schema.filterBits());
    if (out.length != words || fieldOut.length != fieldFeatures.length) {
      throw new IllegalArgumentException(
          "output shape: "
              + out.length
              + " CLK words and "
              + fieldOut.length
              + " field filters, expected "
              + words
              + " and "
              + fieldFeatures.length);
    }
    for (int k = 0; k < fieldFeatures.length; k++) {
      int f = fieldFeatures[k];
      if (f < 0 || f >= schema.features().size() || schema.features().get(f).ignored()) {
        throw new IllegalArgumentException("feature " + f + " cannot have a field filter");
      }
      if (fieldOut[k].length != words) {
        throw new IllegalArgumentException(
            "field filter " + k + " has " + fieldOut[k].length + " words, expected " + words);
      }
    }
    workers.get().encode(fields, row, out, fieldFeatures, fieldOut, salts);
  }

  /** One thread's mutable state: scratch filter and per-feature encoders. */
  private static final class Worker {
    private final ClkhashSchema schema;
    private final List<FeatureSpec> features;
    private final FeatureEncoder[] encoders;
    private final long[] scratch;
    private long[][] fieldScratch = new long[0][];
    private final int[] fieldOf;
    private final String[] formatted;

    Worker(ClkhashSchema schema, byte[][][] keys, int cacheSlots) {
      this.schema = schema;
      this.features = schema.features();
      this.encoders = new FeatureEncoder[features.size()];
      this.scratch = new long[BitFilters.wordCount(schema.hashBits())];
      this.fieldOf = new int[features.size()];
      this.formatted = new String[features.size()];
      for (int i = 0; i < encoders.length; i++) {
        FeatureSpec f = features.get(i);
        if (!f.ignored()) {
          encoders[i] = new FeatureEncoder(f, keys[i], schema.hashBits(), cacheSlots);
        }
      }
    }

    void encode(
        String[] fields,
        long row,
        long[] out,
        int[] fieldFeatures,
        long[][] fieldOut,
        String[] salts)
        throws RecordException {
      if (fields.length != encoders.length) {
        throw new RecordException(
            row, null, "has " + fields.length + " columns, expected " + encoders.length);
      }
      // Validate the whole row before hashing any of it, as clkhash validates before hashing,
      // and report every feature that fails, not only the first.
      List<RecordException.Problem> problems = null;
      for (int i = 0; i < encoders.length; i++) {
        if (encoders[i] == null) {
          continue;
        }
        FeatureSpec f = features.get(i);
        String reason = f.check(fields[i]);
        if (reason != null) {
          if (problems == null) {
            problems = new ArrayList<>();
          }
          problems.add(new RecordException.Problem(row, f.identifier(), null, reason));
          continue;
        }
        formatted[i] = f.format(fields[i]);
      }
      if (problems != null) {
        throw new RecordException(problems);
      }
      Arrays.fill(scratch, 0L);
      Arrays.fill(fieldOf, -1);
      for (int k = 0; k < fieldFeatures.length; k++) {
        fieldOf[fieldFeatures[k]] = k;
      }
      if (fieldScratch.length < fieldFeatures.length) {
        fieldScratch = new long[fieldFeatures.length][scratch.length];
      }
      for (int i = 0; i < encoders.length; i++) {
        if (encoders[i] == null) {
          continue;
        }
        int k = fieldOf[i];
        long[] target = k < 0 ? scratch : fieldScratch[k];
        if (k >= 0) {
          Arrays.fill(target, 0L);
        }
        String salt = salts == null ? null : salts[i];
        if (salt != null && salt.isEmpty()) {
          // A salted feature without its salt: left out, as a missing value is, because unsalted
          // bits would disagree with every salted partner and join the unsalted up across strata.
          continue;
        }
        try {
          encoders[i].add(formatted[i], salt, target);
        } catch (NumberFormatException e) {
          // A JDK parser's message quotes its input: never let it through.
          throw new RecordException(row, features.get(i).identifier(), "not a number");
        } catch (IllegalArgumentException e) {
          // Our tokenizers' and encodings' messages describe the shape only.
          throw new RecordException(row, features.get(i).identifier(), e.getMessage());
        }
        if (k >= 0) {
          // A field filter's bits are also the CLK's: hashed once, used twice.
          for (int w = 0; w < scratch.length; w++) {
            scratch[w] |= target[w];
          }
        }
      }
      Folding.fold(scratch, schema.hashBits(), schema.xorFolds(), out);
      for (int k = 0; k < fieldFeatures.length; k++) {
        Folding.fold(fieldScratch[k], schema.hashBits(), schema.xorFolds(), fieldOut[k]);
      }
    }
  }
}
