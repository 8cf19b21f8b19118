package org.pprl.core.assess;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pprl.core.io.CsvRows;

/**
 * What an attacker knows from public sources: how often each value of a field occurs (census name
 * counts, say), overall and, where known, within groups of clear attributes (given names by
 * gender).
 *
 * <p>File: CSV with the header {@code field,value,count} followed by any attribute columns (for
 * example {@code gender,race_ethnicity}). A row whose attribute columns are all empty counts the
 * value overall; a row with attribute values counts it within that combination. Values are written
 * as the schema normalises them (lower case, accents folded), because that is what was encoded.
 */
public final class PublicFrequencies {
  /** One field's values, commonest first, within one combination of attributes. */
  public record Ranked(List<String> values, long[] counts, long total) {
    /** The share of the commonest value: what guessing it for everyone gets right. */
    public double topShare() {
      return total == 0 ? 0 : (double) counts[0] / total;
    }
  }

  private final List<String> attributes;
  // field -> stratum key ("" overall) -> value -> count
  private final Map<String, Map<String, Map<String, Long>>> counts;

  private PublicFrequencies(
      List<String> attributes, Map<String, Map<String, Map<String, Long>>> counts) {
    this.attributes = List.copyOf(attributes);
    this.counts = counts;
  }

  /** Builds a list in memory: {@code add} rows, then {@link Builder#build}. */
  public static Builder builder(List<String> attributes) {
    return new Builder(attributes);
  }

  /**
   * Reads a list.
   *
   * @throws IllegalArgumentException naming the row and what is wrong with it
   */
  public static PublicFrequencies read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file);
        CsvRows rows = CsvRows.utf8(in)) {
      String[] header = rows.next();
      if (header == null
          || header.length < 3
          || !header[0].strip().equals("field")
          || !header[1].strip().equals("value")
          || !header[2].strip().equals("count")) {
        throw new IllegalArgumentException(
            file.getFileName() + ": the header must start with field,value,count");
      }
      List<String> attributes = new ArrayList<>();
      for (int c = 3; c < header.length; c++) {
        attributes.add(header[c].strip());
      }
      Builder b = new Builder(attributes);
      long row = 1;
      for (String[] r = rows.next(); r != null; r = rows.next()) {
        row++;
        if (r.length != header.length) {
          throw new IllegalArgumentException(
              file.getFileName()
                  + " row "
                  + row
                  + ": has "
                  + r.length
                  + " columns, the header has "
                  + header.length);
        }
        long count;
        try {
          count = Long.parseLong(r[2].strip());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              file.getFileName() + " row " + row + ": count is not a whole number");
        }
        if (count < 0) {
          throw new IllegalArgumentException(
              file.getFileName() + " row " + row + ": count is negative");
        }
        String[] stratum = new String[attributes.size()];
        for (int a = 0; a < stratum.length; a++) {
          stratum[a] = r[3 + a].strip();
        }
        b.add(r[0].strip(), r[1].strip(), count, stratum);
      }
      return b.build();
    }
  }

  /** The attribute columns the list is broken down by. */
  public List<String> attributes() {
    return attributes;
  }

  /** Whether the list counts {@code field} at all. */
  public boolean has(String field) {
    return counts.containsKey(field);
  }

  /**
   * The field's values commonest first within the given attribute values (one per {@link
   * #attributes()}, null or empty for "any"); the overall ranking when the list has no counts for
   * that combination. Ties are broken by value, so a ranking is repeatable.
   */
  public Ranked ranked(String field, String[] stratum) {
    Map<String, Map<String, Long>> byStratum = counts.getOrDefault(field, Map.of());
    Map<String, Long> values = byStratum.get(key(stratum));
    if (values == null || values.isEmpty()) {
      values = byStratum.getOrDefault("", Map.of());
    }
    List<Map.Entry<String, Long>> entries = new ArrayList<>(values.entrySet());
    entries.sort(
        Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue)
            .reversed()
            .thenComparing(Map.Entry::getKey));
    List<String> names = new ArrayList<>(entries.size());
    long[] c = new long[entries.size()];
    long total = 0;
    for (int i = 0; i < entries.size(); i++) {
      names.add(entries.get(i).getKey());
      c[i] = entries.get(i).getValue();
      total += c[i];
    }
    return new Ranked(List.copyOf(names), c, total);
  }

  static String key(String[] stratum) {
    if (stratum == null) {
      return "";
    }
    StringBuilder s = new StringBuilder();
    boolean any = false;
    for (String v : stratum) {
      String value = v == null ? "" : v;
      any |= !value.isEmpty();
      s.append(value.length()).append(':').append(value).append(';');
    }
    return any ? s.toString() : "";
  }

  /** Collects counts; adding a (field, value, stratum) twice sums them. */
  public static final class Builder {
    private final List<String> attributes;
    private final Map<String, Map<String, Map<String, Long>>> counts = new LinkedHashMap<>();

    private Builder(List<String> attributes) {
      this.attributes = List.copyOf(attributes);
    }

    public Builder add(String field, String value, long count, String... stratum) {
      if (stratum.length != 0 && stratum.length != attributes.size()) {
        throw new IllegalArgumentException(
            "a stratum needs " + attributes.size() + " attribute values, got " + stratum.length);
      }
      if (value.isEmpty()) {
        return this;
      }
      counts
          .computeIfAbsent(field, f -> new HashMap<>())
          .computeIfAbsent(key(stratum), s -> new HashMap<>())
          .merge(value, count, Long::sum);
      return this;
    }

    public PublicFrequencies build() {
      return new PublicFrequencies(attributes, counts);
    }
  }
}
