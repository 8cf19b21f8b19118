package org.pprl.core.schema;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pprl.core.block.BlockingKeySpec;

/**
 * Keyed blocking keys derived from a plain clkhash v3 schema, so that a steward who holds the
 * schema, the secret and the raw extract can write, beside clkhash's CLKs, keys the linkage service
 * blocks by instead of Hamming LSH on the CLKs.
 *
 * <p>{@link #of} finds the features that hold a given name, a family name, a date of birth and a
 * postcode by their identifiers (a fixed, documented vocabulary; {@code docs/encoder.md}) and
 * formats, and combines them into up to four keys. Both stewards derive the same keys from the same
 * schema, whose fingerprint the linker checks; the keys are ordinary {@link BlockingKeySpec}s,
 * HMAC-keyed with the shared secret like a schema's own.
 */
public final class DerivedBlockingKeys {
  /*
   * The design follows P-Sig (Y. Zhang, K.-S. Ng, T. Churchill and P. Christen, "Scalable entity
   * resolution using probabilistic signatures on parallel databases", CIKM 2018; Data61's blocklib
   * implements it for the anonlink ecosystem): several signatures per record, each a combination of
   * cheap, error-tolerant pieces of two fields, so that a true pair shares at least one signature
   * unless errors hit every one of them, and a signature that is too frequent to tell anything is
   * dropped. Here the pieces are a Soundex of a normalised name (nicknames resolved for given
   * names), the year, the unordered month and day, or the whole date of birth read from its digits,
   * and the postcode's letters and digits; the keys pair them as the engine's example schema does
   * (family name with year of birth, given with family name, given name with the date of birth, the
   * birth day with the postcode), whose pairs completeness at a million records per extract is
   * measured in docs/linkage.md and, for these keys, docs/performance.md. Too-frequent values are
   * the linker's business, as for every keyed key: a block pairing more than its limit of records
   * is skipped and counted.
   *
   * The pieces code the value as clkhash tokenizes it (dates as %Y%m%d, integers canonical), never
   * the CLK's bits: the CLK stays clkhash's bit for bit. Features are recognised by identifier only
   * (clkhash schemas carry no other semantics): a schema whose identifiers say nothing gets no keys,
   * and its extracts link by LSH as before.
   */

  /**
   * Every derived key's name starts with this: it names the derivation, so a new one never mixes.
   */
  public static final String PREFIX = "d1.";

  /** What a feature holds, as far as blocking is concerned. */
  public enum Role {
    GIVEN_NAME("given name"),
    FAMILY_NAME("family name"),
    BIRTH_DATE("date of birth"),
    POSTCODE("postcode");

    final String label;

    Role(String label) {
      this.label = label;
    }
  }

  /**
   * The outcome of a derivation.
   *
   * @param keys the derived keys, none when the schema's features could not be mapped
   * @param features the identifier of the feature found for each role
   */
  public record Derivation(List<BlockingKeySpec> keys, Map<Role, String> features) {
    public Derivation {
      keys = List.copyOf(keys);
      features = Map.copyOf(features);
    }

    /** Whether any key was derived. */
    public boolean derived() {
      return !keys.isEmpty();
    }

    /** One line for the user: the keys and the features they read, or why there are none. */
    public String describe() {
      List<String> found = new ArrayList<>();
      for (Role r : Role.values()) {
        if (features.containsKey(r)) {
          found.add("'" + features.get(r) + "' as " + r.label);
        }
      }
      String from = found.isEmpty() ? "none recognised" : String.join(", ", found);
      if (keys.isEmpty()) {
        return "no blocking keys derived: the schema's feature identifiers name too few of given"
            + " name, family name, date of birth and postcode for any key (found: "
            + from
            + "); encoding CLKs only";
      }
      List<String> names = new ArrayList<>();
      keys.forEach(k -> names.add(k.name()));
      return keys.size()
          + " blocking keys derived from the schema ("
          + String.join(", ", names)
          + ") from "
          + from;
    }
  }

  /** A key over two roles: its name (after {@link #PREFIX}) and each role's code. */
  private record Template(
      String name, Role first, String firstCode, Role second, String secondCode, boolean noDate) {}

  private static final List<Template> TEMPLATES =
      List.of(
          new Template(
              "family_soundex.birth_year",
              Role.FAMILY_NAME,
              "name_soundex",
              Role.BIRTH_DATE,
              "digits_year",
              false),
          new Template(
              "given_soundex.family_soundex",
              Role.GIVEN_NAME,
              "given_soundex",
              Role.FAMILY_NAME,
              "name_soundex",
              false),
          new Template(
              "given_soundex.birth_date",
              Role.GIVEN_NAME,
              "given_soundex",
              Role.BIRTH_DATE,
              "digits_date",
              false),
          new Template(
              "birth_month_day.postcode",
              Role.BIRTH_DATE,
              "digits_month_day",
              Role.POSTCODE,
              "alnum",
              false),
          // Without a date of birth, the postcode pairs with each name instead.
          new Template(
              "family_soundex.postcode",
              Role.FAMILY_NAME,
              "name_soundex",
              Role.POSTCODE,
              "alnum",
              true),
          new Template(
              "given_soundex.postcode",
              Role.GIVEN_NAME,
              "given_soundex",
              Role.POSTCODE,
              "alnum",
              true));

  private DerivedBlockingKeys() {}

  /** The keys of {@code schema}: each template whose two roles were both found. */
  public static Derivation of(ClkhashSchema schema) {
    Map<Role, String> features = new EnumMap<>(Role.class);
    for (FeatureSpec f : schema.features()) {
      if (f.ignored()) {
        continue; // not encoded: the schema's author kept it out of the linkage
      }
      Role role = roleOf(f.identifier());
      if (role != null && fits(role, f.formatType())) {
        features.putIfAbsent(role, f.identifier());
      }
    }
    List<BlockingKeySpec> keys = new ArrayList<>();
    boolean date = features.containsKey(Role.BIRTH_DATE);
    for (Template t : TEMPLATES) {
      if (features.containsKey(t.first())
          && features.containsKey(t.second())
          && (!t.noDate() || !date)) {
        keys.add(
            BlockingKeySpec.of(
                PREFIX + t.name(),
                features.get(t.first()),
                t.firstCode(),
                features.get(t.second()),
                t.secondCode()));
      }
    }
    return new Derivation(keys, features);
  }

  /** Names are strings; a date of birth may be a date, an integer or a string; a postcode too. */
  private static boolean fits(Role role, String formatType) {
    switch (role) {
      case GIVEN_NAME:
      case FAMILY_NAME:
        return "string".equals(formatType);
      case BIRTH_DATE:
        return !"enum".equals(formatType);
      default:
        return "string".equals(formatType) || "integer".equals(formatType);
    }
  }

  private static final Set<String> GIVEN =
      Set.of(
          "givenname",
          "givennames",
          "firstname",
          "firstnames",
          "forename",
          "forenames",
          "fname",
          "given",
          "first");

  private static final Set<String> FAMILY =
      Set.of("surname", "surnames", "lastname", "familyname", "lname", "last", "family");

  private static final Set<String> BIRTH =
      Set.of("dob", "birth", "birthdate", "birthday", "bdate", "born", "dateofbirth");

  private static final Set<String> POSTCODE =
      Set.of("postcode", "postcodes", "postalcode", "zip", "zipcode", "plz");

  /**
   * Words that make a name or date someone else's, or not a person's identity: the mother's
   * surname, a middle name, the place of birth.
   */
  private static final Set<String> OTHER =
      Set.of(
          "mother",
          "father",
          "parent",
          "spouse",
          "partner",
          "maiden",
          "middle",
          "previous",
          "former",
          "alias",
          "other",
          "place",
          "country",
          "city",
          "town",
          "weight",
          "order");

  /**
   * The role an identifier names, or null. The identifier is split into lower-case words at
   * anything but letters and digits and at lower-to-upper case changes ({@code dateOfBirth}, {@code
   * DOB YYYY/MM/DD}, {@code given_name}); a role is recognised from the words joined ({@code
   * firstname}, {@code surname}, {@code dob}, {@code zipcode}) or from a qualifier with {@code
   * name} ({@code given}, {@code first}, {@code fore}, {@code christian}; {@code last}, {@code
   * family}, {@code sur}), {@code birth}/{@code born}/{@code dob}, or {@code post(al)} with {@code
   * code}.
   */
  static Role roleOf(String identifier) {
    List<String> words = words(identifier);
    if (words.isEmpty() || words.stream().anyMatch(OTHER::contains)) {
      return null;
    }
    String joined = String.join("", words);
    boolean name = words.contains("name") || words.contains("names");
    if (GIVEN.contains(joined)
        || words.stream().anyMatch(GIVEN::contains) && (name || words.size() == 1)
        || name && words.stream().anyMatch(w -> w.equals("fore") || w.equals("christian"))) {
      return Role.GIVEN_NAME;
    }
    if (FAMILY.contains(joined)
        || words.contains("surname")
        || words.contains("surnames")
        || name
            && words.stream()
                .anyMatch(w -> w.equals("last") || w.equals("family") || w.equals("sur"))) {
      return Role.FAMILY_NAME;
    }
    if (words.stream().anyMatch(BIRTH::contains) || BIRTH.contains(joined)) {
      return Role.BIRTH_DATE;
    }
    if (POSTCODE.contains(joined)
        || words.stream().anyMatch(POSTCODE::contains)
        || words.contains("code") && (words.contains("post") || words.contains("postal"))) {
      return Role.POSTCODE;
    }
    return null;
  }

  /** The identifier's words, lower case (see {@link #roleOf}). */
  static List<String> words(String identifier) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    for (int i = 0; i < identifier.length(); i++) {
      char c = identifier.charAt(i);
      if (!Character.isLetterOrDigit(c)) {
        flush(w, out);
        continue;
      }
      if (i > 0 && Character.isUpperCase(c) && Character.isLowerCase(identifier.charAt(i - 1))) {
        flush(w, out);
      }
      w.append(c);
    }
    flush(w, out);
    return out;
  }

  private static void flush(StringBuilder w, List<String> out) {
    if (w.length() > 0) {
      out.add(w.toString().toLowerCase(Locale.ROOT));
      w.setLength(0);
    }
  }
}
