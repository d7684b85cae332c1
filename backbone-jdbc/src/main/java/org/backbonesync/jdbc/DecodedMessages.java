package org.backbonesync.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import org.backbonesync.spi.internal.DecodedAlike;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.SyncMessage;

/**
 * The messages last decoded from stored JSON, by that JSON: an engine reads each message several
 * times (the delivery from the outbox; the apply the inbox's heads, then each pair's queue), and
 * decoding was about a fifth of what a node allocated per change ({@code TwoNodeBenchmark}, JFR).
 * Keyed by the whole text, so a hit is exactly what decoding that text gives (the codec is a
 * pure function of it; a message written again with other content is other text), whatever ids
 * a restored database reuses. A message this store writes is kept too, when that can be told
 * without decoding ({@link #written}). Bounded by the texts' length: at most {@link #MAX_CHARS} characters
 * of JSON in all (with the decoded messages about 0.7 MB of heap for ordinary field values, at
 * most about 7 MB for a partner's messages built to decode into many small nodes; one per
 * {@code JdbcStores}, which the synchronizations of a host share), none over {@link
 * #MAX_JSON_CHARS}, the oldest forgotten first. Thread-safe.
 *
 * <p>Shares message instances between reads, as the in-memory store does: a {@link SyncMessage}
 * is immutable, and nothing may change the JSON values it carries (the SPI says so to mappings
 * and trackers; a review found no code that does, and a run of this module's tests re-decoding
 * every hit found no difference).
 */
final class DecodedMessages {
  static final int MAX_CHARS = 256 * 1024;
  static final int MAX_JSON_CHARS = 16 * 1024;

  private final MessageCodec codec;
  private final LinkedHashMap<String, SyncMessage> byJson = new LinkedHashMap<>();
  private int chars; // of the texts in byJson

  /** @param codec the store's codec, which decodes what is not kept */
  DecodedMessages(MessageCodec codec) {
    this.codec = codec;
  }

  /** The message of this JSON, decoded once while it is among the last decoded. */
  SyncMessage decode(String json) {
    boolean kept = json.length() <= MAX_JSON_CHARS;
    if (kept) {
      synchronized (byJson) {
        SyncMessage known = byJson.get(json);
        if (known != null) {
          return known;
        }
      }
    }
    SyncMessage message = codec.decode(json.getBytes(StandardCharsets.UTF_8));
    if (kept) {
      keep(json, message);
    }
    return message;
  }

  /**
   * Keeps a message this store writes, under the JSON it writes, when {@link DecodedAlike} can
   * tell what decoding that JSON gives: the first read of the message then decodes nothing (a
   * hand-over's apply, an outbox's delivery). A text never stored costs only its room here.
   */
  void written(String json, SyncMessage message) {
    if (json.length() <= MAX_JSON_CHARS) {
      SyncMessage alike = DecodedAlike.of(message);
      if (alike != null) {
        keep(json, alike);
      }
    }
  }

  private void keep(String json, SyncMessage message) {
    synchronized (byJson) {
      if (byJson.put(json, message) == null) {
        chars += json.length();
      }
      Iterator<String> oldest = byJson.keySet().iterator();
      while (chars > MAX_CHARS) {
        chars -= oldest.next().length();
        oldest.remove();
      }
    }
  }
}
