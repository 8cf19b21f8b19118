package org.pprl.core.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartyLoadTest {
  @TempDir Path dir;

  /** A file of {@code length} bytes starting with {@code first} and ending in a trailer. */
  private Path file(int length, int first, long declared) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(0, (byte) first);
    b.put(length - 41, (byte) 'E');
    b.putLong(length - 40, declared);
    Path f = dir.resolve("x" + length + "-" + first + "-" + declared + ".pprl");
    Files.write(f, b.array());
    return f;
  }

  @Test
  void expectedRecords_plausibleTrailer_isItsCount() throws IOException {
    assertEquals(3, Party.expectedRecords(file(1000, 0x89, 3), 100));
    assertEquals(10, Party.expectedRecords(file(1000, 0x89, 10), 100));
  }

  @Test
  void expectedRecords_countTheLengthCannotHold_isNotBelieved() throws IOException {
    assertEquals(1024, Party.expectedRecords(file(1000, 0x89, 11), 100));
    assertEquals(1024, Party.expectedRecords(file(1000, 0x89, Long.MAX_VALUE), 100));
    assertEquals(1024, Party.expectedRecords(file(1000, 0x89, -1), 100));
  }

  @Test
  void expectedRecords_compressedOrTiny_isTheDefault() throws IOException {
    assertEquals(1024, Party.expectedRecords(file(1000, 0x1f, 3), 100)); // gzip's first byte
    assertEquals(1024, Party.expectedRecords(file(100, 0x89, 1), 10));
  }
}
