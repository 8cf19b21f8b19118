package org.pprl.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicOutputTest {

  private static List<String> names(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void commit_movesTheCompleteFileIntoPlace(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("out.csv");
    byte[] content = new byte[200_000];
    content[199_999] = 7;
    try (AtomicOutput out = AtomicOutput.create(target)) {
      out.stream().write(content);
      out.stream().write('x');
      // while writing, only a hidden temporary file named after the target exists
      List<String> during = names(dir);
      assertEquals(1, during.size());
      assertTrue(during.get(0).startsWith(".out.csv.") && during.get(0).endsWith(".tmp"));
      out.commit();
    }
    byte[] expected = java.util.Arrays.copyOf(content, content.length + 1);
    expected[content.length] = 'x';
    assertArrayEquals(expected, Files.readAllBytes(target));
    assertEquals(List.of("out.csv"), names(dir));
  }

  @Test
  void exceptionBeforeCommit_leavesNoFileAndNoTemp(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("pairs.csv");
    assertThrows(
        IllegalStateException.class,
        () -> {
          try (AtomicOutput out = AtomicOutput.create(target)) {
            out.stream().write("half a line".getBytes(StandardCharsets.UTF_8));
            throw new IllegalStateException("boom");
          }
        });
    assertEquals(List.of(), names(dir));
  }

  @Test
  void exceptionBeforeCommit_keepsTheExistingTarget(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("pairs.csv");
    Files.writeString(target, "old");
    try (AtomicOutput out = AtomicOutput.create(target)) {
      out.stream().write("new but unfinished".getBytes(StandardCharsets.UTF_8));
      out.stream().flush();
    }
    assertEquals("old", Files.readString(target));
    assertEquals(List.of("pairs.csv"), names(dir));
  }

  @Test
  void commit_replacesTheExistingTarget(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("pairs.csv");
    Files.writeString(target, "old");
    try (AtomicOutput out = AtomicOutput.create(target)) {
      out.stream().write("new".getBytes(StandardCharsets.UTF_8));
      out.commit();
    }
    assertEquals("new", Files.readString(target));
  }

  @Test
  void streamClosedByAWrapper_canStillBeCommitted(@TempDir Path dir) throws IOException {
    Path target = dir.resolve("x.bin");
    try (AtomicOutput out = AtomicOutput.create(target)) {
      try (OutputStream s = out.stream()) {
        s.write(1);
      }
      out.commit();
    }
    assertArrayEquals(new byte[] {1}, Files.readAllBytes(target));
  }

  @Test
  void writeOrCommit_afterCommit_isRefused(@TempDir Path dir) throws IOException {
    try (AtomicOutput out = AtomicOutput.create(dir.resolve("x.bin"))) {
      out.commit();
      assertThrows(IOException.class, () -> out.stream().write(1));
      assertThrows(IllegalStateException.class, out::commit);
    }
    assertTrue(Files.exists(dir.resolve("x.bin")));
  }

  @Test
  void deviceTarget_isWrittenThrough_andStaysADevice(@TempDir Path dir) throws IOException {
    Path device = Path.of("/dev/null");
    assumeTrue(Files.exists(device) && !Files.isRegularFile(device), "no /dev/null here");
    // Through a link in the test's own directory: were the device replaced, the link would be.
    Path link = Files.createSymbolicLink(dir.resolve("sink"), device);
    try (AtomicOutput out = AtomicOutput.create(link)) {
      out.stream().write("pairs".getBytes(StandardCharsets.UTF_8));
      out.commit();
    }
    try (AtomicOutput out = AtomicOutput.create(link)) {
      out.stream().write("abandoned".getBytes(StandardCharsets.UTF_8));
    }
    assertTrue(Files.isSymbolicLink(link));
    assertFalse(Files.isRegularFile(device));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(link), files.toList()); // no temporary file beside it
    }
  }

  @Test
  void create_inMissingDirectory_fails(@TempDir Path dir) {
    assertThrows(IOException.class, () -> AtomicOutput.create(dir.resolve("no/such/x.bin")));
    assertFalse(Files.exists(dir.resolve("no")));
  }
}
