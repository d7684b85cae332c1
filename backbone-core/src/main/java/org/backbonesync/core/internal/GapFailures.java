package org.backbonesync.core.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages that failed waiting for a gap: the gap timeout passed before the sequence id missing
 * before them came. What settles such a message comes later, if at all: the missing message (the
 * transport or an admin on the partner's side delivers it at last), or a message that makes it
 * obsolete (the partner's issue whole from a row of it made again, which counts from later). So
 * it is judged again when the message before it is applied ({@link ApplyRounds}), and made due
 * again here when a message of its issue was received after it failed; judged again, it is
 * applied, dropped, or fails once more with the same reason. A message that failed for another
 * reason (a tracker's refusal) still waits for an admin.
 */
final class GapFailures {
  private static final Logger log = LoggerFactory.getLogger(GapFailures.class);
  private static final String NEVER_ARRIVED = " never arrived; waited since ";

  private final Connector connector;
  private final Stores stores;
  private final EngineSettings settings;
  /** When this node looks for them next: at most once per gap recheck. */
  private long nextLook;

  GapFailures(Connector connector, Stores stores, EngineSettings settings) {
    this.connector = connector;
    this.stores = stores;
    this.settings = settings;
  }

  /** Why a message failed that waited for {@code expected} since it was received. */
  static String reason(long expected, SyncMessage message, long receivedAt) {
    return "sequence id " + expected + " of " + message.sourceIssueKey() + NEVER_ARRIVED
        + Instant.ofEpochMilli(receivedAt) + " with sequence id " + message.sequenceId()
        + "; judged again when a message of " + message.sourceIssueKey() + " comes";
  }

  /** Whether an entry failed waiting for a gap ({@link #reason}). */
  static boolean waitedForGap(InboxEntry entry) {
    String error = entry.error();
    return entry.status() == InboxEntry.Status.FAILED && error != null
        && error.startsWith("sequence id ") && error.contains(NEVER_ARRIVED);
  }

  /**
   * Makes due again each message of the connector that failed waiting for a gap and whose issue
   * received a message after it failed; at most once per {@link EngineSettings#gapRecheck} (one
   * read of the failed messages, and one of their issues' queues when there are any).
   */
  void reopenAnswered(long now) {
    if (now < nextLook) {
      return;
    }
    nextLook = now + settings.gapRecheck().toMillis();
    List<InboxEntry> failed = new ArrayList<>();
    List<String> issues = new ArrayList<>();
    for (InboxEntry entry : stores.messages().failedIncoming(connector.key())) {
      if (waitedForGap(entry)) {
        failed.add(entry);
        issues.add(entry.message().sourceIssueKey());
      }
    }
    if (failed.isEmpty()) {
      return;
    }
    Map<String, List<InboxEntry>> queued = stores.messages().incomingFor(connector.key(), issues);
    for (InboxEntry entry : failed) {
      // (it failed at its last recheck, notBefore, or just after: one received before that was
      // in the queue its last judging read)
      boolean answered = queued.getOrDefault(entry.message().sourceIssueKey(), List.of())
          .stream().anyMatch(e -> e.receivedAt() > entry.notBefore());
      if (answered) {
        stores.messages().updateIncoming(entry.withRetryRequested(now));
        log.info("{}: message {} for {}, failed waiting for a gap, is judged again: a message of"
            + " its issue came since", connector.key(), entry.message().messageId(),
            entry.message().sourceIssueKey());
      }
    }
  }
}
