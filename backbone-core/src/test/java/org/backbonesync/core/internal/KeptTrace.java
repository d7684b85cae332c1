package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.List;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceStore;

/** A trace store for the recorder's tests: keeps every entry it is given, in the calls' order. */
final class KeptTrace implements TraceStore {
  final List<TraceEntry> kept = new ArrayList<>();

  @Override
  public synchronized void add(List<TraceEntry> entries, int keep) {
    kept.addAll(entries);
  }

  @Override
  public List<TraceEntry> list(String connectorKey, TraceEntry.Direction direction,
      String issueKey, int limit) {
    return List.of();
  }

  /** What was written, each as {@code "PB RECEIVED PA-1 #1"} (no {@code #} without a message). */
  synchronized List<String> written() {
    return kept.stream().map(e -> e.connectorKey() + " " + e.outcome() + " " + e.issueKey()
        + (e.messageId() == null ? "" : " #" + e.sequenceId())).toList();
  }

  /** A message of PA's issue to PB with this sequence id. */
  static SyncMessage message(String issue, long sequenceId) {
    return SyncMessage.builder().formatVersion(1).messageId("PA:" + issue + ":1:" + sequenceId)
        .synchronizationId("s").fromConnector("PA").toConnector("PB").sourceIssueKey(issue)
        .sequenceId(sequenceId).kind(MessageKind.CHANGE).issueType("Task").createdAt(1).build();
  }
}
