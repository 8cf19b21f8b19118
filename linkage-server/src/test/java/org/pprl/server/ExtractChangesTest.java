package org.pprl.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtractChangesTest {
  @Test
  void ids_extractFile_givesEveryRecordId(@TempDir Path dir) throws IOException {
    Path file = write(dir.resolve("x.pprl"), List.of("r10", "r2", "a"), 1);

    assertEquals(Set.of("a", "r2", "r10"), ExtractChanges.ids(file, 1));
  }

  @Property(tries = 100)
  void compare_randomVersions_countsWhatAnIdByIdWalkCounts(
      @ForAll @IntRange(min = 1, max = 300) int universe, @ForAll long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> before = new ArrayList<>();
    List<String> after = new ArrayList<>();
    long added = 0;
    long removed = 0;
    for (int i = 0; i < universe; i++) {
      String id = "id" + i;
      boolean inBefore = random.nextBoolean();
      boolean inAfter = random.nextBoolean();
      if (inBefore) {
        before.add(id);
      }
      if (inAfter) {
        after.add(id);
      }
      added += inAfter && !inBefore ? 1 : 0;
      removed += inBefore && !inAfter ? 1 : 0;
    }
    // Extract order is not id order.
    for (int i = before.size() - 1; i > 0; i--) {
      before.set(i, before.set(random.nextInt(i + 1), before.get(i)));
    }
    Path dir = Files.createTempDirectory("changes");
    try {
      Path old = write(dir.resolve("old.pprl"), before, seed);

      Store.ExtractChange change = ExtractChanges.compare(old, new HashSet<>(after));

      assertEquals(new Store.ExtractChange(added, removed), change);
    } finally {
      Files.deleteIfExists(dir.resolve("old.pprl"));
      Files.delete(dir);
    }
  }

  private static Path write(Path file, List<String> ids, long seed) throws IOException {
    return Files.write(
        file, ServiceFixture.extractWithIds("dhs", ServiceFixture.FINGERPRINT, ids, seed));
  }
}
