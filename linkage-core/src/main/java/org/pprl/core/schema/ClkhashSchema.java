package org.pprl.core.schema;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable, validated clkhash linkage schema, version 3: the CLK length, the key derivation,
 * XOR folding and the features in CSV column order.
 *
 * <p>It reads the format defined by clkhash 0.18.3's {@code schemas/v3.json} and produces the same
 * encodings as clkhash for the same secret. Where clkhash and its own JSON Schema disagree, or
 * where clkhash would silently ignore a key, {@link #parse} refuses the schema rather than guess;
 * {@code docs/encoder.md} lists each case. In short:
 *
 * <ul>
 *   <li>{@code clkConfig.xorFolds} is honoured as the spec defines it (clkhash 0.18.3 reads {@code
 *       xor_folds} instead and ignores {@code xorFolds}); a schema carrying {@code xor_folds} is
 *       refused.
 *   <li>Unknown keys are refused everywhere, also where v3.json would let them pass.
 *   <li>Problems clkhash reports only while hashing (a BLAKE2b key longer than 64 bytes, a
 *       non-power-of-two length with {@code blakeHash}, more key material than HKDF can give) are
 *       reported here.
 * </ul>
 */
public final class ClkhashSchema {
  private final List<FeatureSpec> features;
  private final int filterBits;
  private final int xorFolds;
  private final String kdfHash;
  private final byte[] kdfSalt;
  private final byte[] kdfInfo;
  private final int kdfKeySize;

  ClkhashSchema(
      List<FeatureSpec> features,
      int filterBits,
      int xorFolds,
      String kdfHash,
      byte[] kdfSalt,
      byte[] kdfInfo,
      int kdfKeySize) {
    this.features = Collections.unmodifiableList(new ArrayList<>(features));
    this.filterBits = filterBits;
    this.xorFolds = xorFolds;
    this.kdfHash = kdfHash;
    this.kdfSalt = kdfSalt;
    this.kdfInfo = kdfInfo;
    this.kdfKeySize = kdfKeySize;
  }

  /**
   * Reads and validates a schema.
   *
   * @throws SchemaException naming the JSON path and the rule broken
   * @throws IOException if the stream cannot be read
   */
  public static ClkhashSchema parse(InputStream json) throws SchemaException, IOException {
    return SchemaParser.parse(json);
  }

  /**
   * Reads and validates a schema file.
   *
   * @throws SchemaException naming the JSON path and the rule broken
   * @throws IOException if the file cannot be read
   */
  public static ClkhashSchema parse(Path file) throws SchemaException, IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in);
    }
  }

  /** The features in column order (ignored ones included). */
  public List<FeatureSpec> features() {
    return features;
  }

  /** The index of the feature with this identifier, or -1 when there is none. */
  public int featureIndex(String identifier) {
    for (int f = 0; f < features.size(); f++) {
      if (features.get(f).identifier().equals(identifier)) {
        return f;
      }
    }
    return -1;
  }

  /** The feature identifiers in column order: the CSV header clkhash expects. */
  public List<String> featureNames() {
    List<String> names = new ArrayList<>(features.size());
    for (FeatureSpec f : features) {
      names.add(f.identifier());
    }
    return names;
  }

  /** {@code clkConfig.l}: the length of an encoding after folding, in bits. */
  public int filterBits() {
    return filterBits;
  }

  /** {@code clkConfig.xorFolds}: how many times the filter is folded in half. */
  public int xorFolds() {
    return xorFolds;
  }

  /** The length tokens are hashed into, before folding: {@code l * 2^xorFolds}. */
  public int hashBits() {
    return filterBits << xorFolds;
  }

  /** HKDF's hash: {@code SHA256} or {@code SHA512}. */
  public String kdfHash() {
    return kdfHash;
  }

  /** HKDF salt, or {@code null} when the schema has none (HKDF then uses zeros). */
  public byte[] kdfSalt() {
    return kdfSalt == null ? null : kdfSalt.clone();
  }

  /** HKDF info, or {@code null} when the schema has none. */
  public byte[] kdfInfo() {
    return kdfInfo == null ? null : kdfInfo.clone();
  }

  /** Size of each derived key in bytes; every feature gets two. */
  public int kdfKeySize() {
    return kdfKeySize;
  }
}
