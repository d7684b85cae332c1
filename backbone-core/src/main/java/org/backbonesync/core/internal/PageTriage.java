package org.backbonesync.core.internal;

import java.time.Clock;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For each issue of a claimed page of {@link ChangeDetection}: examines it now ({@link
 * ChangedIssue}), or leaves it for the next poll when an apply holds its pair, when its row was
 * written since the search, when our incoming queue has not recorded its pair yet, or when
 * examining it failed. What it leaves holds the watermark back ({@link PollProgress}). A
 * failure of the store as a whole ({@link StoreDown}) is thrown: the page ends there.
 */
final class PageTriage {
  // (the poll's own log: what it left and why reads with the rest of the poll)
  private static final Logger log = LoggerFactory.getLogger(ChangeDetection.class);

  private final Connector connector;
  private final Stores stores;
  private final Events events;
  private final ChangedIssue examiner;
  private final GoneIssues goneIssues;
  private final Clock clock;

  PageTriage(Connector connector, Stores stores, Events events, ChangedIssue examiner,
      GoneIssues goneIssues, Clock clock) {
    this.connector = connector;
    this.stores = stores;
    this.events = events;
    this.examiner = examiner;
    this.goneIssues = goneIssues;
    this.clock = clock;
  }

  /** Examines one issue of a claimed page, or leaves it for the next poll. */
  void examineOrLeave(IssueChanges changes, SyncInfo row, PageClaims.Claimed claimed,
      ExaminedPage page, PollProgress progress, SearchStart searched) {
    String key = connector.key();
    String local = changes.issue().key();
    if (claimed.busy(row)) {
      // an apply (here or on another node) holds this pair now; examined again next poll, or
      // (a hinted read) when this engine's apply of the connector ends
      progress.leaveBusy(changes, row);
      log.debug("{}: {} is being updated by an apply; examined next poll", key, local);
    } else if (row != null && searched.wroteSince(row) && !claimed.onlyRekeyed(row)) {
      // The row was written after the search began (an apply wrote the issue after the search
      // read it, say, and gave the pair back before this claim): the page's snapshot may be
      // older than the pair's links and last synced values (a comment copied here would look
      // deleted), so it is searched again next poll. Held or not: an apply under the partner's
      // new key (a renamed project) claimed another key than this poll, and a row without a
      // remote key is claimed by nobody (StaleSnapshotRekeyTest).
      progress.leaveWritten(changes, row);
      String behind = null;
      if (!progress.counterChecked && searched.stampedSince(row)) {
        progress.counterChecked = true; // (one more stamp per poll at most: the first left)
        behind = searched.counterBehind(stores, row);
      }
      if (behind != null) {
        log.warn("{}: {} is not examined: {}", key, local, behind);
        events.exportFailed(key, local, behind);
      } else {
        log.debug("{}: {} was applied to since the search; examined next poll", key, local);
      }
    } else if (row != null && GoneIssues.replaced(row, changes.issue())) {
      // not the issue paired (a restored site gave its key to a new one): nothing of it is
      // sent, and the pair is unlinked once (an admin's take-back links them: the row has seen
      // the issue's creation since); a copy of ours waiting for its pair is held as below
      goneIssues.unlinkReplaced(row, clock.millis());
      if (awaitsItsPair(changes.issue(), row)) {
        holdUntilPaired(changes, progress);
      }
    } else if (awaitsItsPair(changes.issue(), row)) {
      // Our incoming queue created it and has not recorded its pair yet (a crash came
      // between, or it does so now), with no row, or under a key a restored site gave again
      // whose lost issue's row is still there. A person's change to it meanwhile is examined
      // once the pair is recorded (its row has seen no change yet), so the watermark waits at
      // the issue's creation until then; passing it dropped such a change, a link say, for
      // good, and so did passing or examining it under the lost issue's row (simulation seed
      // 32531 with site restores, EditedCopyPairedByMarkerTest).
      holdUntilPaired(changes, progress);
    } else if (!claimed.unchanged(row)) { // (one unchanged has nothing to examine)
      examine(changes, row, page, progress);
    }
    progress.passed(changes);
  }

  /** Examines one issue of the page; its message is queued with the page's others. */
  private void examine(IssueChanges changes, SyncInfo row, ExaminedPage page,
      PollProgress progress) {
    try (LogContext step = LogContext.issue(changes.issue().key())) {
      if (examiner.examine(changes, row, progress.since, page, e -> {
        progress.queued--;
        leftForNextPoll(changes, row, e, progress);
      })) {
        progress.queued++;
      }
    } catch (RuntimeException e) {
      if (StoreDown.is(e)) {
        throw e; // the store's failure, not the issue's: the page ends (see ChangeDetection)
      }
      leftForNextPoll(changes, row, e, progress);
    }
  }

  /**
   * One issue's failure must not stop the others; it is examined again next poll. A failure of
   * the store as a whole ({@link StoreDown}) is not the issue's: it ends the page and the poll.
   */
  private void leftForNextPoll(IssueChanges changes, SyncInfo row, RuntimeException e,
      PollProgress progress) {
    String local = changes.issue().key();
    if (e instanceof ExaminedPage.WrittenMeanwhile) { // (no failure: an apply came first)
      progress.leaveWritten(changes, row);
      log.debug("{}: {}", connector.key(), e.getMessage());
      return;
    }
    progress.leave(changes, row);
    String reason = e.getMessage() == null ? e.toString() : e.getMessage();
    log.warn("{}: could not examine {}; will try again: {}", connector.key(), local, reason);
    events.exportFailed(connector.key(), local, reason);
  }

  /** Holds the watermark at a copy's creation until its pair is recorded. */
  private void holdUntilPaired(IssueChanges changes, PollProgress progress) {
    progress.leaveFrom(changes.issue().created());
    log.debug("{}: {} waits for its pair to be recorded; examined then", connector.key(),
        changes.issue().key());
  }

  /**
   * Whether an issue our incoming queue created waits for its pair to be recorded: its create is
   * still pending, or the pair was recorded since this poll looked (a row other than {@code
   * row}, the one the poll found under the issue's key, null for none). A row that pairs the
   * issue with the partner issue it was made for is its pair: nothing is read for it, also
   * when the partner's project was renamed since (the marker says PA-7, the row PX-7: the
   * partner's issues are of one project, so the same number is the same issue; two reads per
   * copy per poll before). An issue with our marker and neither (an admin skipped the message
   * that made it) is left alone.
   */
  private boolean awaitsItsPair(TrackedIssue issue, SyncInfo row) {
    String source = createdFor(issue);
    if (source == null || row != null && row.remoteIssueKey() != null
        && IssueKeys.sameNumber(source, row.remoteIssueKey())) {
      return false;
    }
    return stores.syncInfo().pendingCreate(connector.key(), source).isPresent()
        || stores.syncInfo().findByLocalKey(connector.key(), issue.key())
            .filter(recorded -> row == null || recorded.id() != row.id()).isPresent();
  }

  /** The partner issue ours was created for, by its origin marker; null for none of ours. */
  private String createdFor(TrackedIssue issue) {
    String marker = issue.originMarker();
    String prefix = connector.originMarkerPrefix();
    if (marker == null || !marker.startsWith(prefix) || !connector.inProject(issue.key())) {
      return null;
    }
    return marker.substring(prefix.length());
  }
}
