package org.pprl.core.link;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.pprl.core.cluster.Clusterer;
import org.pprl.core.cluster.Clusters;
import org.pprl.core.cluster.Edges;
import org.pprl.core.match.FilterMatrix;

/**
 * Step 6 of a linkage (entities, see {@link Linker}) cut into pieces that can be clustered
 * anywhere, for an {@link EntityFinder}: the components of the links on their own, and the rules
 * that weigh any pair of records.
 *
 * <p>Average linkage ({@link Clusterer#cluster}) joins groups only along links, so the groups of
 * one component never meet those of another, and each component's entities are the ones the whole
 * clustering makes there: its links are taken in the same order (by margin, then records), and its
 * records keep their order when numbered inside it. A pair's margin reads only the two records
 * (their field filters or CLKs), the decision of their two extracts ({@link Rules}, a few
 * kilobytes), and, with a model, the term frequencies of the values they share exactly: how many
 * groups hold each value of a field, a group being a component or a record in none. Those counts
 * are the one thing taken over all records; the engine counts them ({@link Rules#valueKeys}, then
 * {@link Rules#adjustment}) and gives each component's records their values' adjustments.
 */
public final class EntityPlan {
  private final List<Party> parties;
  private final int[] offset;
  private final int[] componentOf;
  private final int components;
  private final Edges edges;
  private final Rules rules;

  private EntityPlan(
      List<Party> parties,
      int[] offset,
      int[] componentOf,
      int components,
      Edges edges,
      Rules rules) {
    this.parties = parties;
    this.offset = offset;
    this.componentOf = componentOf;
    this.components = components;
    this.edges = edges;
    this.rules = rules;
  }

  /**
   * The plan of the decisions' entities over the parties' records (numbered party by party from
   * {@code offset}); with {@code oneToOne} and several parties, at most one record of each party in
   * an entity.
   */
  static EntityPlan of(List<Party> parties, int[] offset, List<Decided> decided, boolean oneToOne) {
    int records = offset[parties.size()];
    int[] root = TermFrequencies.groupsOf(records, offset, decided);
    int[] size = new int[records];
    for (int r = 0; r < records; r++) {
      size[root[r]]++;
    }
    // Components numbered in order of their smallest record, which is their root.
    int[] numberOfRoot = new int[records];
    int components = 0;
    for (int r = 0; r < records; r++) {
      numberOfRoot[r] = root[r] == r && size[r] > 1 ? components++ : -1;
    }
    int[] componentOf = new int[records];
    for (int r = 0; r < records; r++) {
      componentOf[r] = numberOfRoot[root[r]];
    }
    Edges edges = Grouping.edges(offset, decided);
    int count = parties.size();
    Decided.Weigher[][] weighers = new Decided.Weigher[count][count];
    boolean[][][] lone = new boolean[count][count][];
    int fields = parties.get(0).fieldCount();
    boolean[] valueFields = new boolean[fields];
    boolean readsFields = false;
    boolean readsClks = false;
    for (Decided d : decided) {
      weighers[d.a][d.b] = d.weigher();
      readsFields |= d.weigher().readsFields();
      readsClks |= !d.weigher().readsFields();
      if (d instanceof Decided.Model) {
        // As Grouping: term frequencies weigh the pairs of a model's decisions, on the fields
        // that are a model field on their own.
        lone[d.a][d.b] = TermFrequencies.loneFields(((Decided.Model) d).groups(), fields);
        for (int f = 0; f < fields; f++) {
          valueFields[f] |= lone[d.a][d.b][f];
        }
      }
    }
    Rules rules =
        new Rules(
            offset.clone(),
            weighers,
            lone,
            oneToOne && parties.size() > 1,
            parties.get(0).fieldBits(),
            parties.get(0).clkBits(),
            readsFields,
            readsClks,
            valueFields,
            TermFrequencies.indexBits(records));
    return new EntityPlan(parties, offset.clone(), componentOf, components, edges, rules);
  }

  /** The parties, whose records are numbered party by party. */
  public List<Party> parties() {
    return parties;
  }

  /** Where each party's records start when numbered party by party; the last entry is the total. */
  public int[] offsets() {
    return offset.clone();
  }

  /** The records of all parties. */
  public int records() {
    return offset[parties.size()];
  }

  /** The components: records joined by links on their own, two or more records each. */
  public int components() {
    return components;
  }

  /**
   * Each record's component (numbered in order of each component's smallest record), -1 for a
   * record in no link: a group of its own when values are counted.
   */
  public int[] componentOf() {
    return componentOf.clone();
  }

  /** The links on their own: the clustering's edges. */
  public int edges() {
    return edges.size();
  }

  /** Edge k's first record (numbered across parties). */
  public int edgeX(int k) {
    return edges.x(k);
  }

  /** Edge k's second record (numbered across parties). */
  public int edgeY(int k) {
    return edges.y(k);
  }

  /** Edge k's margin: its decision's weight less the cut. */
  public double edgeMargin(int k) {
    return edges.score(k);
  }

  /** The rules that cluster a component, serializable. */
  public Rules rules() {
    return rules;
  }

  /**
   * The entities and their links from {@code parts}, which must hold every component once: what the
   * linker's own clustering gives.
   *
   * @throws IllegalStateException when a component is missing or clustered twice
   */
  Found assemble(List<Part> parts) {
    int records = records();
    boolean[] seen = new boolean[components];
    int[] entityAt = new int[records];
    Arrays.fill(entityAt, -1);
    List<int[]> entities = new ArrayList<>();
    int links = 0;
    for (Part part : parts) {
      for (int c : part.components) {
        if (c < 0 || c >= components || seen[c]) {
          throw new IllegalStateException("component " + c + " clustered twice or unknown");
        }
        seen[c] = true;
      }
      for (int[] entity : part.entities) {
        for (int r : entity) {
          entityAt[r] = entities.size();
        }
        entities.add(entity);
      }
      links += part.score.length;
    }
    for (int c = 0; c < components; c++) {
      if (!seen[c]) {
        throw new IllegalStateException("component " + c + " was not clustered");
      }
    }
    // Numbered in order of each entity's smallest record, as Clusterer numbers them.
    int[] clusterOf = new int[records];
    Arrays.fill(clusterOf, -1);
    int count = 0;
    for (int r = 0; r < records; r++) {
      if (clusterOf[r] >= 0) {
        continue;
      }
      if (entityAt[r] >= 0) {
        for (int m : entities.get(entityAt[r])) {
          clusterOf[m] = count;
        }
      } else {
        clusterOf[r] = count;
      }
      count++;
    }
    List<Linker.Link> out = new ArrayList<>(links);
    for (Part part : parts) {
      for (int k = 0; k < part.score.length; k++) {
        out.add(new Linker.Link(part.a[k], part.i[k], part.b[k], part.j[k], part.score[k]));
      }
    }
    out.sort(
        Comparator.comparingInt(Linker.Link::a)
            .thenComparingInt(Linker.Link::b)
            .thenComparingInt(Linker.Link::i)
            .thenComparingInt(Linker.Link::j));
    return new Found(new Clusters(clusterOf, count), out);
  }

  /** The entities over all records, and every pair of records inside one. */
  record Found(Clusters clusters, List<Linker.Link> links) {}

  /**
   * What clusters a component: each pair of extracts' decision (how any pair weighs, its cut, how a
   * weight becomes a score), which fields' shared values are weighed by how common they are, and
   * the filters' layout. A few kilobytes, serializable; it holds no record.
   */
  public static final class Rules implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int[] offset;
    private final Decided.Weigher[][] weighers;
    private final boolean[][][] lone;
    private final boolean constrained;
    private final int[] fieldBits;
    private final int clkBits;
    private final boolean readsFields;
    private final boolean readsClks;
    private final boolean[] valueFields;
    private final int indexBits;

    private Rules(
        int[] offset,
        Decided.Weigher[][] weighers,
        boolean[][][] lone,
        boolean constrained,
        int[] fieldBits,
        int clkBits,
        boolean readsFields,
        boolean readsClks,
        boolean[] valueFields,
        int indexBits) {
      this.offset = offset;
      this.weighers = weighers;
      this.lone = lone;
      this.constrained = constrained;
      this.fieldBits = fieldBits;
      this.clkBits = clkBits;
      this.readsFields = readsFields;
      this.readsClks = readsClks;
      this.valueFields = valueFields;
      this.indexBits = indexBits;
    }

    /** Whether a component's records need their field filters' rows ({@link FieldRows#row}). */
    public boolean readsFields() {
      return readsFields;
    }

    /** Whether a component's records need their CLKs' words. */
    public boolean readsClks() {
      return readsClks;
    }

    /** Whether any field's shared values are weighed by how common they are. */
    public boolean weighsValues() {
      for (boolean f : valueFields) {
        if (f) {
          return true;
        }
      }
      return false;
    }

    /**
     * A record's value of each field whose values are weighed, from its field filters' row: a key
     * at least 0, equal for equal filters; -1 where the field is missing or not weighed. Each
     * field's values are counted apart: how many groups hold each key.
     */
    public long[] valueKeys(long[] fieldRow) {
      FieldFilters one = FieldFilters.wrap(fieldBits, fieldRow);
      long[] keys = new long[valueFields.length];
      for (int f = 0; f < keys.length; f++) {
        keys[f] = valueFields[f] ? TermFrequencies.valueKey(one, 0, f, indexBits) : -1;
      }
      return keys;
    }

    /**
     * A value's key ({@link #valueKeys}) with its field's number, in one long: the fields' values
     * counted apart, by one key.
     *
     * @throws IllegalArgumentException when the field's number is above 63
     */
    public static long withField(int field, long key) {
      if (field < 0 || field > 63) {
        throw new IllegalArgumentException("field " + field + " has no room beside a value's key");
      }
      return ((long) field << TermFrequencies.VALUE_KEY_BITS) | key;
    }

    /** The field of a key {@link #withField} made. */
    public static int fieldOf(long withField) {
      return (int) (withField >>> TermFrequencies.VALUE_KEY_BITS);
    }

    /**
     * The adjustment of a field's value that {@code count} groups hold, of {@code counted} holdings
     * of the field's values in all (the sum of every value's count), whose counts' squares sum to
     * {@code sumOfSquares}.
     */
    public static double adjustment(long count, long counted, long sumOfSquares) {
      return TermFrequencies.adjustment(count, counted, sumOfSquares);
    }

    /**
     * Clusters one component, as the whole clustering would.
     *
     * @throws IllegalArgumentException when an edge names a record the component does not hold, or
     *     what the rules read is missing
     */
    public Part cluster(Component c) {
      int n = c.records.length;
      long[] order = new long[n];
      for (int l = 0; l < n; l++) {
        order[l] = ((long) c.records[l] << 32) | l;
      }
      Arrays.sort(order);
      int[] record = new int[n];
      int[] party = new int[n];
      List<long[]> rows = new ArrayList<>(n);
      long[][] clkWords = new long[n][];
      long[][] keys = new long[n][];
      double[][] adjust = new double[n][];
      for (int l = 0; l < n; l++) {
        int from = (int) order[l];
        record[l] = c.records[from];
        party[l] = Grouping.partyOf(offset, record[l]);
        if (readsFields) {
          rows.add(need(c.fieldRows, "field filters")[from]);
        }
        if (readsClks) {
          clkWords[l] = need(c.clks, "CLKs")[from];
        }
        if (c.valueKeys != null) {
          keys[l] = c.valueKeys[from];
          adjust[l] = c.adjustments[from];
        }
      }
      FieldFilters fields = readsFields ? FieldFilters.ofRows(fieldBits, rows) : null;
      FilterMatrix clks = readsClks ? FilterMatrix.of(clkBits, clkWords) : null;
      boolean values = weighsValues();
      if (values && c.valueKeys == null) {
        throw new IllegalArgumentException(
            "component " + c.number + ": the rules weigh values and its records have none");
      }
      int[] xs = new int[c.x.length];
      int[] ys = new int[c.x.length];
      for (int k = 0; k < xs.length; k++) {
        xs[k] = local(record, c.x[k], c);
        ys[k] = local(record, c.y[k], c);
      }
      Clusterer.Margin margin =
          (x, y) -> {
            if (party[x] > party[y] || (party[x] == party[y] && x > y)) {
              int t = x;
              x = y;
              y = t;
            }
            Decided.Weigher w = weighers[party[x]][party[y]];
            if (w == null) {
              return Double.NEGATIVE_INFINITY; // never compared: two records of one extract
            }
            double m = w.weight(fields, x, fields, y, clks, clks) - w.cutValue();
            boolean[] weighed = lone[party[x]][party[y]];
            return weighed == null ? m : m + shared(weighed, keys, adjust, x, y);
          };
      Clusters local =
          Clusterer.cluster(
              Edges.of(xs, ys, c.margin), n, constrained ? party.clone() : null, margin);
      // Each entity's members in record order, then every pair of them, as Grouping.linksOf.
      int[] sizes = local.sizes();
      List<int[]> members = new ArrayList<>();
      int[] fill = new int[local.count()];
      int[][] of = new int[local.count()][];
      for (int l = 0; l < n; l++) {
        int e = local.clusterOf()[l];
        if (sizes[e] > 1) {
          if (of[e] == null) {
            of[e] = new int[sizes[e]];
            members.add(of[e]);
          }
          of[e][fill[e]++] = l;
        }
      }
      Part part = new Part(new int[] {c.number}, members.size());
      int pairs = 0;
      for (int[] m : members) {
        pairs += m.length * (m.length - 1) / 2;
      }
      part.links(pairs);
      int e = 0;
      for (int[] m : members) {
        int[] entity = new int[m.length];
        for (int u = 0; u < m.length; u++) {
          entity[u] = record[m[u]];
          for (int v = u + 1; v < m.length; v++) {
            int x = m[u];
            int y = m[v];
            Decided.Weigher w = weighers[party[x]][party[y]];
            if (w == null) {
              throw new IllegalStateException(
                  "no decision weighs records of extracts " + party[x] + " and " + party[y]);
            }
            part.addLink(
                party[x],
                record[x] - offset[party[x]],
                party[y],
                record[y] - offset[party[y]],
                w.score(w.weight(fields, x, fields, y, clks, clks)));
          }
        }
        part.entities[e++] = entity;
      }
      return part;
    }

    /** The adjustments of the values records x and y share exactly, over the fields weighed. */
    private static double shared(
        boolean[] weighed, long[][] keys, double[][] adjust, int x, int y) {
      double sum = 0;
      for (int f = 0; f < weighed.length; f++) {
        long v = keys[x][f];
        if (weighed[f] && v >= 0 && v == keys[y][f]) {
          sum += adjust[x][f];
        }
      }
      return sum;
    }

    private static int local(int[] record, int r, Component c) {
      int l = Arrays.binarySearch(record, r);
      if (l < 0) {
        throw new IllegalArgumentException(
            "component " + c.number + ": an edge names record " + r + ", which it does not hold");
      }
      return l;
    }

    private static long[][] need(long[][] rows, String what) {
      if (rows == null) {
        throw new IllegalArgumentException("the rules read the records' " + what + ": give them");
      }
      return rows;
    }
  }

  /**
   * One component as an engine gathered it: its records (numbered across parties, in any order)
   * with, in the same order, what the rules read of each ({@link Rules#readsFields}, {@link
   * Rules#readsClks}; null where not read) and, where values are weighed, each record's value keys
   * and their adjustments by field; and its edges with their margins. Serializable.
   */
  public static final class Component implements Serializable {
    private static final long serialVersionUID = 1L;
    final int number;
    final int[] records;
    final long[][] fieldRows;
    final long[][] clks;
    final long[][] valueKeys;
    final double[][] adjustments;
    final int[] x;
    final int[] y;
    final double[] margin;

    /**
     * @param valueKeys each record's {@link Rules#valueKeys}, or null where no value is weighed
     * @param adjustments each record's adjustment of its value of each field ({@link
     *     Rules#adjustment}; any number where its key is -1)
     */
    public Component(
        int number,
        int[] records,
        long[][] fieldRows,
        long[][] clks,
        long[][] valueKeys,
        double[][] adjustments,
        int[] x,
        int[] y,
        double[] margin) {
      if ((fieldRows != null && fieldRows.length != records.length)
          || (clks != null && clks.length != records.length)
          || (valueKeys != null && valueKeys.length != records.length)
          || (valueKeys == null) != (adjustments == null)
          || (adjustments != null && adjustments.length != records.length)
          || x.length != y.length
          || y.length != margin.length) {
        throw new IllegalArgumentException(
            "component " + number + ": its arrays differ in length from its records or edges");
      }
      this.number = number;
      this.records = records;
      this.fieldRows = fieldRows;
      this.clks = clks;
      this.valueKeys = valueKeys;
      this.adjustments = adjustments;
      this.x = x;
      this.y = y;
      this.margin = margin;
    }
  }

  /**
   * Components clustered: their numbers, their entities of two or more records (each its records
   * numbered across parties, ascending), and every pair of records inside an entity with its score.
   * Serializable.
   */
  public static final class Part implements Serializable {
    private static final long serialVersionUID = 1L;
    final int[] components;
    final int[][] entities;
    int[] a = new int[0];
    int[] i = new int[0];
    int[] b = new int[0];
    int[] j = new int[0];
    double[] score = new double[0];
    private int links;

    private Part(int[] components, int entities) {
      this.components = components;
      this.entities = new int[entities][];
    }

    private void links(int capacity) {
      a = new int[capacity];
      i = new int[capacity];
      b = new int[capacity];
      j = new int[capacity];
      score = new double[capacity];
    }

    private void addLink(int pa, int ri, int pb, int rj, double s) {
      a[links] = pa;
      i[links] = ri;
      b[links] = pb;
      j[links] = rj;
      score[links++] = s;
    }

    /** One part holding all of {@code parts}. */
    public static Part of(List<Part> parts) {
      int components = 0;
      int entities = 0;
      int links = 0;
      for (Part p : parts) {
        components += p.components.length;
        entities += p.entities.length;
        links += p.score.length;
      }
      Part out = new Part(new int[components], entities);
      out.links(links);
      int c = 0;
      int e = 0;
      for (Part p : parts) {
        System.arraycopy(p.components, 0, out.components, c, p.components.length);
        c += p.components.length;
        System.arraycopy(p.entities, 0, out.entities, e, p.entities.length);
        e += p.entities.length;
        for (int k = 0; k < p.score.length; k++) {
          out.addLink(p.a[k], p.i[k], p.b[k], p.j[k], p.score[k]);
        }
      }
      return out;
    }
  }
}
