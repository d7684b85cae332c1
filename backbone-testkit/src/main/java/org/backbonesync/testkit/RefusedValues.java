package org.backbonesync.testkit;

import java.util.ArrayList;
import java.util.List;
import org.backbonesync.core.SyncListener;
import org.backbonesync.spi.message.SyncMessage;

/**
 * Keeps each field a tracker refused with the incoming field mapping that wrote it, as the engine
 * tells them ({@link SyncListener#fieldRefused}), for {@link SyncTestDriver#runUntilQuiet()} to
 * tell a custom mapping's refused value from a built-in one's without parsing failure texts.
 * Thread-safe.
 */
final class RefusedValues implements SyncListener {
  /** One refused field of a message, and the mapping that wrote it. */
  record Refusal(String connectorKey, SyncMessage message, String fieldMappingId, String field,
      String error) {}

  private final List<Refusal> heard = new ArrayList<>();

  @Override
  public synchronized void fieldRefused(String connectorKey, SyncMessage message,
      String fieldMappingId, String field, String error) {
    heard.add(new Refusal(connectorKey, message, fieldMappingId, field, error));
  }

  /** How many refusals were heard so far. */
  synchronized int count() {
    return heard.size();
  }

  /** The refusals heard after the first {@code from}. */
  synchronized List<Refusal> since(int from) {
    return List.copyOf(heard.subList(Math.min(from, heard.size()), heard.size()));
  }
}
