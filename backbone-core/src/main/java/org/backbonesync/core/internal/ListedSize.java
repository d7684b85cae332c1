package org.backbonesync.core.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An attachment's content read no further than the size its tracker listed: a site that streams
 * more (an endless body, which no stall timeout ends since bytes keep coming) fails the read once
 * past it, so a poll hashing the file or an apply uploading it ends. A negative size (which the
 * SPI does not allow, and a partner's transport would refuse anyway) is not held to.
 */
final class ListedSize extends FilterInputStream {
  private final long size;
  private long read;

  private ListedSize(InputStream in, long size) {
    super(in);
    this.size = size;
  }

  /** The content, failing with {@link Longer} once more than {@code size} bytes came. */
  static ListedSize atMost(InputStream in, long size) {
    return new ListedSize(in, size < 0 ? Long.MAX_VALUE : size);
  }

  /** The bytes read so far. */
  long count() {
    return read;
  }

  /** A content longer than its listed size. */
  static final class Longer extends IOException {
    private static final long serialVersionUID = 1L;

    Longer(String message) {
      super(message);
    }
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    counted(skipped);
    return skipped;
  }

  private void counted(long n) throws IOException {
    read += n;
    if (read > size) {
      throw new Longer("it is longer than the " + size + " bytes its tracker listed; not"
          + " read further");
    }
  }
}
