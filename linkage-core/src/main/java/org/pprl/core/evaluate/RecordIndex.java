package org.pprl.core.evaluate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dense numbers for records named by (extract, id), or by id alone when the truth gives ids only.
 */
final class RecordIndex {
  private final boolean idsOnly;
  private final Map<String, Integer> numbers = new HashMap<>();
  private final List<String> extractOf = new ArrayList<>();
  private final Map<String, String> extractNames = new HashMap<>();

  RecordIndex(boolean idsOnly) {
    this.idsOnly = idsOnly;
  }

  boolean idsOnly() {
    return idsOnly;
  }

  int size() {
    return extractOf.size();
  }

  /** The record's number, assigning the next one when it is new. */
  int intern(String extract, String id) {
    String key = idsOnly ? id : extract + '\u0000' + id;
    Integer known = numbers.get(key);
    if (known != null) {
      return known;
    }
    int number = extractOf.size();
    assert number == numbers.size();
    numbers.put(key, number);
    String name = idsOnly ? "" : extractNames.computeIfAbsent(extract, e -> e);
    extractOf.add(name);
    return number;
  }

  /** The record's number, or -1 when it is not known. */
  int lookup(String extract, String id) {
    Integer known = numbers.get(idsOnly ? id : extract + '\u0000' + id);
    return known == null ? -1 : known;
  }

  String extractOf(int record) {
    return extractOf.get(record);
  }

  List<String> extracts() {
    return idsOnly ? List.of() : List.copyOf(new java.util.TreeSet<>(extractNames.keySet()));
  }
}
