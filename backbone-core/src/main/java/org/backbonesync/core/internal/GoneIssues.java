package org.backbonesync.core.internal;

import java.util.function.Supplier;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unlinks a pair whose local issue was deleted in the tracker when a message to it fails: its
 * row ignores the partner's changes from now on and the message is consumed, so that neither it
 * nor any later message of the pair fails for good.
 */
final class GoneIssues {
  private static final Logger log = LoggerFactory.getLogger(GoneIssues.class);

  private final Connector connector;
  private final Stores stores;
  private final Events events;

  GoneIssues(Connector connector, Stores stores, Events events) {
    this.connector = connector;
    this.stores = stores;
    this.events = events;
  }

  /**
   * Applies the message to the recorded row's issue; when that fails for good because the
   * issue is gone, unlinks the pair instead. Any other failure is thrown as it is.
   */
  ApplyOutcome applyOrUnlink(SyncInfo row, SyncMessage message, long now,
      Supplier<ApplyOutcome> apply) {
    try {
      return apply.get();
    } catch (RetriableException e) {
      throw e;
    } catch (RuntimeException e) {
      if (!gone(row.localIssueKey(), e)) {
        throw e;
      }
      return unlink(row, message, now);
    }
  }

  /**
   * Whether a failure to apply came from the local issue being gone (deleted in the tracker).
   * The failure alone cannot tell (a tracker says 404 for a missing issue, user or option
   * alike), so the issue is read again; only a failed apply pays for that read.
   */
  private boolean gone(String localKey, RuntimeException failure) {
    try {
      return connector.tracker.issue(localKey).isEmpty();
    } catch (RuntimeException readFailed) {
      failure.addSuppressed(readFailed);
      return false;
    }
  }

  /**
   * Unlinks a pair whose local issue is gone: its row ignores the partner's changes from now on
   * (an admin may take them again), and the message is consumed; the partner issue is left as
   * it is.
   */
  private ApplyOutcome unlink(SyncInfo row, SyncMessage message, long now) {
    String localKey = row.localIssueKey();
    String reason = localKey + " no longer exists in " + connector.key()
        + "; the pair is unlinked and its incoming changes are ignored";
    SyncInfo[] unlinked = new SyncInfo[1];
    stores.inTransaction(
        () -> {
          SyncInfo current = connector.lockRow(stores, row.id());
          unlinked[0] = current.withIncomingChangesIgnored(true)
              .withReceived(message.sequenceId(), now);
          stores.syncInfo().update(unlinked[0]);
          stores.messages().removeIncoming(connector.key(), message.messageId());
        });
    log.warn("{}: {}; partner issue {} is left as it is",
        connector.key(), reason, unlinked[0].remoteIssueKey());
    events.unlinked(connector.key(), message, localKey, unlinked[0].remoteIssueKey());
    events.ignored(connector.key(), message, reason);
    return new ApplyOutcome.Ignored(message, localKey, reason);
  }
}
