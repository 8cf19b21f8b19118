package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path dir;

  @Test
  void demo_smallCity_encodesEveryAgencyAndLinksWithHighPrecision() throws Exception {
    CliRun run = CliRun.of("demo", "--dir", dir.toString(), "--population", "5000");

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

  @Test
  void demo_sameSeed_givesTheSameLinks() throws Exception {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    assertEquals(0, CliRun.of("demo", "--dir", one.toString(), "--population", "2000").exit());
    assertEquals(0, CliRun.of("demo", "--dir", two.toString(), "--population", "2000").exit());
    assertEquals(
        Files.readString(one.resolve("pairs.csv")), Files.readString(two.resolve("pairs.csv")));
  }

  @Test
  void demo_populationOutOfRange_isRefused() {
    CliRun run = CliRun.of("demo", "--dir", dir.toString(), "--population", "5");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("--population must be between"), run.err());
  }
}
