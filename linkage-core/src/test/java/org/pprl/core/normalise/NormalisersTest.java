package org.pprl.core.normalise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NormalisersTest {

  private static Normaliser named(String name) {
    return Normalisers.byName(name, Map.of());
  }

  /** Examples table: normaliser name, params as "key=value" (list values split on '|'), in, out. */
  @ParameterizedTest(name = "{0}({1}): ''{2}'' -> ''{3}''")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '"',
      value = {
        // fold: accents, special letters, case, whitespace, compatibility forms
        "fold;;José;jose",
        "fold;;Zoë;zoe",
        "fold;;Straße;strasse",
        "fold;;ÆSIR;aesir",
        "fold;;Øster;oster",
        "fold;;Łukasz;lukasz",
        "fold;;Đorđević;dordevic",
        "fold;;Þóra;thora",
        "fold;;Œuvre;oeuvre",
        "fold;;François;francois",
        "fold;;Çelik  Şahin;celik sahin",
        "fold;;\"  MÜLLER\t\u00a0Anne \";muller anne",
        "fold;;ﬁnn;finn",
        "fold;;Ｍａｒｙ;mary",
        "fold;;İlkay;ilkay",
        "fold;;Zo\u200Be;zoe",
        "fold;;Σωκράτης;σωκρατης",
        // punctuation
        "punctuation;;O'Brien;OBrien",
        "punctuation;;O’Brien;OBrien",
        "punctuation;;Smith-Jones;Smith Jones",
        "punctuation;hyphen=remove;Smith-Jones;SmithJones",
        "punctuation;hyphen=keep;Smith–Jones;Smith-Jones",
        "punctuation;;J.R. (Bob), Jr;JR Bob Jr",
        "punctuation;;Smith & Sons/Co;Smith Sons Co",
        "punctuation;;Gal·la;Galla",
        // name: particles, honorifics, suffixes
        "name;;O'Brien;obrien",
        "name;;Dr. María de la Cruz Jr.;maria delacruz",
        "name;;De La Cruz;delacruz",
        "name;;Delacruz;delacruz",
        "name;particles=drop;de la Cruz;cruz",
        "name;particles=keep;de la Cruz;de la cruz",
        "name;;Ludwig van der Berg;ludwig vanderberg",
        "name;particles=drop;Ludwig van der Berg;ludwig berg",
        "name;;Otto von Bismarck;otto vonbismarck",
        "name;;Leonardo da Vinci;leonardo davinci",
        "name;;Mac Donald;macdonald",
        "name;particles=drop;Mc Donald;mcdonald",
        "name;;Mrs. Smith-Jones;smith jones",
        "name;hyphen=remove;Smith-Jones III;smithjones",
        "name;;John Smith Sr;john smith",
        "name;;Ms Jane Doe II;jane doe",
        "name;;Ii;ii",
        "name;;La;la",
        "name;;Dr;dr",
        "name;;mr de;de",
        // nickname
        "nickname;;Bill;william",
        "nickname;;billy;william",
        "nickname;;Will;william",
        "nickname;;Bob;robert",
        "nickname;;Liz;elizabeth",
        "nickname;;Betty;elizabeth",
        "nickname;;Peggy Sue;margaret susan",
        "nickname;;William;william",
        "nickname;;Zelda;zelda",
        // date: each default format, ambiguity resolved by order
        "date;;2001-11-23;2001-11-23",
        "date;;11/23/2001;2001-11-23",
        "date;;23/11/2001;2001-11-23",
        "date;;20011123;2001-11-23",
        "date;;23 Nov 2001;2001-11-23",
        "date;;1 jan 1999;1999-01-01",
        "date;;\" 2000-02-29 \";2000-02-29",
        "date;;03/04/2001;2001-03-04",
        "date;formats=dd/MM/yyyy|MM/dd/yyyy;03/04/2001;2001-04-03",
        "date;formats=dd.MM.yyyy|d MMMM yyyy;7 September 1985;1985-09-07",
        "date;;'';''",
        // digits, upper, lower, missing
        "digits;;(020) 7946-0018;02079460018",
        "digits;;٠١٢٣;0123",
        "digits;;no digits;''",
        "upper;;sw1a 1aa;SW1A 1AA",
        "lower;;SW1A;sw1a",
        "missing;;N/A;''",
        "missing;;\" Unknown \";''",
        "missing;;NULL;''",
        "missing;;\"   \";''",
        "missing;;Nora;Nora",
        "missing;values=x|not given;Not Given;''",
        "missing;values=x|not given;unknown;unknown",
      })
  void normalise_examplesTable(String name, String params, String in, String out) {
    Map<String, Object> p = Map.of();
    if (params != null) {
      int eq = params.indexOf('=');
      String key = params.substring(0, eq);
      String value = params.substring(eq + 1);
      p =
          key.equals("formats") || key.equals("values")
              ? Map.of(key, List.of(value.split("\\|")))
              : Map.of(key, value);
    }
    assertEquals(
        out.equals("''") ? "" : out, Normalisers.byName(name, p).apply(in.equals("''") ? "" : in));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fold",
        "punctuation",
        "name",
        "nickname",
        "date",
        "digits",
        "upper",
        "lower",
        "missing"
      })
  void apply_missingOrNull_staysMissing(String name) {
    Normaliser n = named(name);
    assertEquals("", n.apply(""));
    assertEquals("", n.apply(null));
  }

  // ---- idempotence -------------------------------------------------------------------------

  @Provide
  Arbitrary<String> nameLike() {
    Arbitrary<String> word =
        Arbitraries.oneOf(
            Arbitraries.of(
                "de", "la", "De", "van", "der", "von", "mac", "Mc", "l", "s", "Mr", "dr.", "jr",
                "III", "ii", "O'Brien", "José", "Zoë", "ß", "Æ", "Ø", "Ł", "smith", "-", "–", "'",
                "’", ".", "·", "\u00a0", "\t", "ﬁ", "İ", "ǅ", "Ω", "Ⅳ"),
            Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(5));
    Arbitrary<String> sep = Arbitraries.of(" ", "  ", "-", "", "'", ", ");
    return Arbitraries.lazy(() -> word)
        .list()
        .ofMaxSize(7)
        .flatMap(
            words ->
                sep.list()
                    .ofSize(words.size())
                    .map(
                        seps -> {
                          StringBuilder sb = new StringBuilder();
                          for (int i = 0; i < words.size(); i++) {
                            sb.append(words.get(i)).append(seps.get(i));
                          }
                          return sb.toString();
                        }));
  }

  @Property(tries = 400)
  void fold_isIdempotent_onAnyString(@ForAll String s) {
    Normaliser n = named("fold");
    assertEquals(n.apply(s), n.apply(n.apply(s)));
  }

  @Property(tries = 400)
  void fold_isIdempotent_onNameLike(@ForAll("nameLike") String s) {
    Normaliser n = named("fold");
    assertEquals(n.apply(s), n.apply(n.apply(s)));
  }

  @Property(tries = 300)
  void punctuation_isIdempotent(@ForAll("nameLike") String s, @ForAll("hyphenModes") String h) {
    Normaliser n = Normalisers.byName("punctuation", Map.of("hyphen", h));
    assertEquals(n.apply(s), n.apply(n.apply(s)));
  }

  @Property(tries = 300)
  void punctuation_isIdempotent_onAnyString(@ForAll String s) {
    Normaliser n = named("punctuation");
    assertEquals(n.apply(s), n.apply(n.apply(s)));
  }

  @Property(tries = 600)
  void name_isIdempotent(
      @ForAll("nameLike") String s,
      @ForAll("hyphenModes") String h,
      @ForAll("particleModes") String p) {
    Normaliser n = Normalisers.byName("name", Map.of("hyphen", h, "particles", p));
    assertEquals(n.apply(s), n.apply(n.apply(s)));
  }

  @Property(tries = 300)
  void name_isIdempotent_onAnyString(@ForAll String s) {
    Normaliser n = named("name");
    assertEquals(n.apply(s), n.apply(n.apply(s)));
  }

  @Property(tries = 200)
  void nickname_isIdempotent(@ForAll("nicknameLike") String s) {
    Normaliser n = named("nickname");
    assertEquals(n.apply(s), n.apply(n.apply(s)));
  }

  @Provide
  Arbitrary<String> hyphenModes() {
    return Arbitraries.of("space", "remove", "keep");
  }

  @Provide
  Arbitrary<String> particleModes() {
    return Arbitraries.of("join", "drop", "keep");
  }

  @Provide
  Arbitrary<String> nicknameLike() {
    List<String> words = new java.util.ArrayList<>(Nicknames.table().keySet());
    words.addAll(Nicknames.table().values());
    words.add("Zelda");
    return Arbitraries.of(words).list().ofMaxSize(3).map(l -> String.join(" ", l));
  }

  // ---- nickname table ----------------------------------------------------------------------

  @Test
  void nicknameTable_hasAtLeast150Entries_andNoCanonicalIsANickname() {
    Map<String, String> table = Nicknames.table();
    assertTrue(table.size() >= 150, "nicknames: " + table.size());
    for (String canonical : table.values()) {
      assertFalse(table.containsKey(canonical), canonical);
    }
  }

  // ---- dates: errors carry a reason and never the value ------------------------------------

  @ParameterizedTest
  @CsvSource({
    "2001-02-30, INVALID_DATE",
    "31/04/2001, INVALID_DATE",
    "1999-02-29, INVALID_DATE",
    "Smith 1984, UNPARSEABLE_DATE",
    "23 Septober 2001, UNPARSEABLE_DATE",
    "2001-1-5, UNPARSEABLE_DATE",
    "0000-01-01, DATE_OUT_OF_RANGE",
    "+12345-01-01, DATE_OUT_OF_RANGE"
  })
  void date_badValue_throwsTypedReason_withoutTheValue(
      String value, NormaliseException.Reason reason) {
    NormaliseException e = assertThrows(NormaliseException.class, () -> named("date").apply(value));
    assertEquals(reason, e.reason());
    assertEquals("date", e.normaliser());
    assertNoValue(value, e.getMessage());
    String described = e.describe(17, "dob");
    assertTrue(described.startsWith("row 17, column 'dob': " + reason), described);
    assertNoValue(value, described);
  }

  private static void assertNoValue(String value, String message) {
    assertFalse(message.contains(value), message);
    for (String part : value.split("[ /-]")) {
      if (part.length() >= 2) {
        assertFalse(message.contains(part), "message leaks '" + part + "': " + message);
      }
    }
  }

  @Test
  void date_twoDigitYearFormat_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Normalisers.byName("date", Map.of("formats", List.of("dd/MM/yy"))));
    assertTrue(e.getMessage().contains("2-letter year"), e.getMessage());
  }

  @Test
  void date_formatWithoutDay_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Normalisers.byName("date", Map.of("formats", List.of("yyyy-MM"))));
    assertTrue(e.getMessage().contains("year, a month and a day"), e.getMessage());
  }

  // ---- registry -----------------------------------------------------------------------------

  @Test
  void byName_unknownName_listsKnownNames() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> named("soundex"));
    assertEquals(
        "unknown normaliser 'soundex'; known: band, chain, date, digits, fold, group, lower,"
            + " missing, name, nickname, punctuation, truncate, upper",
        e.getMessage());
  }

  @Test
  void byName_unknownParam_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Normalisers.byName("name", Map.of("particle", "join")));
    assertEquals(
        "normaliser 'name': unknown param 'particle'; known: hyphen, particles", e.getMessage());
  }

  @Test
  void byName_badChoice_givesActualAndExpected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Normalisers.byName("punctuation", Map.of("hyphen", "dash")));
    assertEquals(
        "normaliser 'punctuation': param 'hyphen' must be one of space, remove, keep; was 'dash'",
        e.getMessage());
  }

  @Test
  void byName_listParamOfWrongShape_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Normalisers.byName("date", Map.of("formats", "yyyy-MM-dd")));
    assertEquals(
        "normaliser 'date': param 'formats' must be a list; was 'yyyy-MM-dd'", e.getMessage());
  }

  @Test
  void byName_sameName_sharesStatelessInstances() {
    assertSame(named("fold"), named("fold"));
    assertSame(named("nickname"), named("nickname"));
  }

  @Test
  void chain_fromParams_appliesStepsInOrder_andStopsAtMissing() {
    Normaliser chain =
        Normalisers.byName(
            "chain",
            Map.of(
                "steps",
                List.of(
                    "missing",
                    Map.of("name", "name", "particles", "drop"),
                    Map.of("name", "nickname"))));
    assertEquals("william cruz", chain.apply("Mr Bill de la Cruz"));
    assertEquals("", chain.apply("N/A"));
    Normaliser dates = Normalisers.chain(List.of(named("missing"), named("date")));
    assertEquals("", dates.apply("unknown")); // missing before date: no parse error
    assertEquals("2001-11-23", dates.apply("23/11/2001"));
  }

  @Test
  void chain_badStep_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Normalisers.byName("chain", Map.of("steps", List.of("fold", 3))));
    assertEquals(
        "normaliser 'chain': step 1 must be a name or a map with a 'name' string; was an Integer",
        e.getMessage());
  }
}
