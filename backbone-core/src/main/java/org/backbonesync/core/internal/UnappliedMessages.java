package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.DuplicateSyncInfoException;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.TrackerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records in the inbox what became of a message the {@link IncomingQueue} did not apply now:
 * dropped (a duplicate or stale), waiting for a gap in its pair's sequence, retried after a
 * transient failure, or failed until an admin acts.
 */
final class UnappliedMessages {
  private static final Logger log = LoggerFactory.getLogger(UnappliedMessages.class);

  private final Connector connector;
  private final Stores stores;
  private final Events events;
  private final EngineSettings settings;

  UnappliedMessages(Connector connector, Stores stores, Events events, EngineSettings settings) {
    this.connector = connector;
    this.stores = stores;
    this.events = events;
    this.settings = settings;
  }

  /** Drops a message unapplied, with why. */
  void drop(SyncMessage message, String why) {
    stores.messages().removeIncoming(connector.key(), message.messageId());
    log.debug("{}: dropped message {} with sequence id {}: {}",
        connector.key(), message.messageId(), message.sequenceId(), why);
    events.duplicate(connector.key(), message);
  }

  /** Whether a message waiting for its gap has waited the gap timeout ({@link #waitForGap}). */
  boolean gapTimedOut(InboxEntry entry, long now) {
    return now - entry.receivedAt() >= settings.gapTimeout().toMillis();
  }

  /**
   * Lets an early message wait for the one missing before it, and marks it failed when that one
   * has not come within the gap timeout ({@link GapFailures} judges it again when a message of
   * its issue comes).
   */
  ApplyOutcome waitForGap(InboxEntry entry, long expected, long now) {
    SyncMessage message = entry.message();
    if (gapTimedOut(entry, now)) {
      String reason = GapFailures.reason(expected, message, entry.receivedAt());
      stores.messages().updateIncoming(entry.withFailure(reason));
      log.warn("{}: {}", connector.key(), reason);
      events.failed(connector.key(), message, reason, true);
      return new ApplyOutcome.Failed(message, reason);
    }
    stores.messages().updateIncoming(
        entry.withWaitUntil(
            now + settings.gapRecheck().toMillis(), "waiting for sequence id " + expected));
    return new ApplyOutcome.WaitingForGap(message, expected);
  }

  /**
   * What becomes of a message whose apply failed: retried after a transient failure, else failed
   * for an admin. A new pair refused because the issue it found by the sender's origin marker is
   * paired already is tried again when that pair is the message's own: this side's poll paired
   * the same issue by the same marker meanwhile (a lost store, the poll and the apply beside
   * each other, as the service's {@code --once} runs them), and the message is now its pair's
   * next. At once the first time; after the usual backoff should it fail so again. That race is
   * expected after a lost store, so its first retry is no failure (no {@code failed} event, a
   * debug line) when the row that pairs the message's issue holds the local key refused; a row
   * that pairs another issue is a failure (retried when it pairs the message's issue, else for
   * an admin). A row of the refused local key without a partner, made meanwhile by this side's
   * poll for an issue it found as its own, is tried again at once too ({@link
   * #unpairedMeanwhile}).
   */
  ApplyOutcome afterFailure(InboxEntry entry, RuntimeException failure, long now) {
    if (failure instanceof RetriableException e) {
      return retryLater(entry, e, now);
    }
    if (failure instanceof DuplicateSyncInfoException duplicate) {
      Optional<SyncInfo> pair;
      try {
        pair = pairedSince(entry.message());
      } catch (RetriableException e) { // (the read failed for a while: judged again later)
        return retryLater(entry, new RetriableException(failure.getMessage()
            + "; whether its issue was paired meanwhile is not known yet: " + e.getMessage(),
            failure), now);
      }
      if (pair.isPresent()) {
        RetriableException again = new RetriableException(failure.getMessage() + ", with "
            + entry.message().sourceIssueKey() + " since (paired by its origin marker meanwhile)",
            failure, entry.attempts() == 0 ? Duration.ZERO : null);
        return entry.attempts() == 0 && holdsKey(pair.get(), duplicate)
            ? retryAtOnce(entry, again, now) : retryLater(entry, again, now);
      }
      if (entry.attempts() == 0 && unpairedMeanwhile(duplicate)) {
        return retryAtOnce(entry, new RetriableException(failure.getMessage() + ", without a"
            + " partner: this side's poll found it as an issue of its own meanwhile", failure,
            Duration.ZERO), now);
      }
    }
    return failed(entry, failure);
  }

  /**
   * Whether the key the store refused is our issue's, held by a row without a partner: this
   * side's poll found the issue the message names as ours (an original, after a lost store) and
   * made its row while the apply that would pair it ran beside it. Tried again, the message
   * meets that row and pairs it as it would have, had the poll come first; it failed for an
   * admin before, the pair linked on one side only. Once: a second refusal fails as before.
   */
  private boolean unpairedMeanwhile(DuplicateSyncInfoException duplicate) {
    try {
      return duplicate.issueKey() != null && stores.syncInfo()
          .findByLocalKey(connector.key(), duplicate.issueKey())
          .map(row -> row.remoteIssueKey() == null).orElse(false);
    } catch (RuntimeException e) {
      return false; // (failed for an admin, as before)
    }
  }

  /**
   * The row of ours that pairs the message's issue now (read outside the failed transaction).
   *
   * @throws RetriableException when the read failed for a while (the store down, a deadlock)
   */
  private Optional<SyncInfo> pairedSince(SyncMessage message) {
    try {
      return stores.syncInfo().findByRemoteKey(connector.key(), message.sourceIssueKey());
    } catch (RetriableException e) {
      throw e;
    } catch (RuntimeException e) {
      return Optional.empty(); // (failed for an admin, as before)
    }
  }

  /**
   * Whether the store refused our issue's key because the pair's row holds it: the pair the
   * apply was making, made meanwhile. A row that pairs the message's issue with another issue of
   * ours (the store refused the message's key) is not.
   */
  private static boolean holdsKey(SyncInfo pair, DuplicateSyncInfoException duplicate) {
    return Objects.equals(duplicate.issueKey(), pair.localIssueKey());
  }

  /**
   * Tries a message again at once, its pair made meanwhile by this side's poll: no failure
   * event, as nothing failed that the retry will not settle.
   */
  private ApplyOutcome retryAtOnce(InboxEntry entry, RetriableException e, long now) {
    SyncMessage message = entry.message();
    stores.messages().updateIncoming(entry.withRetryAt(now, e.getMessage()));
    log.debug("{}: message {} for {} is tried again at once: {}",
        connector.key(), message.messageId(), message.sourceIssueKey(), e.getMessage());
    return new ApplyOutcome.RetryLater(message, e.getMessage(), now);
  }

  /** Schedules a retry after a transient failure: when the tracker says, else after a backoff. */
  ApplyOutcome retryLater(InboxEntry entry, RetriableException e, long now) {
    SyncMessage message = entry.message();
    long next = now + e.retryAfter().map(d -> d.toMillis())
        .orElseGet(() -> settings.backoffMillis(entry.attempts() + 1));
    String reason = describe(e, writers(e, message));
    stores.messages().updateIncoming(entry.withRetryAt(next, reason));
    log.info("{}: message {} for {} will be retried: {}",
        connector.key(), message.messageId(), message.sourceIssueKey(), reason);
    events.failed(connector.key(), message, reason, false);
    return new ApplyOutcome.RetryLater(message, reason, next);
  }

  /** Marks a message failed: it and the later messages of its pair wait for an admin. */
  ApplyOutcome failed(InboxEntry entry, RuntimeException e) {
    SyncMessage message = entry.message();
    List<Writer> writers = writers(e, message);
    String reason = describe(e, writers);
    stores.messages().updateIncoming(entry.withFailure(reason));
    // a typed refusal (Jira's 400, a mapping's) is one line, its stack at debug; anything else
    // (a bug, say) keeps its stack
    boolean refused = e instanceof SyncException;
    log.warn("{}: message {} for {} failed; it and later messages of the issue wait: {}",
        connector.key(), message.messageId(), message.sourceIssueKey(), reason,
        refused ? null : e);
    if (refused) {
      log.debug("{}: message {} failed", connector.key(), message.messageId(), e);
    }
    writers.forEach(w -> events.fieldRefused(connector.key(), message, w.mappingId(),
        w.field(), w.error()));
    events.failed(connector.key(), message, reason, true);
    return new ApplyOutcome.Failed(message, reason);
  }

  /** A field the tracker refused and an incoming mapping of the message that writes it. */
  private record Writer(String field, String mappingId, JsonNode given, String error) {}

  /**
   * The failure in words; a tracker's refusal of fields also names the incoming mappings that
   * write each (and the value the message gave them), which the tracker cannot know: "; priority
   * from incoming field mapping map-priority, value \"Blocker\"".
   */
  private static String describe(RuntimeException e, List<Writer> writers) {
    String text = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    if (e instanceof TrackerException te && !te.fieldErrors().isEmpty()) {
      StringBuilder named = new StringBuilder(text).append(' ').append(te.fieldErrors());
      for (int i = 0; i < writers.size(); i++) {
        Writer w = writers.get(i);
        named.append(i == 0 ? "; " : ", ").append(w.field())
            .append(" from incoming field mapping ").append(w.mappingId()).append(", value ")
            .append(Shown.text(String.valueOf(w.given()), Shown.MAX));
      }
      text = named.toString();
    }
    return text;
  }

  /** Each field a tracker's refusal names with each incoming mapping of the message writing it. */
  private List<Writer> writers(RuntimeException e, SyncMessage message) {
    List<Writer> found = new ArrayList<>();
    if (e instanceof TrackerException te) {
      te.fieldErrors().forEach((field, error) -> connector.incoming.forEach((id, in) -> {
        FieldValue given = message.fields().get(id);
        if (given != null && in.mapping().targetFields().contains(field)) {
          found.add(new Writer(field, id, given.value(), error));
        }
      }));
    }
    return found;
  }
}
