package org.pprl.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.pprl.core.cluster.UnionFind;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;

/**
 * How the default link's graphs fall apart into connected components: each candidate set's, all
 * candidates together, and the links inside entities. For planning the stages after the search on
 * Apache Spark (docs/spark.md, "100M × 100M on paper"): a stage that can run component by component
 * runs on executors without a global step only if no component is a large share of the records.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.pprl.bench.CandidateComponents
 * A.pprl [B.pprl ...]}.
 */
public final class CandidateComponents {
  private CandidateComponents() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: CandidateComponents A.pprl [B.pprl ...]");
      System.exit(2);
    }
    List<Party> parties = new ArrayList<>();
    for (String file : args) {
      Party party = Party.load(Path.of(file), Path.of(file).getFileName().toString());
      parties.add(party.renamed(party.header().agency()));
    }
    int[] offset = new int[parties.size() + 1];
    for (int p = 0; p < parties.size(); p++) {
      offset[p + 1] = offset[p] + parties.get(p).size();
    }
    Linker.Result result = new Linker(Linker.Options.defaults(), s -> {}).link(parties);
    Components all = new Components(offset[parties.size()]);
    for (Linker.Candidates c : result.candidates()) {
      Components one = new Components(offset[parties.size()]);
      for (int k = 0; k < c.pairs().length; k++) {
        int x = offset[c.a()] + c.first(k);
        int y = offset[c.b()] + c.second(k);
        one.join(x, y);
        all.join(x, y);
      }
      String name =
          c.a() == c.b()
              ? parties.get(c.a()).name()
              : parties.get(c.a()).name() + " x " + parties.get(c.b()).name();
      System.out.println(one.describe("candidates " + name, c.pairs().length));
    }
    System.out.println(all.describe("all candidates", -1));
    Components links = new Components(offset[parties.size()]);
    for (Linker.Link l : result.links()) {
      links.join(offset[l.a()] + l.i(), offset[l.b()] + l.j());
    }
    System.out.println(links.describe("links inside entities", result.links().size()));
  }

  /** Connected components over record numbers, on the core's {@link UnionFind}. */
  private static final class Components {
    private final UnionFind sets = new UnionFind();
    private final int records;

    Components(int records) {
      this.records = records;
    }

    void join(int x, int y) {
      sets.union(x, y);
    }

    String describe(String what, long edges) {
      int[] size = new int[records];
      for (int i = 0; i < records; i++) {
        size[sets.find(i)]++;
      }
      int components = 0;
      int inThem = 0;
      int largest = 0;
      int[] bySize = new int[5]; // 2, 3-10, 11-100, 101-10^4, more
      for (int s : size) {
        if (s >= 2) {
          components++;
          inThem += s;
          largest = Math.max(largest, s);
          bySize[s == 2 ? 0 : s <= 10 ? 1 : s <= 100 ? 2 : s <= 10_000 ? 3 : 4]++;
        }
      }
      return String.format(
          Locale.ROOT,
          "%s:%s %,d components of two or more records holding %,d of %,d records; the largest"
              + " %,d records (%.1f %% of all); by size 2: %,d, 3-10: %,d, 11-100: %,d,"
              + " 101-10^4: %,d, more: %,d",
          what,
          edges >= 0 ? String.format(Locale.ROOT, " %,d pairs,", edges) : "",
          components,
          inThem,
          records,
          largest,
          100.0 * largest / records,
          bySize[0],
          bySize[1],
          bySize[2],
          bySize[3],
          bySize[4]);
    }
  }
}
