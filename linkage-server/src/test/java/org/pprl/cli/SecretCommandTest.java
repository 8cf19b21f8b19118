package org.pprl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCommandTest {
  @TempDir Path dir;

  @Test
  void secretNew_writesOwnerOnlyHexAndPrintsNothingOfIt() throws Exception {
    Path file = dir.resolve("secret.key");

    CliRun run = CliRun.of("secret", "new", "--out", file.toString());

    assertEquals(0, run.exit(), run.err());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    String text = Files.readString(file);
    assertTrue(text.matches("[0-9a-f]{64}\n"), "not 64 hex digits and a newline");
    assertFalse(run.out().contains(text.strip()), "the secret was printed");
    assertEquals(List.of(file.getFileName()), listing());
  }

  @Test
  void secretNew_twice_givesDifferentSecrets() throws Exception {
    Path a = dir.resolve("a.key");
    Path b = dir.resolve("b.key");

    assertEquals(0, CliRun.of("secret", "new", "--out", a.toString()).exit());
    assertEquals(0, CliRun.of("secret", "new", "--out", b.toString()).exit());

    assertNotEquals(Files.readString(a), Files.readString(b));
  }

  @Test
  void secretNew_existingFile_isRefusedAndKept() throws Exception {
    Path file = Files.writeString(dir.resolve("secret.key"), "the agencies' secret\n");

    CliRun run = CliRun.of("secret", "new", "--out", file.toString());

    assertEquals(2, run.exit());
    assertEquals(
        "pprl secret new: " + file + " exists; a secret is never replaced (remove it first)",
        run.err().strip());
    assertEquals("the agencies' secret\n", Files.readString(file));
    assertEquals(List.of(file.getFileName()), listing());
  }

  @Test
  void secretNew_missingDirectory_isOneLineAndExit2() {
    CliRun run = CliRun.of("secret", "new", "--out", dir.resolve("no/such/dir/k").toString());

    assertEquals(2, run.exit());
    assertEquals(1, run.err().strip().lines().count(), run.err());
  }

  private List<Path> listing() throws Exception {
    try (var files = Files.list(dir)) {
      return files.map(Path::getFileName).toList();
    }
  }
}
