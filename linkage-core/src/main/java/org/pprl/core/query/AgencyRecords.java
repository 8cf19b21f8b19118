package org.pprl.core.query;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pprl.core.extract.ExtractHeader;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;

/**
 * One agency's records as an overlap question sees them: record ids, non-identifying attributes by
 * name and consent flags by purpose. Filters, blocking keys and keys are never kept.
 *
 * <p>Memory layout, for a million records in a few hundred MB: the ids are one {@code String[]}
 * with a sorted {@code int[]} permutation for look-ups (no hash map of boxed indices); each
 * attribute is dictionary-coded, an {@code int[]} of codes per record into that attribute's
 * distinct values ({@link #MISSING} when the record lacks it), and an attribute that no record
 * carries has no code array at all; consent is one {@code long} mask per record, bit {@code p} for
 * purpose {@code p} (an extract has at most 64 purposes). Instances are immutable.
 */
public final class AgencyRecords {

  /** The code of a missing attribute value. */
  static final int MISSING = -1;

  private final String agency;
  private final List<String> attributes;
  private final List<String> purposes;
  private final String[] ids;
  private final int[] idOrder; // record indices sorted by id
  private final String[][] dictionaries; // per attribute, its distinct values by code
  private final int[][] codes; // per attribute, per record: a code or MISSING; null = all missing
  private final java.util.concurrent.atomic.AtomicReferenceArray<int[]> days; // see days()
  private final long[] consent;

  private AgencyRecords(
      String agency,
      List<String> attributes,
      List<String> purposes,
      String[] ids,
      String[][] dictionaries,
      int[][] codes,
      long[] consent) {
    this.agency = agency;
    this.attributes = List.copyOf(attributes);
    this.purposes = List.copyOf(purposes);
    this.ids = ids;
    this.dictionaries = dictionaries;
    this.codes = codes;
    this.days = new java.util.concurrent.atomic.AtomicReferenceArray<>(dictionaries.length);
    this.consent = consent;
    idOrder = sortedById(ids);
    for (int i = 1; i < ids.length; i++) {
      if (ids[idOrder[i]].equals(ids[idOrder[i - 1]])) {
        throw new IllegalArgumentException(
            "agency "
                + agency
                + ": record "
                + idOrder[i]
                + " repeats the id of record "
                + idOrder[i - 1]);
      }
    }
  }

  /** The record indices sorted by id: a merge sort over {@code int}s, no boxed index per record. */
  private static int[] sortedById(String[] ids) {
    int[] order = new int[ids.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    int[] buffer = new int[ids.length];
    for (int width = 1; width < order.length; width <<= 1) {
      for (int lo = 0; lo < order.length - width; lo += width << 1) {
        int mid = lo + width;
        int hi = Math.min(lo + (width << 1), order.length);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
          buffer[k++] = ids[order[j]].compareTo(ids[order[i]]) < 0 ? order[j++] : order[i++];
        }
        while (i < mid) {
          buffer[k++] = order[i++];
        }
        while (j < hi) {
          buffer[k++] = order[j++];
        }
        System.arraycopy(buffer, lo, order, lo, hi - lo);
      }
    }
    return order;
  }

  /**
   * Reads an extract file, keeping only ids, attributes and consent. The whole file is read and
   * verified (count and digest) before this returns.
   *
   * @throws org.pprl.core.extract.CorruptExtractException if the file is not a valid extract
   * @throws IOException if it cannot be read
   */
  public static AgencyRecords load(Path extractFile) throws IOException {
    try (ExtractReader reader = ExtractReader.open(extractFile)) {
      ExtractHeader header = reader.header();
      Builder builder = new Builder(header.agency(), header.attributes(), header.purposes());
      ExtractRecord record = reader.newRecord();
      String[] values = new String[header.attributes().size()];
      while (reader.next(record)) {
        for (int a = 0; a < values.length; a++) {
          values[a] = record.attribute(a);
        }
        builder.addCoded(record.id(), values, record.consent());
      }
      return builder.build();
    }
  }

  /**
   * A builder for records made in memory (tests, or a store that is not an extract file).
   *
   * @param agency the agency's id
   * @param attributes the attribute names every record may carry, distinct
   * @param purposes the consent purposes, distinct, at most 64
   */
  public static Builder builder(String agency, List<String> attributes, List<String> purposes) {
    return new Builder(agency, attributes, purposes);
  }

  /** The agency's id. */
  public String agency() {
    return agency;
  }

  /** Number of records. */
  public int size() {
    return ids.length;
  }

  /** The attribute names, in extract order. */
  public List<String> attributes() {
    return attributes;
  }

  /** The consent purposes, in extract order. */
  public List<String> purposes() {
    return purposes;
  }

  /** The id of record {@code r}. */
  public String id(int r) {
    return ids[Objects.checkIndex(r, ids.length)];
  }

  /** The index of the record with this id, or -1 if there is none. */
  public int indexOf(String id) {
    int lo = 0;
    int hi = idOrder.length - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = ids[idOrder[mid]].compareTo(id);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return idOrder[mid];
      }
    }
    return -1;
  }

  /**
   * The value of an attribute of record {@code r}, or null if it is missing.
   *
   * @throws IllegalArgumentException if the agency's records do not carry the attribute
   */
  public String value(int r, String attribute) {
    int a = attributeIndex(attribute);
    int code = code(a, Objects.checkIndex(r, ids.length));
    return code == MISSING ? null : dictionaries[a][code];
  }

  /**
   * Whether record {@code r} carries consent to a purpose; false for a purpose the agency does not
   * ask about.
   */
  public boolean consented(int r, String purpose) {
    int p = purposes.indexOf(purpose);
    return p >= 0 && (consent[Objects.checkIndex(r, ids.length)] & (1L << p)) != 0;
  }

  /**
   * The index of an attribute.
   *
   * @throws IllegalArgumentException naming the attribute and the agency if it is not carried
   */
  int attributeIndex(String attribute) {
    int a = attributes.indexOf(attribute);
    if (a < 0) {
      throw new IllegalArgumentException(
          "agency " + agency + " has no attribute '" + attribute + "', it has " + attributes);
    }
    return a;
  }

  /**
   * The index of an attribute that at least one record holds: an extract written with a schema
   * shared by several agencies names every agency's attributes, and one that no record of this
   * agency holds is as good as absent to a question.
   *
   * @throws IllegalArgumentException naming the attribute and the agency if it is not carried
   */
  int carriedAttributeIndex(String attribute) {
    int a = attributeIndex(attribute);
    if (codes[a] == null) {
      throw new IllegalArgumentException(
          "agency "
              + agency
              + " does not carry attribute '"
              + attribute
              + "': its extract names it but no record holds a value");
    }
    return a;
  }

  /** The code of attribute {@code a} of record {@code r}, or {@link #MISSING}. */
  int code(int a, int r) {
    int[] c = codes[a];
    return c == null ? MISSING : c[r];
  }

  /**
   * Attribute {@code a}'s dictionary as days, parsed once per attribute and kept: window questions
   * read the same dates on every question, and parsing them was most of a question's work.
   */
  int[] days(int a, java.util.function.Function<String[], int[]> parse) {
    int[] d = days.get(a);
    if (d == null) {
      d = parse.apply(dictionaries[a]);
      days.compareAndSet(a, null, d);
    }
    return d;
  }

  /** The distinct values of attribute {@code a}, indexed by code (not sorted). */
  String[] dictionary(int a) {
    return dictionaries[a];
  }

  /** Whether some record lacks attribute {@code a}. */
  boolean anyMissing(int a) {
    int[] c = codes[a];
    if (c == null) {
      return ids.length > 0;
    }
    for (int code : c) {
      if (code == MISSING) {
        return true;
      }
    }
    return false;
  }

  /** The consent mask of record {@code r}: bit {@code p} is purpose {@code p}. */
  long consentMask(int r) {
    return consent[r];
  }

  /** A builder of {@link AgencyRecords}; values are dictionary-coded as they are added. */
  public static final class Builder {
    private final String agency;
    private final List<String> attributes;
    private final List<String> purposes;
    private final List<Map<String, Integer>> interned = new ArrayList<>();
    private final List<List<String>> dictionaries = new ArrayList<>();
    private final int[][] codes;
    private String[] ids = new String[16];
    private long[] consent = new long[16];
    private int size;

    private Builder(String agency, List<String> attributes, List<String> purposes) {
      this.agency = Objects.requireNonNull(agency, "agency");
      this.attributes = List.copyOf(attributes);
      this.purposes = List.copyOf(purposes);
      if (this.attributes.stream().distinct().count() != this.attributes.size()
          || this.purposes.stream().distinct().count() != this.purposes.size()) {
        throw new IllegalArgumentException(
            "agency " + agency + ": attribute names and purpose names must be distinct");
      }
      if (this.purposes.size() > 64) {
        throw new IllegalArgumentException(
            "agency " + agency + " has " + this.purposes.size() + " purposes, at most 64 allowed");
      }
      codes = new int[this.attributes.size()][];
      for (int a = 0; a < this.attributes.size(); a++) {
        interned.add(new HashMap<>());
        dictionaries.add(new ArrayList<>());
      }
    }

    /**
     * Adds a record.
     *
     * @param id the record id, unique within the agency
     * @param values attribute values by name; a name not in the list is an error, an absent one is
     *     missing
     * @param consentedPurposes the purposes the record consents to
     */
    public Builder add(String id, Map<String, String> values, List<String> consentedPurposes) {
      String[] coded = new String[attributes.size()];
      for (Map.Entry<String, String> e : values.entrySet()) {
        int a = attributes.indexOf(e.getKey());
        if (a < 0) {
          throw new IllegalArgumentException(
              "record "
                  + size
                  + ": agency "
                  + agency
                  + " has no attribute '"
                  + e.getKey()
                  + "', it has "
                  + attributes);
        }
        coded[a] = e.getValue();
      }
      long mask = 0;
      for (String purpose : consentedPurposes) {
        int p = purposes.indexOf(purpose);
        if (p < 0) {
          throw new IllegalArgumentException(
              "record "
                  + size
                  + ": agency "
                  + agency
                  + " has no purpose '"
                  + purpose
                  + "', it has "
                  + purposes);
        }
        mask |= 1L << p;
      }
      return addCoded(id, coded, mask);
    }

    Builder addCoded(String id, String[] values, long mask) {
      assert values.length == attributes.size();
      if (id == null || id.isEmpty()) {
        throw new IllegalArgumentException("record " + size + ": the id is empty");
      }
      if (size == ids.length) {
        ids = Arrays.copyOf(ids, size * 2);
        consent = Arrays.copyOf(consent, size * 2);
        for (int a = 0; a < codes.length; a++) {
          if (codes[a] != null) {
            codes[a] = Arrays.copyOf(codes[a], size * 2);
          }
        }
      }
      ids[size] = id;
      consent[size] = mask;
      for (int a = 0; a < values.length; a++) {
        if (values[a] == null) {
          if (codes[a] != null) {
            codes[a][size] = MISSING;
          }
          continue;
        }
        if (codes[a] == null) {
          codes[a] = new int[ids.length];
          Arrays.fill(codes[a], 0, size, MISSING);
        }
        Map<String, Integer> map = interned.get(a);
        Integer code = map.get(values[a]);
        if (code == null) {
          code = map.size();
          map.put(values[a], code);
          dictionaries.get(a).add(values[a]);
        }
        codes[a][size] = code;
      }
      size++;
      return this;
    }

    /**
     * Builds the records.
     *
     * @throws IllegalArgumentException if two records share an id (naming their indices)
     */
    public AgencyRecords build() {
      String[][] dict = new String[attributes.size()][];
      int[][] trimmed = new int[attributes.size()][];
      for (int a = 0; a < dict.length; a++) {
        dict[a] = dictionaries.get(a).toArray(new String[0]);
        trimmed[a] = codes[a] == null ? null : Arrays.copyOf(codes[a], size);
      }
      return new AgencyRecords(
          agency,
          attributes,
          purposes,
          Arrays.copyOf(ids, size),
          dict,
          trimmed,
          Arrays.copyOf(consent, size));
    }
  }
}
