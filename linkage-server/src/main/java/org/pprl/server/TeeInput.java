package org.pprl.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A stream that copies every byte read from it to an output (an upload into its file). */
final class TeeInput extends UploadInput.Blocks {
  private final OutputStream copy;

  TeeInput(InputStream in, OutputStream copy) {
    super(in);
    this.copy = copy;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      copy.write(b, off, n);
    }
    return n;
  }
}
