package org.pprl.core.normalise;

import java.util.Arrays;
import java.util.Set;

/**
 * The {@code name} normaliser: {@code fold}, then {@code punctuation}, then name particles joined,
 * dropped or kept, then leading honorifics and trailing generational suffixes dropped.
 *
 * <p>Particles ("de", "de la", "van der", "von", "da", "di", "le", "la", ...) are the words whose
 * spelling varies most in recorded surnames: "De la Cruz", "Delacruz" and "de la cruz" are the same
 * person. With {@code particles=join} a run of particles is glued to the word that follows it, so
 * all three become "delacruz"; with {@code drop} the run is removed ("cruz"), which also matches
 * records that omit the particle but no longer matches the glued spelling; {@code keep} leaves
 * them. A particle counts only when a non-particle word follows it, so a name that is only "La" or
 * "Di" stays. "mac" and "mc" are prefixes rather than particles: {@code join} and {@code drop} both
 * glue them to the next word ("Mac Donald" becomes "macdonald"), {@code keep} leaves them.
 *
 * <p>Honorifics (mr, mrs, ms, miss, mx, dr, prof, rev, sir, dame) are dropped from the front and
 * suffixes (jr, jnr, sr, snr, ii, iii, iv) from the end, but never the last remaining word, so the
 * surname "Ii" survives. The result is idempotent: applying it twice equals applying it once.
 *
 * <p>Cost: two table-driven passes (fold, punctuation), then one split on single spaces and a few
 * {@link Set} look-ups per word; no regular expression.
 */
final class NameNormaliser implements Normaliser {
  /** What happens to name particles. */
  enum Particles {
    JOIN,
    DROP,
    KEEP
  }

  private static final Set<String> HONORIFICS =
      Set.of("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame");
  private static final Set<String> SUFFIXES = Set.of("jr", "jnr", "sr", "snr", "ii", "iii", "iv");
  private static final Set<String> PARTICLES =
      Set.of(
          "al", "da", "das", "de", "dei", "del", "della", "dello", "den", "der", "des", "di", "do",
          "dos", "du", "el", "la", "las", "le", "lo", "los", "san", "ten", "ter", "van", "von",
          "zu");
  private static final Set<String> PREFIXES = Set.of("mac", "mc");

  private final Punctuation punctuation;
  private final Particles particles;

  NameNormaliser(Punctuation.Hyphen hyphen, Particles particles) {
    this.punctuation = new Punctuation(hyphen);
    this.particles = particles;
  }

  @Override
  public String apply(String value) {
    String s = punctuation.apply(Fold.INSTANCE.apply(value));
    if (s.isEmpty()) {
      return s;
    }
    String[] words = s.split(" ");
    String[] out = new String[words.length];
    int n = particles == Particles.KEEP ? keep(words, out) : glue(words, out);
    int from = 0;
    while (n - from > 1 && HONORIFICS.contains(out[from])) {
      from++;
    }
    while (n - from > 1 && SUFFIXES.contains(out[n - 1])) {
      n--;
    }
    if (from == 0 && n == words.length && particles == Particles.KEEP) {
      return s;
    }
    return String.join(" ", Arrays.asList(out).subList(from, n));
  }

  private static int keep(String[] words, String[] out) {
    System.arraycopy(words, 0, out, 0, words.length);
    return words.length;
  }

  private static boolean isParticle(String w) {
    return PARTICLES.contains(w) || PREFIXES.contains(w);
  }

  /** Joins or drops particle runs that precede a non-particle word; returns the word count. */
  private int glue(String[] words, String[] out) {
    int n = 0;
    int i = 0;
    while (i < words.length) {
      if (!isParticle(words[i])) {
        out[n++] = words[i++];
        continue;
      }
      int j = i;
      while (j < words.length && isParticle(words[j])) {
        j++;
      }
      if (j == words.length) { // a trailing run qualifies nothing: keep it as it is
        while (i < j) {
          out[n++] = words[i++];
        }
        break;
      }
      StringBuilder glued = new StringBuilder();
      for (int k = i; k < j; k++) {
        if (particles == Particles.JOIN || PREFIXES.contains(words[k])) {
          glued.append(words[k]);
        }
      }
      String word = glued.append(words[j]).toString();
      if (isParticle(word) && j + 1 < words.length) {
        // "de l ..." glues to "del", itself a particle: let it start the next run.
        words[j] = word;
        i = j;
        continue;
      }
      out[n++] = word;
      i = j + 1;
    }
    return n;
  }
}
