package org.pprl.core.query;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
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
    return evaluate(question, population, null, null).table();
  }

  /**
   * A question's counts with what the cell-key method and the policy's size rules need: for every
   * cell and the base, the sum mod 2^64 of its persons' keys; and the sizes and key sums of the
   * cohort and of each filter's excluded group.
   *
   * @param table the counts; with a policy, rows are the policy's categories (see {@link Rows})
   * @param cellKeys {@code cellKeys[r][c]} is the key sum of the persons {@code counts[r][c]}
   *     counts (cumulative like the counts when the columns are)
   * @param baseKey the key sum of the base's persons
   * @param cohort the persons in the cohort and their key sum (for a window question a superset of
   *     the base: cohort persons without a from date are in the cohort, not the base)
   * @param excluded per {@code where} attribute, in the cohort's attribute order: the persons that
   *     pass every other filter but not this one, and their key sum
   */
  public record Keyed(
      CountTable table,
      long[][] cellKeys,
      long baseKey,
      Group cohort,
      Map<String, Group> excluded) {}

  /** A group of persons: how many, and the sum of their keys mod 2^64. */
  public record Group(long count, long key) {}

  /**
   * Which unknown of the question's table each person is in, for auditing exact tables together:
   * with disjoint columns the cell {@code r * columns + c}; with cumulative columns the band {@code
   * r * columns + j}, j the first window the person's event falls in; {@code rows * columns} for a
   * person in the base but in no cell; -1 for a person outside the base. Persons are numbered over
   * the whole population ({@link LinkedPopulation#personOf}), so the arrays of two questions over
   * one population line up.
   *
   * @param keys the counts and keys, as {@link #evaluate} gives them
   * @param unknownOf per person number, the unknown the person is in, or -1
   */
  public record Unknowns(Keyed keys, int[] unknownOf, boolean[][] zeroByDefinition) {
    /** The table's counts. */
    public CountTable table() {
      return keys.table();
    }
  }

  /** As {@link #evaluate}, with the unknown each person is in. */
  public static Unknowns unknowns(
      OverlapQuestion question,
      LinkedPopulation population,
      QuestionPolicy policy,
      PopulationKeys keys) {
    int[] unknownOf = new int[population.personSpace()];
    Arrays.fill(unknownOf, -1);
    Keyed keyed =
        question instanceof Overlap o
            ? overlap(o, population, policy, keys, unknownOf)
            : window((Window) question, population, policy, keys, unknownOf);
    CountTable t = keyed.table();
    boolean[][] zero = new boolean[t.rows().size()][t.columns().size()];
    if (question instanceof Overlap o
        && o.rows().isPresent()
        && o.with().contains(o.rows().get().agency())) {
      int bit = 1 << o.with().indexOf(o.rows().get().agency());
      int noRecord = t.rows().indexOf(NO_RECORD_ROW);
      for (int r = 0; r < zero.length; r++) {
        if (o.columns() == OverlapQuestion.Columns.COUNT) {
          // "none" is impossible where the row agency holds the person; all k, where it does not.
          zero[r][r == noRecord ? o.with().size() : 0] = true;
          continue;
        }
        for (int mask = 0; mask < 1 << o.with().size(); mask++) {
          boolean held = (mask & bit) != 0;
          zero[r][t.columns().indexOf(combinationLabel(o.with(), mask))] =
              r == noRecord ? held : !held;
        }
      }
    }
    return new Unknowns(keyed, unknownOf, zero);
  }

  /**
   * Counts the question's cells under a policy, with each person's cell key.
   *
   * @param policy the project's declared shapes, or null for rows from the data (only for tests and
   *     tools that never release the table); the caller checks the question against it first
   * @param keys the persons' keys, or null for key sums of zero
   * @throws IllegalArgumentException if the question names an agency the population lacks or an
   *     attribute an agency's records do not carry (naming it)
   */
  public static Keyed evaluate(
      OverlapQuestion question,
      LinkedPopulation population,
      QuestionPolicy policy,
      PopulationKeys keys) {
    if (question instanceof Overlap o) {
      return overlap(o, population, policy, keys, null);
    }
    return window((Window) question, population, policy, keys, null);
  }

  private static Keyed overlap(
      Overlap q,
      LinkedPopulation pop,
      QuestionPolicy policy,
      PopulationKeys keys,
      int[] unknownOf) {
    Persons persons = new Persons(pop, q.cohort(), keys);
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
        columns.add(combinationLabel(q.with(), mask));
      }
    }
    Rows rows = new Rows(pop, q.rows(), q.cohort().agency(), true, policy);
    long[][] counts = new long[rows.labels.size()][columns.size()];
    long[][] cellKeys = new long[rows.labels.size()][columns.size()];
    long base = 0;
    long baseKey = 0;
    for (persons.reset(); persons.next(); ) {
      if (!persons.inCohort()) {
        continue;
      }
      long key = persons.key();
      base++;
      baseKey += key;
      int mask = 0;
      for (int i = 0; i < k; i++) {
        if (persons.first(withAgency[i]) >= 0) {
          mask |= 1 << i;
        }
      }
      int row =
          rows.rowOf(persons, rows.agency == persons.cohortAgency ? persons.firstPassing() : -1);
      counts[row][columnOfMask[mask]]++;
      cellKeys[row][columnOfMask[mask]] += key;
      if (unknownOf != null) {
        unknownOf[persons.number()] = row * columns.size() + columnOfMask[mask];
      }
    }
    return new Keyed(
        new CountTable(rows.labels, columns, counts, false, base),
        cellKeys,
        baseKey,
        persons.cohort(),
        persons.excluded());
  }

  /** The column label of the persons held by exactly the {@code with} agencies in a mask. */
  private static String combinationLabel(List<String> with, int mask) {
    if (mask == 0) {
      return NONE_COLUMN;
    }
    StringBuilder label = new StringBuilder();
    for (int i = 0; i < with.size(); i++) {
      if ((mask & (1 << i)) != 0) {
        label.append(label.length() == 0 ? "" : " + ").append(with.get(i));
      }
    }
    return label.toString();
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

  private static Keyed window(
      Window q, LinkedPopulation pop, QuestionPolicy policy, PopulationKeys keys, int[] unknownOf) {
    Persons persons = new Persons(pop, q.cohort(), keys);
    int fromAgency = pop.agencyIndex(q.from().agency());
    int toAgency = pop.agencyIndex(q.to().agency());
    int fromAttribute = pop.records(fromAgency).carriedAttributeIndex(q.from().attribute());
    int toAttribute = pop.records(toAgency).carriedAttributeIndex(q.to().attribute());
    int[] fromDays = pop.records(fromAgency).days(fromAttribute, QuestionEvaluator::epochDays);
    int[] toDays = pop.records(toAgency).days(toAttribute, QuestionEvaluator::epochDays);
    int[] days = new int[q.days().size()];
    List<String> columns = new ArrayList<>();
    for (int j = 0; j < days.length; j++) {
      days[j] = q.days().get(j);
      columns.add("within " + days[j] + (days[j] == 1 ? " day" : " days"));
    }
    Rows rows = new Rows(pop, q.rows(), q.cohort().agency(), false, policy);
    long[][] counts = new long[rows.labels.size()][days.length];
    long[][] cellKeys = new long[rows.labels.size()][days.length];
    AgencyRecords from = pop.records(fromAgency);
    AgencyRecords to = pop.records(toAgency);
    long base = 0;
    long baseKey = 0;
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
      long key = persons.key();
      base++;
      baseKey += key;
      if (unknownOf != null) {
        unknownOf[persons.number()] = rows.labels.size() * days.length; // no cell, until found
      }
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
      int band = -1; // the first window the entry falls in
      for (int j = days.length - 1; j >= 0 && delta <= days[j]; j--) {
        counts[row][j]++;
        cellKeys[row][j] += key;
        band = j;
      }
      if (unknownOf != null && band >= 0) {
        unknownOf[persons.number()] = row * days.length + band;
      }
    }
    return new Keyed(
        new CountTable(rows.labels, columns, counts, true, base),
        cellKeys,
        baseKey,
        persons.cohort(),
        persons.excluded());
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

    /**
     * Without a policy, the rows are the attribute's distinct values in the row agency's whole
     * extract, sorted, plus {@code (missing)} when a record lacks it. With one, they are the
     * declared categories in declared order, then {@link QuestionPolicy#OTHER_ROW} and {@link
     * #MISSING_ROW}, always, whatever the data hold: no record value becomes a label and the layout
     * does not depend on the data.
     */
    Rows(
        LinkedPopulation pop,
        Optional<AttributeRef> ref,
        String cohort,
        boolean noRecord,
        QuestionPolicy policy) {
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
      boolean needNoRecord = noRecord && !ref.get().agency().equals(cohort);
      if (policy != null) {
        List<String> declared = policy.categoriesOf(ref.get().attribute(), "rows.attribute");
        List<String> layout = new ArrayList<>(declared);
        layout.add(QuestionPolicy.OTHER_ROW);
        layout.add(MISSING_ROW);
        if (needNoRecord) {
          layout.add(NO_RECORD_ROW);
        }
        labels = List.copyOf(layout);
        rowOfCode = new int[dictionary.length];
        for (int c = 0; c < dictionary.length; c++) {
          int i = declared.indexOf(dictionary[c]);
          rowOfCode[c] = i >= 0 ? i : declared.size();
        }
        missingRow = declared.size() + 1;
        noRecordRow = needNoRecord ? declared.size() + 2 : -1;
        return;
      }
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
    private final PopulationKeys keys;
    private final String[] whereNames;
    int[] agency = new int[8];
    int[] record = new int[8];
    private long[] scratchRanks = new long[8];
    private long[] scratchKeys = new long[8];
    int size;
    private int next;
    private boolean inCohort;
    private int number;
    private long key;
    private long cohortCount;
    private long cohortKey;
    private final long[] excludedCount;
    private final long[] excludedKey;
    private final boolean[] allButOne;

    Persons(LinkedPopulation pop, Cohort cohort, PopulationKeys keys) {
      this.pop = pop;
      this.keys = keys;
      whereNames = cohort.where().keySet().toArray(new String[0]);
      excludedCount = new long[whereNames.length];
      excludedKey = new long[whereNames.length];
      allButOne = new boolean[whereNames.length];
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
      cohortCount = 0;
      cohortKey = 0;
      Arrays.fill(excludedCount, 0);
      Arrays.fill(excludedKey, 0);
    }

    /**
     * Classifies the current person: in the cohort or not, and, when not, whether it passes every
     * filter but one (it is then in that filter's excluded group, for each such filter); tallies
     * both.
     */
    private void classify() {
      key = keys == null ? 0 : keys.personKey(agency, record, size, scratchRanks, scratchKeys);
      inCohort = false;
      Arrays.fill(allButOne, false);
      for (int m = 0; m < size && !inCohort; m++) {
        if (agency[m] != cohortAgency) {
          continue;
        }
        int failed = failedFilter(m);
        if (failed == -1) {
          inCohort = true;
        } else if (failed >= 0) {
          allButOne[failed] = true;
        }
      }
      if (inCohort) {
        cohortCount++;
        cohortKey += key;
        return;
      }
      for (int w = 0; w < allButOne.length; w++) {
        if (allButOne[w]) {
          excludedCount[w]++;
          excludedKey[w] += key;
        }
      }
    }

    /** The current person's number ({@link LinkedPopulation#personOf}). */
    int number() {
      return number;
    }

    /** The current person's key (0 without keys). */
    long key() {
      return key;
    }

    /** The cohort so far: after a full walk, the whole cohort. */
    Group cohort() {
      return new Group(cohortCount, cohortKey);
    }

    /** Each filter's excluded group so far, by attribute name. */
    Map<String, Group> excluded() {
      Map<String, Group> groups = new LinkedHashMap<>();
      for (int w = 0; w < whereNames.length; w++) {
        groups.put(whereNames[w], new Group(excludedCount[w], excludedKey[w]));
      }
      return groups;
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
          number = pop.personOf(cohortAgency, r);
          classify();
          return true;
        }
        if (seen[e]) {
          continue;
        }
        seen[e] = true;
        number = e;
        int start = pop.memberStart(e);
        size = pop.memberEnd(e) - start;
        if (size > agency.length) {
          agency = new int[size];
          record = new int[size];
          scratchRanks = new long[size];
          scratchKeys = new long[size];
        }
        for (int m = 0; m < size; m++) {
          agency[m] = pop.memberAgency(start + m);
          record[m] = pop.memberRecord(start + m);
        }
        classify();
        return true;
      }
      return false;
    }

    /** Whether member {@code m} is a cohort-agency record that passes {@code where}. */
    boolean passes(int m) {
      return agency[m] == cohortAgency && failedFilter(m) == -1;
    }

    /**
     * Which {@code where} filters cohort-agency member {@code m} fails: -1 for none, the filter's
     * index for exactly one, -2 for several.
     */
    private int failedFilter(int m) {
      int failed = -1;
      for (int w = 0; w < whereAttribute.length && failed != -2; w++) {
        int code = cohortRecords.code(whereAttribute[w], record[m]);
        if (code < 0 || !allowed[w][code]) {
          failed = failed == -1 ? w : -2;
        }
      }
      return failed;
    }

    boolean inCohort() {
      return inCohort;
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
