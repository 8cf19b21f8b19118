package org.pprl.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeoutException;
import org.pprl.server.ApiException.Code;

/**
 * The streams an upload's body is read through, each refusing as soon as a limit is passed rather
 * than after the whole body has arrived: {@link Sent} on the bytes as sent (size, total time, a
 * connection that stalls or breaks), {@link Expanded} on the bytes after gzip (size and the ratio
 * to the bytes sent). A refusal travels as {@link Refused}, an {@link IOException} (so that it
 * passes through the gzip and extract readers unchanged) that carries the {@link ApiException}.
 */
final class UploadInput {
  private UploadInput() {}

  /** A refusal raised inside a stream; {@link #refusal} is what the client gets. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient ApiException refusal;

    Refused(ApiException refusal) {
      super(refusal.getMessage());
      this.refusal = refusal;
    }

    ApiException refusal() {
      return refusal;
    }
  }

  /**
   * A filter whose single-byte read and skip go through {@link #read(byte[], int, int)}, so that a
   * subclass counts and checks every byte in that one method.
   */
  abstract static class Blocks extends FilterInputStream {
    Blocks(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public long skip(long n) throws IOException {
      int len = (int) Math.min(Math.max(n, 0), 8192);
      return Math.max(0, read(new byte[len], 0, len));
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }

  /** The body as sent: counted, bounded in size and in time from the first read. */
  static final class Sent extends Blocks {
    private final long maxBytes;
    private final long deadlineNanos;
    private final long timeoutSeconds;
    private long count;

    Sent(InputStream body, long maxBytes, java.time.Duration timeout) {
      super(body);
      this.maxBytes = maxBytes;
      this.timeoutSeconds = timeout.toSeconds();
      this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    /** Bytes received so far. */
    long count() {
      return count;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new Refused(
            new ApiException(
                Code.UPLOAD_TIMEOUT,
                "the upload took longer than the limit of "
                    + timeoutSeconds
                    + " s and was cut off after "
                    + count
                    + " bytes"));
      }
      int n;
      try {
        n = super.read(b, off, len);
      } catch (IOException e) {
        if (timedOut(e)) {
          throw new Refused(
              new ApiException(
                  Code.UPLOAD_TIMEOUT,
                  "the upload stalled (nothing sent for the idle timeout) after "
                      + count
                      + " bytes"));
        }
        throw new Refused(
            new ApiException(Code.BAD_REQUEST, "the upload broke off after " + count + " bytes"));
      }
      if (n > 0) {
        count += n;
        if (count > maxBytes) {
          throw new Refused(
              new ApiException(
                  Code.TOO_LARGE, "the upload is larger than the limit of " + maxBytes + " bytes"));
        }
      }
      return n;
    }

    private static boolean timedOut(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * The body after gzip: bounded in size and, past {@link ServerSettings#EXPANSION_GRACE_BYTES}, in
   * its ratio to the bytes sent so far.
   */
  static final class Expanded extends Blocks {
    private final Sent sent;
    private final long maxBytes;
    private final int maxRatio;
    private long count;

    Expanded(InputStream inflated, Sent sent, long maxBytes, int maxRatio) {
      super(inflated);
      this.sent = sent;
      this.maxBytes = maxBytes;
      this.maxRatio = maxRatio;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
        if (count > maxBytes) {
          throw new Refused(
              new ApiException(
                  Code.TOO_LARGE,
                  "the extract is larger than the limit of "
                      + maxBytes
                      + " bytes once decompressed; refused after "
                      + sent.count()
                      + " bytes received"));
        }
        if (count > ServerSettings.EXPANSION_GRACE_BYTES
            && count > (double) maxRatio * Math.max(1, sent.count())) {
          throw new Refused(
              new ApiException(
                  Code.EXPANSION_TOO_LARGE,
                  "the gzip upload expands more than "
                      + maxRatio
                      + " times (to "
                      + count
                      + " bytes from the "
                      + sent.count()
                      + " bytes received)"));
        }
      }
      return n;
    }
  }
}
