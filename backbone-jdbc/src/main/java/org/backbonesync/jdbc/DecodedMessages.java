package org.backbonesync.jdbc;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import org.backbonesync.spi.internal.DecodedAlike;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.SyncMessage;

/**
 * The messages last decoded from stored JSON, by that JSON: an engine reads each message several
 * times (the delivery from the outbox; the apply the inbox's heads, then each pair's queue), and
 * decoding was about a fifth of what a node allocated per change ({@code TwoNodeBenchmark}, JFR).
 * Keyed by the whole text's UTF-8 bytes, so a hit is exactly what decoding that text gives (the
 * codec is a pure function of them; a message written again with other content is other text),
 * whatever ids a restored database reuses. Bytes, not a {@code String}: on PostgreSQL the store
 * reads them as the driver received them, and it writes them as the codec encoded them (a string
 * of each message read and written was about a twentieth of what a change allocated, {@code
 * TwoNodeBenchmark}, JFR); on H2 it reads the text and encodes it, on a hit too. A message this store writes is kept too, when that can be told without decoding ({@link
 * #written}). Bounded by the texts' length: at most {@link #MAX_BYTES} bytes of JSON in all
 * (with the decoded messages about 0.7 MB of heap for ordinary field values, at most about 7 MB
 * for a partner's messages built to decode into many small nodes; one per {@code JdbcStores},
 * which the synchronizations of a host share), none over {@link #MAX_JSON_BYTES}, the oldest
 * forgotten first. Thread-safe.
 *
 * <p>Shares message instances between reads, as the in-memory store does: a {@link SyncMessage}
 * is immutable, and nothing may change the JSON values it carries (the SPI says so to mappings
 * and trackers; a review found no code that does, and a run of this module's tests re-decoding
 * every hit found no difference).
 */
final class DecodedMessages {
  static final int MAX_BYTES = 256 * 1024;
  static final int MAX_JSON_BYTES = 16 * 1024;

  private final MessageCodec codec;
  private final LinkedHashMap<Text, SyncMessage> byJson = new LinkedHashMap<>();
  private int bytes; // of the texts in byJson

  /** @param codec the store's codec, which decodes what is not kept */
  DecodedMessages(MessageCodec codec) {
    this.codec = codec;
  }

  /**
   * The message of this JSON (its UTF-8 bytes, which the caller no longer changes), decoded once
   * while it is among the last decoded.
   */
  SyncMessage decode(byte[] json) {
    boolean kept = json.length <= MAX_JSON_BYTES;
    Text text = kept ? new Text(json) : null;
    if (kept) {
      synchronized (byJson) {
        SyncMessage known = byJson.get(text);
        if (known != null) {
          return known;
        }
      }
    }
    SyncMessage message = codec.decode(json);
    if (kept) {
      keep(text, message);
    }
    return message;
  }

  /**
   * Keeps a message this store writes, under the JSON it writes (UTF-8 bytes, which nobody
   * changes after), when {@link DecodedAlike} can tell what decoding that JSON gives: the first
   * read of the message then decodes nothing (a hand-over's apply, an outbox's delivery). A text
   * never stored costs only its room here.
   */
  void written(byte[] json, SyncMessage message) {
    if (json.length <= MAX_JSON_BYTES) {
      SyncMessage alike = DecodedAlike.of(message);
      if (alike != null) {
        keep(new Text(json), alike);
      }
    }
  }

  private void keep(Text json, SyncMessage message) {
    synchronized (byJson) {
      if (byJson.put(json, message) == null) {
        bytes += json.utf8.length;
      }
      if (bytes > MAX_BYTES) { // (an iterator only then: one per message kept was waste)
        Iterator<Text> oldest = byJson.keySet().iterator();
        while (bytes > MAX_BYTES) {
          bytes -= oldest.next().utf8.length;
          oldest.remove();
        }
      }
    }
  }

  /** A JSON text's UTF-8 bytes as a key: equal by content. */
  private static final class Text {
    private final byte[] utf8;
    private final int hash;

    Text(byte[] utf8) {
      this.utf8 = utf8;
      this.hash = Arrays.hashCode(utf8);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Text t && t.hash == hash && Arrays.equals(t.utf8, utf8);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
