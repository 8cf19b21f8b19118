package org.pprl.core.normalise;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The registry of value normalisers: each is addressed by a name and JSON-friendly params, so a
 * schema can name it (for example {@code {"name": "date", "formats": ["dd/MM/yyyy"]}}).
 *
 * <table>
 *   <caption>Normalisers and their params</caption>
 *   <tr><th>name</th><th>params</th><th>example</th></tr>
 *   <tr><td>fold</td><td>none</td><td>" José  ZOË " to "jose zoe"</td></tr>
 *   <tr><td>punctuation</td><td>hyphen: space (default), remove, keep</td>
 *       <td>"O'Brien-Smith" to "OBrien Smith"</td></tr>
 *   <tr><td>name</td><td>hyphen as above; particles: join (default), drop, keep</td>
 *       <td>"Dr. María de la Cruz Jr." to "maria delacruz"</td></tr>
 *   <tr><td>nickname</td><td>none</td><td>"Bill" to "william"</td></tr>
 *   <tr><td>date</td><td>formats: list of patterns, tried in order (default
 *       {@link #DEFAULT_DATE_FORMATS})</td><td>"23/11/2001" to "2001-11-23"</td></tr>
 *   <tr><td>digits</td><td>none</td><td>"(020) 7946-0018" to "02079460018"</td></tr>
 *   <tr><td>upper, lower</td><td>none</td><td>"sw1a" to "SW1A"</td></tr>
 *   <tr><td>missing</td><td>values: list of sentinels, compared folded</td>
 *       <td>"N/A" to ""</td></tr>
 *   <tr><td>chain</td><td>steps: list of names or {"name": ..., params...} maps</td>
 *       <td>missing then name then nickname</td></tr>
 * </table>
 *
 * <p>Every returned normaliser is immutable and thread-safe; see {@link Normaliser} for the
 * contract (empty string means missing, values never appear in errors).
 */
public final class Normalisers {
  private Normalisers() {}

  /** The registry names, sorted. */
  public static final List<String> NAMES =
      List.of(
          "band",
          "chain",
          "date",
          "digits",
          "fold",
          "group",
          "lower",
          "missing",
          "name",
          "nickname",
          "punctuation",
          "truncate",
          "upper");

  /** The date patterns used when a {@code date} normaliser has no {@code formats} param. */
  public static final List<String> DEFAULT_DATE_FORMATS =
      List.of("yyyy-MM-dd", "MM/dd/yyyy", "dd/MM/yyyy", "yyyyMMdd", "d MMM yyyy");

  /** The sentinels used when a {@code missing} normaliser has no {@code values} param. */
  public static final List<String> DEFAULT_MISSING_VALUES = Simple.DEFAULT_SENTINELS;

  /**
   * Builds the normaliser registered under {@code name} with {@code params}.
   *
   * @param name one of {@link #NAMES}
   * @param params JSON-style params (strings and lists of strings or maps); {@code null} or empty
   *     for none
   * @throws IllegalArgumentException naming the normaliser and param for an unknown name, an
   *     unknown param or a param of the wrong shape
   */
  public static Normaliser byName(String name, Map<String, ?> params) {
    Objects.requireNonNull(name, "normaliser name");
    switch (name) {
      case "fold":
        new Params(name, params);
        return Fold.INSTANCE;
      case "punctuation":
        return new Punctuation(hyphen(new Params(name, params, "hyphen")));
      case "name":
        {
          Params p = new Params(name, params, "hyphen", "particles");
          String particles = p.choice("particles", "join", "join", "drop", "keep");
          return new NameNormaliser(
              hyphen(p), NameNormaliser.Particles.valueOf(particles.toUpperCase(Locale.ROOT)));
        }
      case "nickname":
        new Params(name, params);
        return Nicknames.INSTANCE;
      case "date":
        return new DateNormaliser(
            new Params(name, params, "formats").strings("formats", DEFAULT_DATE_FORMATS));
      case "digits":
        new Params(name, params);
        return Simple.DIGITS;
      case "upper":
        new Params(name, params);
        return Simple.UPPER;
      case "lower":
        new Params(name, params);
        return Simple.LOWER;
      case "missing":
        return Simple.missing(
            new Params(name, params, "values").strings("values", DEFAULT_MISSING_VALUES));
      case "chain":
        return chainOf(new Params(name, params, "steps").list("steps"));
      case "band":
        return Coarsen.band(new Params(name, params, "edges").wholeNumbers("edges"));
      case "truncate":
        return Coarsen.truncate(
            new Params(name, params, "to").choice("to", "month", "month", "year"));
      case "group":
        {
          Params p = new Params(name, params, "groups", "other");
          return Coarsen.group(p.groups("groups"), p.string("other", "other"));
        }
      default:
        throw new IllegalArgumentException(
            "unknown normaliser '" + name + "'; known: " + String.join(", ", NAMES));
    }
  }

  /**
   * A normaliser that applies {@code steps} in order, stopping with missing ({@code ""}) as soon as
   * a step returns missing.
   */
  public static Normaliser chain(List<? extends Normaliser> steps) {
    Normaliser[] array = new Normaliser[steps.size()];
    for (int i = 0; i < array.length; i++) {
      if (steps.get(i) == null) {
        throw new NullPointerException("chain step " + i + " is null");
      }
      array[i] = steps.get(i);
    }
    return Simple.chain(array);
  }

  private static Punctuation.Hyphen hyphen(Params p) {
    String h = p.choice("hyphen", "space", "space", "remove", "keep");
    return Punctuation.Hyphen.valueOf(h.toUpperCase(Locale.ROOT));
  }

  private static Normaliser chainOf(List<?> steps) {
    Normaliser[] array = new Normaliser[steps.size()];
    for (int i = 0; i < array.length; i++) {
      Object step = steps.get(i);
      if (step instanceof String) {
        array[i] = byName((String) step, Map.of());
      } else if (step instanceof Map && ((Map<?, ?>) step).get("name") instanceof String) {
        Map<String, Object> params = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) step).entrySet()) {
          if (!"name".equals(e.getKey())) {
            params.put(String.valueOf(e.getKey()), e.getValue());
          }
        }
        array[i] = byName((String) ((Map<?, ?>) step).get("name"), params);
      } else {
        throw new IllegalArgumentException(
            "normaliser 'chain': step "
                + i
                + " must be a name or a map with a 'name' string; was "
                + Params.describe(step));
      }
    }
    return Simple.chain(array);
  }
}
