package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pprl.server.PostgresUrl;
import org.pprl.server.Role;
import org.pprl.server.Store;
import org.pprl.server.TestStores;

/** {@code pprl demo}, its service on SQLite and again on PostgreSQL ({@link TestStores}). */
class DemoCommandTest {
  @TempDir Path dir;

  /** The demo in {@code in}, with its service's store where the tests' stores are. */
  private static CliRun demo(Path in, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("demo", "--dir", in.toString()));
    all.addAll(List.of(args));
    all.addAll(TestStores.databaseOptions(in.resolve("service")));
    return CliRun.of(all.toArray(new String[0]));
  }

  @Test
  void demo_smallCity_encodesEveryAgencyAndLinksWithHighPrecision() throws Exception {
    CliRun run = demo(dir, "--population", "5000");

    assertEquals(0, run.exit(), run.err());
    for (String agency :
        new String[] {
          "public_assistance", "homeless_services", "childrens_services", "education", "housing"
        }) {
      assertTrue(Files.isRegularFile(dir.resolve(agency + ".pprl")), agency);
    }
    assertTrue(run.out().contains("is refused: forbidden"), run.out());
    assertTrue(run.out().matches("(?s).*verified \\d+ events, 1 checkpoints.*"), run.out());
    // The analyst's table: the four windows, the suppression symbol explained, a base.
    assertTrue(run.out().contains("within 365 days"), run.out());
    assertTrue(run.out().matches("(?s).*base: \\d+ foster-care leavers.*"), run.out());
    // The steward's summary names other agencies, never their record ids.
    assertTrue(run.out().matches("(?s).*[\\d,]+ of its records are linked.*"), run.out());
    assertFalse(run.out().matches("(?s).*\\b(HS|PA|ED|HO)-\\d+.*"), "another agency's id shown");
    Matcher m = Pattern.compile("precision ([0-9.]+), recall ([0-9.]+)").matcher(run.out());
    assertTrue(m.find(), run.out());
    // A regression guard on linkage quality for this seed, not a benchmark.
    assertTrue(Double.parseDouble(m.group(1)) >= 0.85, run.out());
    assertTrue(Double.parseDouble(m.group(2)) >= 0.8, run.out());
  }

  // On SQLite only: this is the linker's determinism, and two more demos took 20 s on PostgreSQL.
  @Test
  @Tag(TestStores.SQLITE_ONLY)
  void demo_sameSeed_givesTheSameLinks() throws Exception {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    assertEquals(0, demo(one, "--population", "2000").exit());
    assertEquals(0, demo(two, "--population", "2000").exit());
    assertEquals(
        Files.readString(one.resolve("pairs.csv")), Files.readString(two.resolve("pairs.csv")));
  }

  @Test
  void demo_databaseHoldingTokens_isRefusedAndLeftAsItWas() throws Exception {
    // On PostgreSQL whichever run this is; skipped where there is no server.
    Path theirs = dir.resolve("theirs");
    PostgresUrl database = TestStores.database(theirs);
    try (Store store = Store.open(theirs, database)) {
      store.createToken(Role.ADMIN, null, "theirs");
    }
    List<String> args =
        new ArrayList<>(
            List.of("demo", "--dir", dir.resolve("demo").toString(), "--population", "2000"));
    args.addAll(TestStores.databaseOptions(database));

    CliRun run = CliRun.of(args.toArray(new String[0]));

    assertEquals(2, run.exit(), run.err());
    // After what the encoding steps before it said.
    assertEquals(
        "pprl demo: --database: the demo needs an empty database; this one holds tokens or"
            + " projects",
        run.err().strip().lines().reduce((first, last) -> last).orElse(""));
    try (Store store = Store.open(theirs, database)) {
      assertEquals(1, store.principals().size());
      assertEquals(List.of(), store.projects());
    }
  }

  @Test
  void demo_populationOutOfRange_isRefused() throws Exception {
    CliRun run = demo(dir, "--population", "5");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("--population must be between"), run.err());
  }
}
