package org.backbonesync.core.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.Stores;

/**
 * Messages that failed waiting for a gap: the gap timeout passed before the sequence id missing
 * before them came. What settles such a message comes later, if at all: the missing message (the
 * transport or an admin on the partner's side delivers it at last), or a message that makes it
 * obsolete (the partner's issue whole from a row of it made again, which counts from later). So
 * the apply ({@link ApplyRounds}) judges it again when the message before it is applied, and when
 * {@link #answered} finds that a message of its issue was received after it failed; judged again,
 * it is applied, dropped, or fails once more with the same reason. A message that failed for
 * another reason (a tracker's refusal) still waits for an admin. An entry that failed so in an
 * earlier version of the engine (its reason without the last clause) is found too.
 */
final class GapFailures {
  private static final String NEVER_ARRIVED = " never arrived; waited since ";
  /**
   * How often a node looks, at least: a read per connector every {@code gapRecheck} (5 s) was
   * a twentieth of the store calls of an idle round of 1,000 synchronizations ({@code
   * ManySyncsBenchmark.idleRound}: 8.40 per synchronization, 8.00 without), for messages that
   * waited an hour already.
   */
  private static final long LOOK_EVERY = 60_000;

  private final Connector connector;
  private final Stores stores;
  private final EngineSettings settings;
  /** When this node looks for them next. */
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
    return entry.status() == InboxEntry.Status.FAILED && isGapReason(entry.error());
  }

  /** Whether a failure's reason is one {@link #reason} gave (or an earlier version's). */
  static boolean isGapReason(String error) {
    return error != null && error.startsWith("sequence id ") && error.contains(NEVER_ARRIVED);
  }

  /**
   * The connector's messages that failed waiting for a gap and whose issue received another
   * message after they failed, for the apply to judge again under its claim of the pair (so that
   * nothing here writes an entry another node may be changing); none but at most once a minute
   * (or per {@link EngineSettings#gapRecheck} when that is longer): one read of the failed
   * messages, and one of their issues' queues when there are any. An entry judged again that
   * fails once more has that time as its {@code notBefore}, so it is not found again until
   * another message comes. The times compared
   * are two nodes' clocks when two share the store: one ahead finds an entry again for as long as
   * it is ahead (each time failing it once more), never loses one. An entry queued behind it
   * that comes due after it failed (a whole taken over the gap, its first attempt failed) counts
   * as another message.
   */
  List<InboxEntry> answered(long now) {
    if (now < nextLook) {
      return List.of();
    }
    nextLook = now + Math.max(LOOK_EVERY, settings.gapRecheck().toMillis());
    List<InboxEntry> failed = new ArrayList<>();
    List<String> issues = new ArrayList<>();
    for (InboxEntry entry : stores.messages().failedIncoming(connector.key())) {
      if (waitedForGap(entry)) {
        failed.add(entry);
        issues.add(entry.message().sourceIssueKey());
      }
    }
    if (failed.isEmpty()) {
      return List.of();
    }
    Map<String, List<InboxEntry>> queued = stores.messages().incomingFor(connector.key(), issues);
    List<InboxEntry> answered = new ArrayList<>();
    for (InboxEntry entry : failed) {
      // (it failed at its last recheck, notBefore, or just after: one received before that was
      // in the queue its last judging read; so was one due then, while one that came due since,
      // a whole the apply takes over the gap whose first attempt failed, say, was not)
      if (queued.getOrDefault(entry.message().sourceIssueKey(), List.of()).stream()
          .anyMatch(e -> !e.message().messageId().equals(entry.message().messageId())
              && (e.receivedAt() > entry.notBefore() || cameDueSince(e, entry, now)))) {
        answered.add(entry);
      }
    }
    return answered;
  }

  /**
   * Whether a queued entry that was not due when the failed one last failed is due now (its
   * backoff over, or an admin's retry): found by helper-86, a resync's whole taken over the gap
   * whose apply failed once waited behind the failed head for good, retried or not.
   */
  private static boolean cameDueSince(InboxEntry e, InboxEntry failed, long now) {
    return e.status() != InboxEntry.Status.FAILED && e.notBefore() > failed.notBefore()
        && e.notBefore() <= now;
  }
}
