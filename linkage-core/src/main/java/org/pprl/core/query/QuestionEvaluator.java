package org.pprl.core.query;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.pprl.core.disclose.CountTable;
import org.pprl.core.query.OverlapQuestion.AttributeRef;
import org.pprl.core.query.OverlapQuestion.Cohort;
import org.pprl.core.query.OverlapQuestion.Overlap;
import org.pprl.core.query.OverlapQuestion.Window;

/**
 * Answers an {@link OverlapQuestion} over a {@link LinkedPopulation} with a raw, unsuppressed
 * {@link CountTable}.
 *
 * <p>Persons: every entity that holds a record of the cohort agency, and every record of the cohort
 * agency in no entity, is one person, visited once, in the order of the cohort agency's first
 * record of it. A person is in the cohort when at least one of its cohort-agency records passes
 * {@code where}. Where a rule needs one record of an agency and the person has several (a
 * de-duplication entity), it takes the first in extract order among those the rule allows; the
 * rules are in {@code docs/questions.md}.
 *
 * <p>The hot loop works on dictionary codes: {@code where} becomes a {@code boolean[]} over each
 * attribute's codes, dates are parsed once per distinct value, and a row label is looked up by
 * code; nothing is allocated per person.
 */
public final class QuestionEvaluator {

  /** The row label of persons whose row attribute is missing. */
  public static final String MISSING_ROW = "(missing)";

  /** The row label, in an overlap question, of persons the row agency holds no record of. */
  public static final String NO_RECORD_ROW = "(no record)";

  /** The only row label of a question without a breakdown. */
  public static final String ALL_ROW = "all";

  /** The column label of persons no {@code with} agency holds. */
  public static final String NONE_COLUMN = "none";

  private static final int NO_DATE = Integer.MIN_VALUE;

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

  private QuestionEvaluator() {}

  /**
   * Counts the question's cells.
   *
   * @throws IllegalArgumentException if the question names an agency the population lacks or an
   *     attribute an agency's records do not carry (naming it)
   */
  public static CountTable evaluate(OverlapQuestion question, LinkedPopulation population) {
    if (question instanceof Overlap o) {
      return overlap(o, population);
    }
    return window((Window) question, population);
  }

  private static CountTable overlap(Overlap q, LinkedPopulation pop) {
    Persons persons = new Persons(pop, q.cohort());
    int k = q.with().size();
    int[] withAgency = new int[k];
    for (int i = 0; i < k; i++) {
      withAgency[i] = pop.agencyIndex(q.with().get(i));
    }
    // Columns: the layout maps a mask of with-agencies to a column.
    List<String> columns = new ArrayList<>();
    int[] columnOfMask = new int[1 << k];
    if (q.columns() == OverlapQuestion.Columns.COUNT) {
      columns.add(NONE_COLUMN);
      for (int n = 1; n <= k; n++) {
        columns.add(n + (n == 1 ? " agency" : " agencies"));
      }
      for (int mask = 0; mask < columnOfMask.length; mask++) {
        columnOfMask[mask] = Integer.bitCount(mask);
      }
    } else {
      Integer[] masks = new Integer[1 << k];
      for (int mask = 0; mask < masks.length; mask++) {
        masks[mask] = mask;
      }
      Arrays.sort(
          masks, Comparator.comparingInt(Integer::bitCount).thenComparing(m -> positionsKey(m)));
      for (int c = 0; c < masks.length; c++) {
        int mask = masks[c];
        columnOfMask[mask] = c;
        if (mask == 0) {
          columns.add(NONE_COLUMN);
        } else {
          StringBuilder label = new StringBuilder();
          for (int i = 0; i < k; i++) {
            if ((mask & (1 << i)) != 0) {
              label.append(label.length() == 0 ? "" : " + ").append(q.with().get(i));
            }
          }
          columns.add(label.toString());
        }
      }
    }
    Rows rows = new Rows(pop, q.rows(), q.cohort().agency(), true);
    long[][] counts = new long[rows.labels.size()][columns.size()];
    long base = 0;
    for (persons.reset(); persons.next(); ) {
      if (!persons.inCohort()) {
        continue;
      }
      base++;
      int mask = 0;
      for (int i = 0; i < k; i++) {
        if (persons.first(withAgency[i]) >= 0) {
          mask |= 1 << i;
        }
      }
      int row =
          rows.rowOf(persons, rows.agency == persons.cohortAgency ? persons.firstPassing() : -1);
      counts[row][columnOfMask[mask]]++;
    }
    return new CountTable(rows.labels, columns, counts, false, base);
  }

  /** A sort key ordering masks of one size by the with-positions they hold, lowest first. */
  private static String positionsKey(int mask) {
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < 31; i++) {
      if ((mask & (1 << i)) != 0) {
        key.append((char) ('A' + i));
      }
    }
    return key.toString();
  }

  private static CountTable window(Window q, LinkedPopulation pop) {
    Persons persons = new Persons(pop, q.cohort());
    int fromAgency = pop.agencyIndex(q.from().agency());
    int toAgency = pop.agencyIndex(q.to().agency());
    int fromAttribute = pop.records(fromAgency).carriedAttributeIndex(q.from().attribute());
    int toAttribute = pop.records(toAgency).carriedAttributeIndex(q.to().attribute());
    int[] fromDays = epochDays(pop.records(fromAgency).dictionary(fromAttribute));
    int[] toDays = epochDays(pop.records(toAgency).dictionary(toAttribute));
    int[] days = new int[q.days().size()];
    List<String> columns = new ArrayList<>();
    for (int j = 0; j < days.length; j++) {
      days[j] = q.days().get(j);
      columns.add("within " + days[j] + (days[j] == 1 ? " day" : " days"));
    }
    Rows rows = new Rows(pop, q.rows(), q.cohort().agency(), false);
    long[][] counts = new long[rows.labels.size()][days.length];
    AgencyRecords from = pop.records(fromAgency);
    AgencyRecords to = pop.records(toAgency);
    long base = 0;
    for (persons.reset(); persons.next(); ) {
      // The from agency is the cohort agency (Window checks it): the from date is the earliest
      // parseable one among the person's records that pass where.
      int start = NO_DATE;
      int startRecord = -1;
      for (int m = 0; m < persons.size; m++) {
        if (persons.agency[m] != fromAgency || !persons.passes(m)) {
          continue;
        }
        int code = from.code(fromAttribute, persons.record[m]);
        int day = code < 0 ? NO_DATE : fromDays[code];
        if (day != NO_DATE && (start == NO_DATE || day < start)) {
          start = day;
          startRecord = persons.record[m];
        }
      }
      if (start == NO_DATE) {
        continue;
      }
      base++;
      int entry = NO_DATE;
      int entryRecord = -1;
      for (int m = 0; m < persons.size; m++) {
        if (persons.agency[m] != toAgency) {
          continue;
        }
        int code = to.code(toAttribute, persons.record[m]);
        int day = code < 0 ? NO_DATE : toDays[code];
        if (day != NO_DATE && day >= start && (entry == NO_DATE || day < entry)) {
          entry = day;
          entryRecord = persons.record[m];
        }
      }
      if (entry == NO_DATE) {
        continue;
      }
      long delta = (long) entry - start;
      int row = rows.rowOf(persons, rows.agency == toAgency ? entryRecord : startRecord);
      for (int j = 0; j < days.length; j++) {
        if (delta <= days[j]) {
          counts[row][j]++;
        }
      }
    }
    return new CountTable(rows.labels, columns, counts, true, base);
  }

  /** Parses each dictionary value as {@code yyyy-MM-dd}; {@link #NO_DATE} where it is not one. */
  private static int[] epochDays(String[] dictionary) {
    int[] days = new int[dictionary.length];
    for (int c = 0; c < dictionary.length; c++) {
      try {
        days[c] = Math.toIntExact(LocalDate.parse(dictionary[c], DATE).toEpochDay());
      } catch (DateTimeParseException | ArithmeticException e) {
        days[c] = NO_DATE;
      }
    }
    return days;
  }

  /** The row layout of a question and the row of a person. */
  private static final class Rows {
    final List<String> labels;
    final int agency; // -1 without a breakdown
    private final AgencyRecords records;
    private final int attribute;
    private final int[] rowOfCode;
    private final int missingRow;
    private final int noRecordRow;

    Rows(LinkedPopulation pop, Optional<AttributeRef> ref, String cohort, boolean noRecord) {
      if (ref.isEmpty()) {
        labels = List.of(ALL_ROW);
        agency = -1;
        records = null;
        attribute = -1;
        rowOfCode = new int[0];
        missingRow = 0;
        noRecordRow = 0;
        return;
      }
      agency = pop.agencyIndex(ref.get().agency());
      records = pop.records(agency);
      attribute = records.carriedAttributeIndex(ref.get().attribute());
      String[] dictionary = records.dictionary(attribute);
      TreeSet<String> sorted = new TreeSet<>(Arrays.asList(dictionary));
      if (sorted.contains(MISSING_ROW) || sorted.contains(NO_RECORD_ROW)) {
        throw new IllegalArgumentException(
            "attribute "
                + ref.get().attribute()
                + " of agency "
                + ref.get().agency()
                + " has a value equal to the label "
                + MISSING_ROW
                + " or "
                + NO_RECORD_ROW);
      }
      if (records.anyMissing(attribute)) {
        sorted.add(MISSING_ROW);
      }
      boolean needNoRecord = noRecord && !ref.get().agency().equals(cohort);
      if (needNoRecord) {
        sorted.add(NO_RECORD_ROW);
      }
      labels = List.copyOf(sorted);
      rowOfCode = new int[dictionary.length];
      for (int c = 0; c < dictionary.length; c++) {
        rowOfCode[c] = Collections.binarySearch(labels, dictionary[c]);
      }
      missingRow = Collections.binarySearch(labels, MISSING_ROW); // negative when absent: unused
      noRecordRow = needNoRecord ? labels.indexOf(NO_RECORD_ROW) : -1;
    }

    /**
     * The row of a person, by {@code record} of the row agency when the caller chose one, else by
     * the person's first record of the row agency.
     */
    int rowOf(Persons persons, int record) {
      if (agency < 0) {
        return 0;
      }
      int r = record >= 0 ? record : persons.first(agency);
      if (r < 0) {
        assert noRecordRow >= 0;
        return noRecordRow;
      }
      int code = records.code(attribute, r);
      assert code >= 0 || missingRow >= 0 : "a missing value implies a (missing) row";
      return code < 0 ? missingRow : rowOfCode[code];
    }
  }

  /**
   * Walks the persons of a cohort agency, one at a time, holding each one's records as parallel
   * arrays (agency, record) sorted by agency then record.
   */
  private static final class Persons {
    final int cohortAgency;
    private final LinkedPopulation pop;
    private final AgencyRecords cohortRecords;
    private final boolean[][] allowed; // per where attribute, per code
    private final int[] whereAttribute;
    private final boolean[] seen;
    int[] agency = new int[8];
    int[] record = new int[8];
    int size;
    private int next;

    Persons(LinkedPopulation pop, Cohort cohort) {
      this.pop = pop;
      cohortAgency = pop.agencyIndex(cohort.agency());
      cohortRecords = pop.records(cohortAgency);
      whereAttribute = new int[cohort.where().size()];
      allowed = new boolean[whereAttribute.length][];
      int w = 0;
      for (Map.Entry<String, List<String>> e : cohort.where().entrySet()) {
        int a = cohortRecords.carriedAttributeIndex(e.getKey());
        String[] dictionary = cohortRecords.dictionary(a);
        whereAttribute[w] = a;
        allowed[w] = new boolean[dictionary.length];
        for (int c = 0; c < dictionary.length; c++) {
          allowed[w][c] = e.getValue().contains(dictionary[c]);
        }
        w++;
      }
      seen = new boolean[pop.entityCount()];
    }

    void reset() {
      next = 0;
      Arrays.fill(seen, false);
    }

    /** Moves to the next person; false when there is none. */
    boolean next() {
      while (next < cohortRecords.size()) {
        int r = next++;
        int e = pop.entityOf(cohortAgency, r);
        if (e < 0) {
          size = 1;
          agency[0] = cohortAgency;
          record[0] = r;
          return true;
        }
        if (seen[e]) {
          continue;
        }
        seen[e] = true;
        int start = pop.memberStart(e);
        size = pop.memberEnd(e) - start;
        if (size > agency.length) {
          agency = new int[size];
          record = new int[size];
        }
        for (int m = 0; m < size; m++) {
          agency[m] = pop.memberAgency(start + m);
          record[m] = pop.memberRecord(start + m);
        }
        return true;
      }
      return false;
    }

    /** Whether member {@code m} is a cohort-agency record that passes {@code where}. */
    boolean passes(int m) {
      if (agency[m] != cohortAgency) {
        return false;
      }
      for (int w = 0; w < whereAttribute.length; w++) {
        int code = cohortRecords.code(whereAttribute[w], record[m]);
        if (code < 0 || !allowed[w][code]) {
          return false;
        }
      }
      return true;
    }

    boolean inCohort() {
      return firstPassing() >= 0;
    }

    /** The person's first cohort-agency record that passes {@code where}, or -1. */
    int firstPassing() {
      for (int m = 0; m < size; m++) {
        if (passes(m)) {
          return record[m];
        }
      }
      return -1;
    }

    /** The person's first record of agency {@code g}, or -1. */
    int first(int g) {
      for (int m = 0; m < size; m++) {
        if (agency[m] == g) {
          return record[m];
        }
      }
      return -1;
    }
  }
}
