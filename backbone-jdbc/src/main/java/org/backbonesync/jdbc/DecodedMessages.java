package org.backbonesync.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.SyncMessage;

/**
 * The messages last decoded from stored JSON, by that JSON: an engine reads each message several
 * times (the delivery from the outbox; the apply the inbox's heads, then each pair's queue), and
 * decoding was about a fifth of what a node allocated per change ({@code TwoNodeBenchmark}, JFR).
 * Keyed by the whole text, so a hit is exactly what decoding that text gives (the codec is a
 * pure function of it; a message written again with other content is other text), whatever ids
 * a restored database reuses. Bounded: at most {@link #MAX_ENTRIES} messages of at most {@link
 * #MAX_JSON_CHARS} characters each, the oldest forgotten first. Thread-safe.
 *
 * <p>Shares message instances between reads, as the in-memory store does: a {@link SyncMessage}
 * is immutable, and nothing may change the JSON values it carries.
 */
final class DecodedMessages {
  static final int MAX_ENTRIES = 256;
  static final int MAX_JSON_CHARS = 16 * 1024;

  private final MessageCodec codec = new MessageCodec();
  private final Map<String, SyncMessage> byJson =
      new LinkedHashMap<>(2 * MAX_ENTRIES, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SyncMessage> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

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
      synchronized (byJson) {
        byJson.put(json, message);
      }
    }
    return message;
  }
}
