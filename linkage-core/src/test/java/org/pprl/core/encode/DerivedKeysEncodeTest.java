package org.pprl.core.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pprl.core.extract.ExtractRecord;
import org.pprl.core.schema.DerivedBlockingKeys;
import org.pprl.core.schema.EngineSchema;

/** Records encoded with the blocking keys derived from a plain clkhash schema. */
class DerivedKeysEncodeTest {
  private static final byte[] SECRET = "derived keys test secret".getBytes(StandardCharsets.UTF_8);

  private static final String NGRAM =
      "\"hashing\": {\"comparison\": {\"type\": \"ngram\", \"n\": 2},"
          + " \"strategy\": {\"bitsPerFeature\": 100}";

  /** FEBRL-like: names as strings, the date of birth as a date read %d/%m/%Y, a postcode. */
  private static final String SCHEMA =
      "{\"version\": 3, \"clkConfig\": {\"l\": 1024, \"kdf\": {\"type\": \"HKDF\"}}, \"features\": ["
          + "{\"identifier\": \"rec_id\", \"ignored\": true},"
          + "{\"identifier\": \"given_name\", \"format\": {\"type\": \"string\", \"encoding\":"
          + " \"utf-8\"}, "
          + NGRAM
          + "}},"
          + "{\"identifier\": \"surname\", \"format\": {\"type\": \"string\", \"encoding\":"
          + " \"utf-8\"}, "
          + NGRAM
          + "}},"
          + "{\"identifier\": \"date_of_birth\", \"format\": {\"type\": \"date\", \"format\":"
          + " \"%d/%m/%Y\"}, "
          + NGRAM
          + ", \"missingValue\": {\"sentinel\": \"\"}}},"
          + "{\"identifier\": \"postcode\", \"format\": {\"type\": \"string\", \"encoding\":"
          + " \"utf-8\"}, "
          + NGRAM
          + ", \"missingValue\": {\"sentinel\": \"N/A\"}}}]}";

  private static final String[] HEADER = {
    "rec_id", "given_name", "surname", "date_of_birth", "postcode"
  };

  private static EngineSchema plain() throws Exception {
    return EngineSchema.parse(SCHEMA.getBytes(StandardCharsets.UTF_8));
  }

  private static EngineSchema derived() throws Exception {
    EngineSchema plain = plain();
    return plain.withDerivedBlockingKeys(DerivedBlockingKeys.of(plain.clkhash()));
  }

  private static ExtractRecord encode(EngineSchema schema, String... row) throws Exception {
    RecordEncoder encoder = new RecordEncoder(schema, SECRET);
    ExtractRecord out = new ExtractRecord(encoder.header("a", "test"));
    encoder.encode(encoder.bind(HEADER, "rec_id"), row, 0, out);
    return out;
  }

  @Test
  void encode_derivedKeys_leaveClkAndFieldFiltersAsThePlainSchemaMakesThem() throws Exception {
    String[] row = {"r1", "william", "smith", "12/03/1984", "sw1a 1aa"};
    ExtractRecord withKeys = encode(derived(), row);
    ExtractRecord without = encode(plain(), row);

    assertArrayEquals(without.clk(), withKeys.clk());
    assertEquals(without.fieldFilterCount(), withKeys.fieldFilterCount());
    for (int f = 0; f < without.fieldFilterCount(); f++) {
      assertArrayEquals(without.fieldFilter(f), withKeys.fieldFilter(f));
    }
    assertEquals(0, without.blockingKeyCount());
    assertEquals(4, withKeys.blockingKeyCount());
    for (int k = 0; k < 4; k++) {
      assertTrue(withKeys.hasBlockingKey(k), "key " + k);
    }
  }

  @Test
  void header_listsTheDerivedKeys() throws Exception {
    EngineSchema schema = derived();
    RecordEncoder encoder = new RecordEncoder(schema, SECRET);
    List<String> names = schema.blockingKeys().stream().map(k -> k.name()).toList();

    assertEquals(4, names.size());
    assertEquals(names, encoder.header("a", "test").blockingKeys());
  }

  @Test
  void encode_nicknameAndSwappedDayMonth_shareKeys() throws Exception {
    ExtractRecord a = encode(derived(), "r1", "william", "smith", "12/03/1984", "SW1A 1AA");
    ExtractRecord b = encode(derived(), "r2", "Bill", "Smyth", "03/12/1984", "sw1a1aa");

    for (int k = 0; k < 4; k++) {
      assertEquals(a.blockingKey(k), b.blockingKey(k), "key " + k);
    }
  }

  @Test
  void encode_otherPerson_hasOtherKeys() throws Exception {
    ExtractRecord a = encode(derived(), "r1", "william", "smith", "12/03/1984", "sw1a 1aa");
    ExtractRecord b = encode(derived(), "r2", "mary", "jones", "01/07/1990", "e1 6an");

    for (int k = 0; k < 4; k++) {
      assertNotEquals(a.blockingKey(k), b.blockingKey(k), "key " + k);
    }
  }

  @Test
  void encode_missingValueSentinel_leavesItsKeysOut() throws Exception {
    ExtractRecord r = encode(derived(), "r1", "william", "smith", "12/03/1984", "N/A");

    assertTrue(r.hasBlockingKey(0));
    assertFalse(r.hasBlockingKey(3), "postcode N/A is missing, not a postcode");
    ExtractRecord noDate = encode(derived(), "r2", "william", "smith", "", "sw1a 1aa");
    assertTrue(noDate.hasBlockingKey(1));
    assertFalse(noDate.hasBlockingKey(0));
    assertFalse(noDate.hasBlockingKey(2));
    assertFalse(noDate.hasBlockingKey(3));
  }

  @Test
  void encode_otherSecret_changesTheKeys() throws Exception {
    String[] row = {"r1", "william", "smith", "12/03/1984", "sw1a 1aa"};
    ExtractRecord one = encode(derived(), row);
    RecordEncoder other =
        new RecordEncoder(derived(), "another secret".getBytes(StandardCharsets.UTF_8));
    ExtractRecord two = new ExtractRecord(other.header("a", "test"));
    other.encode(other.bind(HEADER, "rec_id"), row, 0, two);

    for (int k = 0; k < 4; k++) {
      assertNotEquals(one.blockingKey(k), two.blockingKey(k), "key " + k);
    }
  }
}
