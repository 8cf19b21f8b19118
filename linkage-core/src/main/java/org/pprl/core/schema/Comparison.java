package org.pprl.core.schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * How a feature's value is split into tokens before hashing: clkhash's comparators ({@code
 * clkhash/comparators.py}). The intersection of two values' token sets approximates their
 * similarity.
 *
 * <p>{@link #tokens} is the reference tokenization, written for clarity; the encoder has an
 * allocation-free path for n-grams that tests check against it.
 */
public sealed interface Comparison permits Comparison.Ngram, Comparison.Exact, Comparison.Numeric {

  /**
   * The tokens of an already formatted value, in clkhash's order (duplicates kept).
   *
   * @throws IllegalArgumentException if the value cannot be tokenized (a numeric comparison of a
   *     value that is not a number); the message never contains the value
   */
  List<String> tokens(String value);

  /**
   * n-grams over code points; for {@code n > 1} the value is padded with {@code n - 1} spaces on
   * both sides. Positional n-grams are prefixed with their 1-based position and a space: the
   * positional bigrams of {@code ab} are {@code "1 a"}, {@code "2 ab"}, {@code "3 b "}. An empty
   * value has no tokens.
   */
  record Ngram(int n, boolean positional) implements Comparison {
    /** Checks {@code n >= 1} (the schema parser reports it with a path first). */
    public Ngram {
      if (n < 1) {
        throw new IllegalArgumentException("n must be >= 1, got " + n);
      }
    }

    @Override
    public List<String> tokens(String value) {
      List<String> out = new ArrayList<>();
      if (value.isEmpty()) {
        return out;
      }
      String word = n > 1 ? " ".repeat(n - 1) + value + " ".repeat(n - 1) : value;
      int[] cps = word.codePoints().toArray();
      for (int i = 0; i + n <= cps.length; i++) {
        String gram = new String(cps, i, n);
        out.add(positional ? (i + 1) + " " + gram : gram);
      }
      return out;
    }
  }

  /** The whole value is one token; an empty value has none. */
  record Exact() implements Comparison {
    @Override
    public List<String> tokens(String value) {
      return value.isEmpty() ? List.of() : List.of(value);
    }
  }

  /**
   * Numeric neighbourhoods (Vatsalan and Christen, 2015) as clkhash implements them: values closer
   * than {@code thresholdDistance} share tokens; each value yields {@code 2 * resolution + 1}
   * tokens.
   *
   * <p>clkhash scales instead of dividing: with {@code d = round(thresholdDistance *
   * 10^fractionalPrecision)} (half to even), a value {@code v} (an integer times {@code
   * 10^fractionalPrecision}, or a float times it rounded half to even, or truncated when the
   * precision is 0) becomes {@code w = 2 * resolution * v}, is moved to the nearest multiple of
   * {@code d} (down when the remainder is below {@code d / 2}), and the tokens are the decimal
   * strings of {@code w + i * d} for {@code i} in {@code -resolution..resolution}.
   *
   * @param distanceInterval {@code d} above, computed by the parser from the JSON literal exactly
   *     as Python does (an integer literal stays exact, a fractional one is a double)
   */
  record Numeric(
      BigDecimal thresholdDistance,
      int resolution,
      int fractionalPrecision,
      BigInteger distanceInterval)
      implements Comparison {

    /** Checks the invariants the parser guarantees. */
    public Numeric {
      if (resolution < 1 || fractionalPrecision < 0 || distanceInterval.signum() <= 0) {
        throw new IllegalArgumentException(
            "resolution >= 1, fractionalPrecision >= 0 and a positive interval are required");
      }
    }

    @Override
    public List<String> tokens(String value) {
      if (value.isEmpty()) {
        return List.of();
      }
      BigInteger v = PyNumbers.parseInt(value);
      if (v != null) {
        if (fractionalPrecision > 0) {
          v = v.multiply(BigInteger.TEN.pow(fractionalPrecision));
        }
      } else {
        Double f = PyNumbers.parseFloat(value);
        if (f == null || f.isNaN() || f.isInfinite()) {
          throw new IllegalArgumentException("not a finite number");
        }
        v =
            fractionalPrecision > 0
                ? PyNumbers.roundHalfEven(f * PyNumbers.powerOfTen(fractionalPrecision))
                : PyNumbers.truncate(f);
      }
      BigInteger d = distanceInterval;
      v = v.multiply(BigInteger.valueOf(2L * resolution));
      BigInteger residue = v.mod(d);
      if (residue.signum() != 0) {
        // Python compares the int residue with the float d / 2 exactly.
        BigDecimal half = new BigDecimal(new BigDecimal(d).doubleValue() / 2);
        if (new BigDecimal(residue).compareTo(half) < 0) {
          v = v.subtract(residue);
        } else {
          v = v.add(d.subtract(residue));
        }
      }
      List<String> out = new ArrayList<>(2 * resolution + 1);
      for (int i = -resolution; i <= resolution; i++) {
        out.add(v.add(d.multiply(BigInteger.valueOf(i))).toString());
      }
      return out;
    }
  }
}
