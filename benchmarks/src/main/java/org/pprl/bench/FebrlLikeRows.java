package org.pprl.bench;

import java.util.SplittableRandom;

/**
 * Seeded synthetic rows shaped like FEBRL4 (the columns of clkhash's FEBRL schema): lower-case
 * names and addresses drawn from small vocabularies, Australian-style postcodes and states, dates
 * of birth as {@code yyyymmdd}, some missing street numbers, states and birth dates. Values are
 * invented; the same seed gives the same rows.
 */
public final class FebrlLikeRows {
  private FebrlLikeRows() {}

  private static final String[] GIVEN = {
    "michaela",
    "courtney",
    "jack",
    "lachlan",
    "joshua",
    "emiily",
    "chloe",
    "thomas",
    "isabella",
    "james",
    "olivia",
    "william",
    "sophie",
    "benjamin",
    "charlotte",
    "samuel",
    "ella",
    "matthew",
    "grace",
    "daniel",
    "ruby",
    "ryan",
    "mia",
    "liam",
    "zoe",
    "alexander",
    "jessica",
    "nicholas",
    "hannah",
    "dylan",
    "georgia",
    "connor",
    "amelia",
    "harrison",
    "lily",
    "jayden",
    "caitlin",
    "riley",
    "sarah",
    "bailey",
    "madison",
    "ethan",
    "brooke",
    "noah",
    "jasmine",
    "luke",
    "lucy"
  };
  private static final String[] SURNAME = {
    "neumann",
    "painter",
    "smith",
    "jones",
    "williams",
    "brown",
    "wilson",
    "taylor",
    "johnson",
    "white",
    "martin",
    "anderson",
    "thompson",
    "nguyen",
    "thomas",
    "walker",
    "harris",
    "lee",
    "ryan",
    "robinson",
    "kelly",
    "king",
    "davis",
    "wright",
    "evans",
    "roberts",
    "green",
    "hall",
    "wood",
    "jackson",
    "clarke",
    "patel",
    "khan",
    "lewis",
    "james",
    "phillips",
    "mitchell",
    "campbell",
    "hughes",
    "clark",
    "turner",
    "o'brien",
    "stewart",
    "morris",
    "cook",
    "bennett"
  };
  private static final String[] STREET = {
    "stanley",
    "pinkerton",
    "macquarie",
    "george",
    "victoria",
    "elizabeth",
    "king",
    "queen",
    "william",
    "church",
    "high",
    "park",
    "station",
    "railway",
    "bridge",
    "mill",
    "hill",
    "river",
    "beach",
    "ocean",
    "forest",
    "wattle",
    "banksia",
    "acacia",
    "eucalyptus",
    "jacaranda"
  };
  private static final String[] STREET_TYPE = {
    "street", "road", "avenue", "circuit", "place", "crescent", "drive", "close", "parade", "lane"
  };
  private static final String[] ADDRESS_2 = {
    "",
    "",
    "",
    "miami",
    "bega flats",
    "the grange",
    "rosedale",
    "unit 4",
    "flat 2",
    "kurrajong",
    "willow court",
    "sunset villas",
    "hillview",
    "riverside",
    "lakeside"
  };
  private static final String[] SUBURB = {
    "winston hills",
    "richlands",
    "bondi",
    "parramatta",
    "toowong",
    "fremantle",
    "glenelg",
    "carlton",
    "fitzroy",
    "newtown",
    "manly",
    "chermside",
    "belconnen",
    "sandy bay",
    "palmerston",
    "maroubra",
    "st kilda",
    "subiaco",
    "norwood",
    "kingston",
    "woden",
    "paddington",
    "mosman"
  };
  private static final String[] STATE = {"nsw", "vic", "qld", "wa", "sa", "tas", "act", "nt", ""};

  /** The header of clkhash's FEBRL schema. */
  public static final String[] HEADER = {
    "rec_id",
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
    "soc_sec_id"
  };

  /** {@code count} rows from {@code seed}. */
  public static String[][] generate(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[][] rows = new String[count][];
    for (int i = 0; i < count; i++) {
      rows[i] =
          new String[] {
            "rec-" + i + "-org",
            pick(random, GIVEN),
            pick(random, SURNAME),
            random.nextInt(10) == 0 ? "" : Integer.toString(1 + random.nextInt(400)),
            pick(random, STREET) + " " + pick(random, STREET_TYPE),
            pick(random, ADDRESS_2),
            pick(random, SUBURB),
            Integer.toString(800 + random.nextInt(7000)),
            pick(random, STATE),
            random.nextInt(20) == 0 ? "" : dateOfBirth(random),
            Integer.toString(1_000_000 + random.nextInt(9_000_000))
          };
    }
    return rows;
  }

  private static String pick(SplittableRandom random, String[] from) {
    return from[random.nextInt(from.length)];
  }

  private static String dateOfBirth(SplittableRandom random) {
    int year = 1910 + random.nextInt(95);
    int month = 1 + random.nextInt(12);
    int day = 1 + random.nextInt(28);
    return String.format(java.util.Locale.ROOT, "%04d%02d%02d", year, month, day);
  }
}
