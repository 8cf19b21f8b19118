package org.pprl.core.block;

import java.util.List;
import java.util.Objects;

/**
 * Derives keyed blocking key functions from specs and the agencies' shared secret.
 *
 * <p>The codes a part may use are {@link #CODES}: the phonetic codes of Apache Commons Codec
 * ({@code soundex}, {@code refined_soundex}, {@code metaphone} (4 characters), {@code
 * double_metaphone} (primary code, 4 characters), {@code nysiis} (strict, 6 characters), {@code
 * caverphone2}, {@code beider_morse} (generic names, approximate rules: a set of codes)), {@code
 * prefix(n)} (the first {@code n} code points), {@code exact}, and the date parts {@code year},
 * {@code year_month} and {@code month_day} (the unordered pair of month and day) of an ISO {@code
 * yyyy-MM-dd} date. For values no normaliser has read (the keys {@code
 * org.pprl.core.schema.DerivedBlockingKeys} derives from a plain clkhash schema) there are codes
 * that normalise first: {@code name_soundex} (Soundex after the {@code name} normaliser), {@code
 * given_soundex} (the same with nicknames resolved), {@code digits_year}, {@code digits_month_day}
 * and {@code digits_date} (a date read from its digits in any common layout, month and day
 * unordered), and {@code alnum} (letters and digits, upper case). See {@link BlockingKeyFunction}
 * for how a key is computed.
 */
public final class BlockingKeys {
  private BlockingKeys() {}

  /** The code names a {@link BlockingKeySpec.Part} may use; {@code prefix(n)} takes 1..64. */
  public static final List<String> CODES =
      List.of(
          "soundex",
          "refined_soundex",
          "metaphone",
          "double_metaphone",
          "nysiis",
          "caverphone2",
          "beider_morse",
          "prefix(n)",
          "exact",
          "year",
          "year_month",
          "month_day",
          "name_soundex",
          "given_soundex",
          "digits_year",
          "digits_month_day",
          "digits_date",
          "alnum");

  /**
   * A blocking key function for {@code spec}, keyed with {@code k_block = HKDF-SHA256(secret, info
   * = "pprl-blocking:" + spec.name())}. The result is thread-confined: derive one per thread.
   *
   * @param secret the shared secret, at least 1 byte (32 random bytes recommended)
   * @throws IllegalArgumentException if the secret is empty
   */
  public static BlockingKeyFunction derive(BlockingKeySpec spec, byte[] secret) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(secret, "secret");
    if (secret.length == 0) {
      throw new IllegalArgumentException("blocking key secret is empty");
    }
    return new BlockingKeyFunction(spec, Hkdf.derive(secret, "pprl-blocking:" + spec.name()));
  }
}
