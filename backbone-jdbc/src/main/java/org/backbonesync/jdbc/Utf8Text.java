package org.backbonesync.jdbc;

import java.nio.charset.StandardCharsets;

/**
 * A text column's value held as its UTF-8 bytes, as the message codec encodes them: a batch over
 * arrays ({@link ManyRows#UTF8}) sends the bytes as they are, where a {@code String} was built
 * from them and encoded again (a message's JSON was about a twentieth of what a change
 * allocated, {@code TwoNodeBenchmark}, JFR). Every other statement, and every JDBC batch, binds
 * its text ({@link JdbcSyncInfoStore#bind}). Nobody changes the bytes after.
 */
final class Utf8Text {
  private final byte[] utf8;

  Utf8Text(byte[] utf8) {
    this.utf8 = utf8;
  }

  /** The text's UTF-8 bytes (not a copy: not to be changed). */
  byte[] utf8() {
    return utf8;
  }

  /** The text itself. */
  @Override
  public String toString() {
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
