package org.pprl.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files and directories that only their owner may read: every file the service writes (database,
 * extracts, keys, uploads in flight, lock) holds links, token hashes or secrets. The permissions
 * are given when the file is created ({@code 0600}, directories {@code 0700}), never changed
 * afterwards, so that there is no moment when another user could open it. On a file system without
 * POSIX permissions (Windows) files are created with the platform's defaults.
 */
public final class OwnerOnly {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private OwnerOnly() {}

  private static FileAttribute<?>[] file() {
    return POSIX
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
        }
        : new FileAttribute<?>[0];
  }

  private static FileAttribute<?>[] directory() {
    return POSIX
        ? new FileAttribute<?>[] {
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))
        }
        : new FileAttribute<?>[0];
  }

  /**
   * Creates {@code dir} and its missing parents, each owner-only; directories that exist are left
   * as they are.
   */
  public static Path directories(Path dir) throws IOException {
    return Files.createDirectories(dir, directory());
  }

  /** A new empty temporary file in {@code dir}, owner-only. */
  public static Path tempFile(Path dir, String prefix) throws IOException {
    return Files.createTempFile(dir, prefix, ".part", file());
  }

  /**
   * Creates {@code file} owner-only if it does not exist (an existing file keeps its permissions).
   */
  public static void createIfMissing(Path file) throws IOException {
    try {
      Files.createFile(file, file());
    } catch (java.nio.file.FileAlreadyExistsException exists) {
      // kept as it is
    }
  }

  /**
   * A stream that writes {@code file} from its start, creating it owner-only if it is missing (an
   * existing file is truncated and keeps its permissions).
   */
  public static OutputStream newOutputStream(Path file) throws IOException {
    return Channels.newOutputStream(
        Files.newByteChannel(
            file,
            java.util.Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING),
            file()));
  }

  /** Writes {@code bytes} to {@code file} as {@link #newOutputStream} does. */
  public static void write(Path file, byte[] bytes) throws IOException {
    try (OutputStream out = newOutputStream(file)) {
      out.write(bytes);
    }
  }

  /** Writes {@code text} as UTF-8 to {@code file} as {@link #newOutputStream} does. */
  public static void writeString(Path file, String text) throws IOException {
    write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Moves {@code from} to {@code to}, atomically where the file system can, making {@code to}'s
   * directory (owner-only) first.
   */
  static void moveInto(Path from, Path to) throws IOException {
    OwnerOnly.directories(to.getParent());
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }
}
