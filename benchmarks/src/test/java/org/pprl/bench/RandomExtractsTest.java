package org.pprl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.core.evaluate.Truth;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;

class RandomExtractsTest {

  @Test
  void diceMatchingOfAllPairs_findsExactlyThePlantedPairs(@TempDir Path dir) throws Exception {
    int n = 1000;
    RandomExtracts.write(n, dir, 1);
    Party a = Party.load(dir.resolve("random_a.pprl"), "random_a");
    Party b = Party.load(dir.resolve("random_b.pprl"), "random_b");
    Truth truth = Truth.read(dir.resolve("truth.csv"));

    Linker.Result result =
        new Linker(
                Linker.Options.defaults()
                    .withBlocking(Linker.Blocking.NONE)
                    .withThreads(2)
                    .withDiceThreshold(0.8),
                step -> {})
            .link(List.of(a, b));

    List<String> expected = new ArrayList<>();
    for (int j = 0; j < n; j += RandomExtracts.PLANT_EVERY) {
      expected.add("a" + RandomExtracts.source(j, n) + "=b" + j);
    }
    List<String> found = new ArrayList<>();
    for (Linker.Link l : result.links()) {
      found.add(a.id(l.i()) + "=" + b.id(l.j()));
      assertEquals(truth.entity("random_a", a.id(l.i())), truth.entity("random_b", b.id(l.j())));
    }
    expected.sort(null);
    found.sort(null);
    assertEquals(expected, found);
    assertEquals(RandomExtracts.planted(n), truth.truePairs("random_a", "random_b"));
  }
}
