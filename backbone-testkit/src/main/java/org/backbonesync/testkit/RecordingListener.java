package org.backbonesync.testkit;

import java.util.ArrayList;
import java.util.List;
import org.backbonesync.core.SyncListener;
import org.backbonesync.spi.message.SyncMessage;

/**
 * A {@link SyncListener} that keeps every event, for tests and demos. Thread-safe. Its {@link
 * #toString()} shows the latest events, so that a failed assertion on it reads as what happened.
 */
public final class RecordingListener implements SyncListener {
  /** The most events {@link #toString()} shows, and the most characters of each. */
  static final int SHOWN = 50;
  static final int SHOWN_CHARACTERS = 200;

  /** Kinds of events, one per {@link SyncListener} method. */
  public enum Type {
    POLLED, RESYNC_PAGE, EXPORT_FAILED, QUEUED, CONFLICT, SENT, DELIVERY_FAILED, RECEIVED, APPLIED, IGNORED, UNLINKED, PARTNER_GONE, DUPLICATE, FIELD_REFUSED, FAILED,
    RETRIED, SKIPPED
  }

  /**
   * One event.
   *
   * @param type what happened
   * @param connectorKey where
   * @param message the message concerned, or null for {@link Type#POLLED}
   * @param detail the local issue key (applied), the reason (failures), a count (polled), a
   *     refused field with the mapping writing it and the tracker's text ({@code priority from
   *     map-priority: The priority selected is invalid}), or a conflict's field, winner, rule,
   *     and both values with their times
   */
  public record Event(Type type, String connectorKey, SyncMessage message, String detail) {
    @Override
    public String toString() {
      String m = message == null ? ""
          : " " + message.kind() + " " + message.sourceIssueKey() + " #" + message.sequenceId();
      return connectorKey + " " + type + m + (detail == null ? "" : " " + detail);
    }
  }

  private final List<Event> events = new ArrayList<>();

  private synchronized void add(Type type, String key, SyncMessage message, String detail) {
    events.add(new Event(type, key, message, detail));
  }

  /** All events so far, oldest first. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** The events of one type so far. */
  public synchronized List<Event> events(Type type) {
    return events.stream().filter(e -> e.type() == type).toList();
  }

  /** How many events of a type happened in a connector. */
  public synchronized long count(Type type, String connectorKey) {
    return events.stream()
        .filter(e -> e.type() == type && e.connectorKey().equals(connectorKey))
        .count();
  }

  /** How many events happened, polls and repeated export failures not counted. */
  public synchronized int activity() {
    return (int) events.stream()
        .filter(e -> e.type() != Type.POLLED && e.type() != Type.EXPORT_FAILED
            && e.type() != Type.RESYNC_PAGE).count();
  }

  /** Forgets all events. */
  public synchronized void clear() {
    events.clear();
  }

  /**
   * How many events there are and the last {@value #SHOWN}, oldest first, one a line, each cut
   * after {@value #SHOWN_CHARACTERS} characters: e.g. {@code RecordingListener[2 events:\n  PA
   * QUEUED CHANGE PA-1 #1\n  PA SENT CHANGE PA-1 #1]}.
   */
  @Override
  public synchronized String toString() {
    int from = Math.max(0, events.size() - SHOWN);
    StringBuilder out = new StringBuilder("RecordingListener[").append(events.size())
        .append(events.size() == 1 ? " event" : " events")
        .append(from > 0 ? ", the last " + SHOWN + ":" : events.isEmpty() ? "" : ":");
    for (Event e : events.subList(from, events.size())) {
      String line = e.toString();
      out.append("\n  ").append(line.length() <= SHOWN_CHARACTERS ? line
          : line.substring(0, SHOWN_CHARACTERS) + "...");
    }
    return out.append(']').toString();
  }

  @Override
  public void polled(String connectorKey, int issuesFound, int messagesBuilt) {
    add(Type.POLLED, connectorKey, null, issuesFound + " found, " + messagesBuilt + " queued");
  }

  @Override
  public void resyncPage(String connectorKey, String taskId, long issuesDone, long issuesTotal) {
    add(Type.RESYNC_PAGE, connectorKey, null, issuesDone + " of " + issuesTotal);
  }

  @Override
  public void exportFailed(String connectorKey, String issueKey, String error) {
    add(Type.EXPORT_FAILED, connectorKey, null, issueKey + ": " + error);
  }

  @Override
  public void queued(String connectorKey, SyncMessage message) {
    add(Type.QUEUED, connectorKey, message, null);
  }

  @Override
  public void sent(String connectorKey, SyncMessage message) {
    add(Type.SENT, connectorKey, message, null);
  }

  @Override
  public void deliveryFailed(String connectorKey, SyncMessage message, String reason) {
    add(Type.DELIVERY_FAILED, connectorKey, message, reason);
  }

  @Override
  public void received(String connectorKey, SyncMessage message) {
    add(Type.RECEIVED, connectorKey, message, null);
  }

  @Override
  public void applied(
      String connectorKey, SyncMessage message, String localIssueKey, boolean created) {
    add(Type.APPLIED, connectorKey, message, (created ? "created " : "") + localIssueKey);
  }

  @Override
  public void ignored(String connectorKey, SyncMessage message, String reason) {
    add(Type.IGNORED, connectorKey, message, reason);
  }

  @Override
  public void unlinked(String connectorKey, SyncMessage message, String localIssueKey,
      String remoteIssueKey) {
    add(Type.UNLINKED, connectorKey, message, localIssueKey + " from " + remoteIssueKey);
  }

  @Override
  public void partnerGone(String connectorKey, SyncMessage message, String localIssueKey,
      org.backbonesync.core.PartnerGone.Action action) {
    add(Type.PARTNER_GONE, connectorKey, message, localIssueKey + " " + action);
  }

  @Override
  public void conflict(String connectorKey, org.backbonesync.spi.store.ConflictRecord record) {
    add(Type.CONFLICT, connectorKey, null, record.localIssueKey() + " " + record.fieldMappingId()
        + " " + record.winner() + " by " + record.rule() + ": local " + record.localValue()
        + " at " + record.localChangedAt() + ", remote " + record.remoteValue() + " at "
        + record.remoteChangedAt());
  }

  @Override
  public void duplicate(String connectorKey, SyncMessage message) {
    add(Type.DUPLICATE, connectorKey, message, null);
  }

  @Override
  public void failed(String connectorKey, SyncMessage message, String error, boolean permanent) {
    add(Type.FAILED, connectorKey, message, (permanent ? "permanently: " : "transiently: ") + error);
  }

  @Override
  public void fieldRefused(String connectorKey, SyncMessage message, String fieldMappingId,
      String field, String error) {
    add(Type.FIELD_REFUSED, connectorKey, message, field + " from " + fieldMappingId + ": "
        + error);
  }

  @Override
  public void retried(String connectorKey, SyncMessage message) {
    add(Type.RETRIED, connectorKey, message, null);
  }

  @Override
  public void skipped(String connectorKey, SyncMessage message) {
    add(Type.SKIPPED, connectorKey, message, null);
  }
}
