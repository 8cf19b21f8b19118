package org.pprl.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link LinkageServer} listens and what it accepts of an upload. Made with {@link
 * #builder()}, whose setters check each value at once; the defaults are safe on a shared host: the
 * loopback interface only, plain HTTP (for a reverse proxy in front, docs/service.md), and uploads
 * bounded in size, time and number.
 *
 * @param host the interface to listen on: an address or host name; {@code 0.0.0.0} for all
 * @param port the TCP port, 0 for a free one
 * @param tls the PEM certificate chain and private key to serve HTTPS with, or null for HTTP
 * @param maxUploadBytes the largest upload, in bytes as sent (compressed, if gzip)
 * @param maxExtractBytes the largest extract after decompression, in bytes
 * @param maxExpansion the largest ratio of decompressed to sent bytes of a gzip upload, checked
 *     once more than {@link #EXPANSION_GRACE_BYTES} have been decompressed
 * @param idleTimeout how long a connection may send nothing before it is closed
 * @param uploadTimeout how long an upload may take from its first byte to its last
 * @param maxUploads how many uploads may be received at once, over all stewards
 * @param maxUploadsPerSteward how many uploads one steward's token may have in flight at once
 */
public record ServerSettings(
    String host,
    int port,
    Tls tls,
    long maxUploadBytes,
    long maxExtractBytes,
    int maxExpansion,
    Duration idleTimeout,
    Duration uploadTimeout,
    int maxUploads,
    int maxUploadsPerSteward) {

  /** The address listened on unless another is given: this machine only. */
  public static final String LOOPBACK = "127.0.0.1";

  /**
   * Decompressed bytes allowed before the expansion ratio is checked: the extract's header and its
   * first records may compress far better than the rest.
   */
  public static final long EXPANSION_GRACE_BYTES = 1L << 20;

  /** A PEM certificate chain (server certificate first) and its PEM private key (unencrypted). */
  public record Tls(Path certificate, Path privateKey) {
    public Tls {
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(privateKey, "privateKey");
    }
  }

  public ServerSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(uploadTimeout, "uploadTimeout");
  }

  /** A builder with every value at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.tls = tls;
    b.maxUploadBytes = maxUploadBytes;
    b.maxExtractBytes = maxExtractBytes;
    b.maxExpansion = maxExpansion;
    b.idleTimeout = idleTimeout;
    b.uploadTimeout = uploadTimeout;
    b.maxUploads = maxUploads;
    b.maxUploadsPerSteward = maxUploadsPerSteward;
    return b;
  }

  /** Builds {@link ServerSettings}; each setter refuses a value out of range at once. */
  public static final class Builder {
    private String host = LOOPBACK;
    private int port = 0;
    private Tls tls;
    private long maxUploadBytes = 1L << 30;
    private long maxExtractBytes = 4L << 30;
    private int maxExpansion = 20;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration uploadTimeout = Duration.ofMinutes(30);
    private int maxUploads = 8;
    private int maxUploadsPerSteward = 2;

    private Builder() {}

    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      require(!host.isBlank(), "host is empty");
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      require(port >= 0 && port <= 65535, "port is " + port + ", expected 0 to 65535");
      this.port = port;
      return this;
    }

    public Builder tls(Tls tls) {
      this.tls = tls;
      return this;
    }

    public Builder maxUploadBytes(long bytes) {
      require(bytes > 0, "upload limit is " + bytes + ", expected > 0");
      this.maxUploadBytes = bytes;
      return this;
    }

    public Builder maxExtractBytes(long bytes) {
      require(bytes > 0, "extract limit is " + bytes + ", expected > 0");
      this.maxExtractBytes = bytes;
      return this;
    }

    public Builder maxExpansion(int ratio) {
      require(ratio >= 1, "expansion limit is " + ratio + ", expected >= 1");
      this.maxExpansion = ratio;
      return this;
    }

    public Builder idleTimeout(Duration timeout) {
      require(positive(timeout), "idle timeout is " + timeout + ", expected > 0");
      this.idleTimeout = timeout;
      return this;
    }

    public Builder uploadTimeout(Duration timeout) {
      require(positive(timeout), "upload timeout is " + timeout + ", expected > 0");
      this.uploadTimeout = timeout;
      return this;
    }

    public Builder maxUploads(int uploads) {
      require(uploads >= 1, "concurrent upload limit is " + uploads + ", expected >= 1");
      this.maxUploads = uploads;
      return this;
    }

    public Builder maxUploadsPerSteward(int uploads) {
      require(uploads >= 1, "per-steward upload limit is " + uploads + ", expected >= 1");
      this.maxUploadsPerSteward = uploads;
      return this;
    }

    public ServerSettings build() {
      return new ServerSettings(
          host,
          port,
          tls,
          maxUploadBytes,
          maxExtractBytes,
          maxExpansion,
          idleTimeout,
          uploadTimeout,
          maxUploads,
          maxUploadsPerSteward);
    }

    private static boolean positive(Duration d) {
      return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
