package org.pprl.core.link;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.pprl.core.cluster.Clusterer;
import org.pprl.core.cluster.Clusters;
import org.pprl.core.cluster.Edges;

/** Step 6 of a linkage (see {@link Linker}): entities from the decisions, and their pairs. */
final class Grouping {
  private Grouping() {}

  /**
   * Entities over all records (numbered party by party from {@code offset}): the links on their own
   * are the edges, and groups join by average linkage on the decisions' margins, a model's with the
   * values its pairs share weighed by how common they are ({@link TermFrequencies}); with {@code
   * --one-to-one} and several parties, at most one record of each party in an entity. Each of its
   * two steps is named to {@code steps} as it starts.
   */
  static Clusters cluster(
      List<Party> parties,
      int[] offset,
      List<Decided> decided,
      boolean oneToOne,
      int threads,
      Consumer<String> steps) {
    int records = offset[parties.size()];
    Edges edges = edges(offset, decided);
    Decided[][] of = byPartyPair(decided, parties.size());
    int[] extractOf = null;
    if (oneToOne && parties.size() > 1) {
      extractOf = new int[records];
      for (int p = 0; p < parties.size(); p++) {
        Arrays.fill(extractOf, offset[p], offset[p + 1], p);
      }
    }
    // Term frequencies weigh the pairs between groups of a model's decisions (not Dice's).
    boolean model = decided.stream().anyMatch(d -> d instanceof Decided.Model);
    if (model) {
      steps.accept("clustering: counting the values that groups of linked records share");
    }
    TermFrequencies tf =
        model
            ? TermFrequencies.of(
                parties, offset, TermFrequencies.groupsOf(records, offset, decided), threads)
            : null;
    boolean[][][] lone = new boolean[parties.size()][parties.size()][];
    for (Decided d : decided) {
      if (d instanceof Decided.Model) {
        lone[d.a][d.b] =
            TermFrequencies.loneFields(((Decided.Model) d).groups(), parties.get(0).fieldCount());
      }
    }
    Clusterer.Margin margin =
        (x, y) -> {
          int px = partyOf(offset, x);
          int py = partyOf(offset, y);
          if (px > py || (px == py && x > y)) {
            int t = x;
            x = y;
            y = t;
            t = px;
            px = py;
            py = t;
          }
          Decided d = of[px][py];
          if (d == null) {
            return Double.NEGATIVE_INFINITY; // never compared: two records of one extract
          }
          double m = d.margin(parties.get(px), x - offset[px], parties.get(py), y - offset[py]);
          return lone[px][py] == null ? m : m + tf.adjustment(lone[px][py], x, y);
        };
    steps.accept(
        String.format(
            Locale.ROOT,
            "clustering: joining groups along %,d links (average linkage)",
            edges.size()));
    return Clusterer.cluster(edges, records, extractOf, margin);
  }

  /**
   * The clustering's edges: the decisions' links on their own, in order, between records numbered
   * party by party from {@code offset}, each scored by its margin.
   */
  static Edges edges(int[] offset, List<Decided> decided) {
    int count = 0;
    for (Decided d : decided) {
      count += d.edges.length;
    }
    int[] xs = new int[count];
    int[] ys = new int[count];
    double[] margins = new double[count];
    int n = 0;
    for (Decided d : decided) {
      for (int k : d.edges) {
        xs[n] = offset[d.a] + LongList.first(d.pairs[k]);
        ys[n] = offset[d.b] + LongList.second(d.pairs[k]);
        margins[n++] = d.margin(k);
      }
    }
    return Edges.of(xs, ys, margins);
  }

  /**
   * The estimates of each cut inside one party as the entities leave them: a link on its own whose
   * records the clustering kept apart is not kept, so its posterior of a duplicate moves from the
   * false links kept (its complement) to the duplicates missed. Reported where any was kept apart.
   */
  static void keptApart(
      List<Party> parties,
      int[] offset,
      Clusters clusters,
      List<Decided> decided,
      List<String> report) {
    int[] clusterOf = clusters.clusterOf();
    for (Decided d : decided) {
      if (!(d instanceof Decided.Model)
          || d.a != d.b
          || ((Decided.Model) d).duplicateByPattern == null
          || Double.isNaN(d.cut.expectedFalse())) {
        continue;
      }
      Decided.Model model = (Decided.Model) d;
      int apart = 0;
      double falseOut = 0;
      double trueOut = 0;
      for (int k : d.edges) {
        int x = offset[d.a] + LongList.first(d.pairs[k]);
        int y = offset[d.b] + LongList.second(d.pairs[k]);
        if (clusterOf[x] != clusterOf[y]) {
          apart++;
          falseOut += 1 - model.duplicate(k);
          trueOut += model.duplicate(k);
        }
      }
      if (apart == 0) {
        continue;
      }
      Linker.Cut c = d.cut;
      d.cut =
          new Linker.Cut(
              c.a(),
              c.b(),
              c.matchWeight(),
              c.minPosterior(),
              c.estimatedMatches(),
              Math.max(0, c.expectedFalse() - falseOut),
              c.expectedMissed() + trueOut);
      report.add(
          String.format(
              Locale.ROOT,
              "%s: the entities keep %,d of its %,d links on their own apart (about %.0f of them"
                  + " false); after them about %.0f false links kept, %.0f duplicates missed",
              parties.get(d.a).name(),
              apart,
              d.edges.length,
              falseOut,
              d.cut.expectedFalse(),
              d.cut.expectedMissed()));
    }
  }

  /**
   * Every pair of records that one entity holds, ordered by party pair, then records, each scored
   * as its pair of parties' decision scores any pair (a match probability, or a CLK Dice), whether
   * or not it was a candidate: a pair that joined through its entity may score below the cut.
   */
  static List<Linker.Link> linksOf(
      List<Party> parties, int[] offset, Clusters clusters, List<Decided> decided) {
    int[] clusterOf = clusters.clusterOf();
    int[] sizes = clusters.sizes();
    Decided[][] of = byPartyPair(decided, parties.size());
    // Members of each entity of two or more, in record order.
    int[] start = new int[clusters.count() + 1];
    for (int c = 0; c < clusters.count(); c++) {
      start[c + 1] = start[c] + (sizes[c] > 1 ? sizes[c] : 0);
    }
    int[] fill = Arrays.copyOf(start, clusters.count());
    int[] member = new int[start[clusters.count()]];
    for (int r = 0; r < clusterOf.length; r++) {
      if (sizes[clusterOf[r]] > 1) {
        member[fill[clusterOf[r]]++] = r;
      }
    }
    List<Linker.Link> links = new ArrayList<>();
    for (int c = 0; c < clusters.count(); c++) {
      for (int u = start[c]; u < start[c + 1]; u++) {
        for (int v = u + 1; v < start[c + 1]; v++) {
          int x = member[u];
          int y = member[v];
          int px = partyOf(offset, x);
          int py = partyOf(offset, y);
          Decided d = of[px][py];
          Party a = parties.get(px);
          Party b = parties.get(py);
          int i = x - offset[px];
          int j = y - offset[py];
          links.add(new Linker.Link(px, i, py, j, d.score(d.weight(a, i, b, j))));
        }
      }
    }
    links.sort(
        java.util.Comparator.comparingInt(Linker.Link::a)
            .thenComparingInt(Linker.Link::b)
            .thenComparingInt(Linker.Link::i)
            .thenComparingInt(Linker.Link::j));
    return links;
  }

  /** The decisions by their pair of parties, {@code [a][b]} with a ≤ b (null where none). */
  private static Decided[][] byPartyPair(List<Decided> decided, int parties) {
    Decided[][] of = new Decided[parties][parties];
    for (Decided d : decided) {
      of[d.a][d.b] = d;
    }
    return of;
  }

  /** Where each party's records start when numbered party by party; the last entry is the total. */
  static int[] offsets(List<Party> parties) {
    int[] offset = new int[parties.size() + 1];
    for (int p = 0; p < parties.size(); p++) {
      offset[p + 1] = offset[p] + parties.get(p).size();
    }
    return offset;
  }

  /** The party of record {@code r} numbered across parties. */
  static int partyOf(int[] offset, int r) {
    int p = Arrays.binarySearch(offset, r);
    return p >= 0 ? p : -p - 2; // parties are never empty (checkCompatible)
  }
}
