package org.pprl.core.io;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An output file that appears at its path complete or not at all: bytes go to a temporary file in
 * the target's directory, and {@link #commit} fsyncs it and moves it into place in one step.
 *
 * <p>{@link #close} without {@link #commit} deletes the temporary file, so with try-with-resources
 * an exception leaves neither a partial target nor litter, and an existing target stays as it was:
 *
 * <pre>{@code
 * try (AtomicOutput out = AtomicOutput.create(path)) {
 *   write(out.stream());
 *   out.commit();
 * }
 * }</pre>
 *
 * <p>The move is {@code ATOMIC_MOVE} (a rename, which replaces an existing target on POSIX
 * systems); where the file system cannot do that, it falls back to {@code REPLACE_EXISTING}. The
 * temporary file is named {@code .<target name>.<random>.tmp}, from the target's name only, and is
 * created readable and writable by its owner only (POSIX {@code 0600}); the committed file keeps
 * those permissions. Not thread-safe.
 *
 * <p>A target that exists and is neither a regular file nor a directory (a device such as {@code
 * /dev/null}, a pipe such as {@code /dev/stdout}) is written through, with no temporary file: there
 * is no file to replace, and a rename onto it would replace the device itself (as root, {@code
 * --pairs /dev/null} turned /dev/null into a regular file). What was written before a failure has
 * then gone to it.
 */
public final class AtomicOutput implements Closeable {
  private static final int MAX_PREFIX_CHARS = 100;

  private final Path target;
  private final Path temp; // null: written through to a device or pipe
  private final FileChannel channel;
  private final BufferedOutputStream buffered;
  private final OutputStream stream;
  private boolean committed;
  private boolean closed;

  private AtomicOutput(Path target, Path temp, FileChannel channel) {
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
    this.stream = new Stream();
  }

  /**
   * Creates the temporary file next to {@code target}.
   *
   * @throws IOException if the target's directory does not exist or is not writable
   */
  public static AtomicOutput create(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    if (Files.exists(absolute) && !Files.isRegularFile(absolute) && !Files.isDirectory(absolute)) {
      return new AtomicOutput(absolute, null, FileChannel.open(absolute, StandardOpenOption.WRITE));
    }
    Path dir = absolute.getParent();
    if (dir == null || absolute.getFileName() == null) {
      throw new IOException("not a file path: " + target);
    }
    String name = absolute.getFileName().toString();
    if (name.length() > MAX_PREFIX_CHARS) {
      name = name.substring(0, MAX_PREFIX_CHARS);
    }
    Path temp = Files.createTempFile(dir, "." + name + ".", ".tmp");
    try {
      FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
      return new AtomicOutput(absolute, temp, channel);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /** The path the output appears at on {@link #commit}. */
  public Path target() {
    return target;
  }

  /**
   * The stream to write to (buffered). Closing it only flushes; the file is finished by {@link
   * #commit} and abandoned by {@link #close}.
   */
  public OutputStream stream() {
    return stream;
  }

  /**
   * Flushes, fsyncs and closes the temporary file, then moves it onto the target and fsyncs the
   * directory (where the platform allows).
   *
   * @throws IllegalStateException if already committed or closed
   */
  public void commit() throws IOException {
    checkOpen();
    buffered.flush();
    if (temp == null) {
      channel.close();
      committed = true;
      return;
    }
    channel.force(true);
    channel.close();
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    committed = true;
    syncDirectory(target.getParent());
  }

  /** Deletes the temporary file unless {@link #commit} succeeded; idempotent. */
  @Override
  public void close() throws IOException {
    if (committed || closed) {
      return;
    }
    closed = true;
    try {
      channel.close();
    } finally {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private void checkOpen() {
    if (committed || closed) {
      throw new IllegalStateException(
          "the output is " + (committed ? "committed" : "closed") + " already");
    }
  }

  /** Makes the rename durable; best effort, as not every platform can open a directory. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // The file itself is durable; only the rename might not survive a crash here.
    }
  }

  /** Writes through to the buffer while open; close() flushes and nothing more. */
  private final class Stream extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      checkWritable();
      buffered.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      checkWritable();
      buffered.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      if (!committed && !closed) {
        buffered.flush();
      }
    }

    @Override
    public void close() throws IOException {
      flush();
    }

    private void checkWritable() throws IOException {
      if (committed || closed) {
        throw new IOException("the output is " + (committed ? "committed" : "closed") + " already");
      }
    }
  }
}
