package org.backbonesync.core.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.backbonesync.core.PollResult;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.IssueChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connector's change detection: reads every page of one change search from the watermark (or
 * the issues a webhook hinted at), claims the pairs an apply could be changing, and hands each
 * changed issue to {@link ChangedIssue}, which queues its message. Then moves the watermark, never
 * past an issue left for the next poll. One issue's failure leaves that issue for the next poll
 * and the others go on; a failure of the store as a whole ({@link StoreDown}) ends the poll at
 * once, failed, with nothing of its page written and the watermark where it was, its claims and
 * lease left to expire (this node takes them again at its next poll).
 */
final class ChangeDetection {
  private static final Logger log = LoggerFactory.getLogger(ChangeDetection.class);

  private final Connector connector;
  private final Stores stores;
  private final Clock clock;
  private final Events events;
  private final EngineSettings settings;
  private final Outbox outbox;
  private final Resender resender;
  private final ChangedIssue examiner;
  private final GoneIssues goneIssues;
  private final IdleLook idleLook;
  private final PageClaims claims;
  private final PageTriage triage;
  private final TrackerClock trackerClock;
  /** Whether the engine is closing: a poll reads no further page (see {@link #poll}). */
  private final BooleanSupplier closing;
  /**
   * Whether this node's last poll of the connector queued nothing: then the next one first
   * looks without the lease (a busy connector's poll takes it at once, searching once).
   * Guarded by the resender's monitor.
   */
  private boolean lastPollQueuedNothing;
  /** The update of the last issue {@link #warnOfFuture} warned of. */
  private long warnedFuture;

  ChangeDetection(Connector connector, Stores stores, Clock clock, Events events,
      EngineSettings settings, PairClaims pairs, IssueValues values, OutgoingContent content,
      Outbox outbox, Resender resender, BooleanSupplier closing) {
    this.connector = connector;
    this.closing = closing;
    this.stores = stores;
    this.clock = clock;
    this.events = events;
    this.settings = settings;
    this.resender = resender;
    this.outbox = outbox;
    this.examiner =
        new ChangedIssue(connector, stores, clock, settings, values, content, resender);
    this.goneIssues = new GoneIssues(connector, stores, events, outbox);
    this.trackerClock = new TrackerClock(connector.key(), connector.tracker,
        settings.changeDetectionOverlap().toMillis());
    this.idleLook = new IdleLook(connector, stores, clock, events, settings, examiner,
        trackerClock);
    this.claims = new PageClaims(connector, stores, clock, pairs, values, examiner);
    this.triage = new PageTriage(connector, stores, events, examiner, goneIssues, clock);
  }

  /**
   * Reads every page of one change search from the watermark minus the overlap, queues the
   * messages, and only then moves the watermark to the newest update seen, or later to the
   * tracker's time less a margin when its look asked for it ({@link TrackerClock}). When the
   * engine is
   * closed meanwhile, it reads no further page and leaves the watermark where it was: the next
   * poll searches the same changes again (examining an issue twice queues nothing twice).
   */
  PollResult poll() {
    synchronized (resender) {
      IdleLook.Looked looked = IdleLook.Looked.POLL;
      if (lastPollQueuedNothing) {
        try {
          looked = idleLook.look();
        } catch (RuntimeException e) {
          if (StoreDown.is(e)) {
            throw e; // (the leased poll would wait for the store and fail alike)
          }
          // the leased poll handles it as ever (one issue's failure does not stop the others)
          log.debug("{}: the look before the lease failed; polling under it: {}",
              connector.key(), e.toString());
        }
        if (looked.idle() != null) {
          return looked.idle();
        }
      }
      // From the look's page, as if searched under the lease (see IdleLook)
      IdleLook.Looked asking = looked;
      PollResult result = holdingLease(lease -> pollHoldingLease(lease, asking));
      lastPollQueuedNothing = result.messagesQueued() == 0;
      return result;
    }
  }

  /**
   * Examines the issues a change hint named, as a poll examines what its search finds, from the
   * same point (the watermark less the overlap) with the same scope, without moving the
   * watermark: the next poll's search still covers them, and finds what a lost hint did not
   * name. Before the first poll there is no watermark to start from: the poll runs instead.
   * When another node polls this connector now, nothing is read (its poll, or the next one,
   * finds the changes). A paired issue named but not found is read again: it may be gone
   * (deleted or moved out of the project; see {@link GoneIssues}). When the engine is closing,
   * no further batch is read: the watermark never moved for them, so the next poll finds them.
   * An issue left because an apply wrote it after the search is hinted again at once, one left
   * because an apply holds its pair when an apply ends ({@link HintedIssues#leftBusy}).
   */
  PollResult detect(Collection<String> issueKeys, HintedIssues hints) {
    long appliesEnded = hints.appliesEnded();
    return holdingLease(lease -> {
      String key = lease.key();
      OptionalLong watermark = stores.watermarks().watermark(key);
      if (watermark.isEmpty()) {
        return pollHoldingLease(lease, IdleLook.Looked.POLL);
      }
      long since = searchFrom(watermark.getAsLong());
      PollProgress progress = new PollProgress(watermark.getAsLong(), since, ceiling());
      List<String> keys = issueKeys.stream().filter(connector::inProject).distinct().toList();
      for (int from = 0; from < keys.size() && !stopsAfter(key, from, keys.size());
          from += settings.pollPageSize()) {
        List<String> batch = keys.subList(from,
            Math.min(keys.size(), from + settings.pollPageSize()));
        progress.pages++;
        SearchStart searched = SearchStart.now(stores, clock);
        List<IssueChanges> found =
            connector.tracker.findChanged(batch, since, connector.config.jql());
        examinePage(found, progress, searched);
        Set<String> missing = new HashSet<>(batch);
        found.forEach(changes -> missing.remove(changes.issue().key()));
        goneIssues.checkMissing(missing, clock.millis());
      }
      events.polled(key, progress.found, progress.queued);
      if (!progress.leftWritten().isEmpty()) {
        hints.issuesChanged(progress.leftWritten());
      }
      hints.leftBusy(progress.leftBusy(), appliesEnded);
      return progress.result();
    });
  }

  /** Whether a hinted detection stops before the batch at {@code from}: the engine is closing. */
  private boolean stopsAfter(String key, int from, int total) {
    if (from == 0 || !closing.getAsBoolean()) {
      return false;
    }
    log.info("{}: the engine is closing; the detection stops after {} of {} hinted issues, the"
        + " next poll finds the rest", key, from, total);
    return true;
  }

  /**
   * Runs a detection in turn with the resends (as before), holding the connector's poll lease;
   * when another node holds it (it polls this connector now), nothing is read.
   */
  private PollResult holdingLease(Function<HeldLease, PollResult> detection) {
    synchronized (resender) {
      HeldLease lease = HeldLease.tryTake(stores, LeaseScope.POLL, connector.key(), settings,
          clock.millis());
      if (lease == null) {
        return new PollResult(0, 0, 0);
      }
      RuntimeException failed = null;
      try {
        return detection.apply(lease);
      } catch (RuntimeException e) {
        failed = e;
        throw e;
      } finally {
        lease.end(failed);
      }
    }
  }

  /** The latest update that moves the watermark: see {@link PollProgress#FUTURE}. */
  private long ceiling() {
    return PollProgress.ceiling(clock.millis());
  }

  /** Warns of an issue updated beyond the ceiling, once for each such update. */
  private void warnOfFuture(String key, IssueChanges future) {
    if (future == null || future.issue().updated() == warnedFuture) {
      return;
    }
    warnedFuture = future.issue().updated();
    log.warn("{}: {} says it was updated at {}, more than {} after this engine's time {}; the"
        + " watermark does not move past it, so other issues' changes go on, and each poll reads"
        + " it again until then (a tracker node's clock, or an import's dates?)", key,
        future.issue().key(), Instant.ofEpochMilli(warnedFuture),
        Duration.ofMillis(PollProgress.FUTURE), clock.instant());
  }

  /** Where a search starts: the watermark less the overlap. */
  private long searchFrom(long watermark) {
    return searchFrom(watermark, settings);
  }

  /** Where a search starts: the watermark less the settings' overlap. */
  static long searchFrom(long watermark, EngineSettings settings) {
    return Math.max(0, watermark - settings.changeDetectionOverlap().toMillis());
  }

  /**
   * The poll under the lease.
   *
   * @param looked what its look found: whether to ask the tracker's time before the search, and
   *     the page to start from while the watermark is the one the look searched from
   */
  private PollResult pollHoldingLease(HeldLease lease, IdleLook.Looked looked) {
    String key = lease.key();
    OptionalLong watermark = stores.watermarks().watermark(key);
    long since = watermark.isPresent() ? searchFrom(watermark.getAsLong()) : 0;
    PollProgress progress = new PollProgress(watermark.orElse(0), since, ceiling());
    if (looked.askTime()) {
      trackerClock.beforeSearch(clock.millis(), looked.oldest())
          .ifPresent(progress::movableTo);
    }
    ChangePage lookedAt = watermark.isPresent() ? looked.pageFrom(watermark.getAsLong()) : null;
    String token = null;
    PageShifts shifts = new PageShifts();
    do {
      SearchStart searched = lookedAt != null ? looked.searched() : SearchStart.now(stores, clock);
      ChangePage page = lookedAt != null ? lookedAt : connector.tracker.findUpdatedSince(
          since, connector.config.jql(), settings.pollPageSize(), token);
      lookedAt = null;
      progress.pages++;
      holdIfShifted(key, shifts.read(page.issues()), progress);
      examinePage(page.issues(), progress, searched);
      token = page.nextPageToken();
    } while (token != null && !closing.getAsBoolean());
    if (token != null) {
      log.info("{}: the engine is closing; the poll stops after {} page{}, the watermark stays",
          key, progress.pages, progress.pages == 1 ? "" : "s");
      events.polled(key, progress.found, progress.queued);
      return progress.result();
    }
    warnOfFuture(key, progress.future());
    long newWatermark = progress.newWatermark();
    if (watermark.isEmpty() || newWatermark != watermark.getAsLong()) {
      long moved = newWatermark;
      lease.lastWrite(() -> stores.watermarks().setWatermark(key, moved));
    }
    events.polled(key, progress.found, progress.queued);
    return progress.result();
  }

  /** Holds the watermark where the search may have skipped issues ({@link PageShifts}). */
  private static void holdIfShifted(String key, long skippedFrom, PollProgress progress) {
    if (skippedFrom != Long.MAX_VALUE) {
      log.debug("{}: an issue came again on page {} of the search (the order moved while it was"
          + " paged); the next poll reads again from {}", key, progress.pages,
          Instant.ofEpochMilli(skippedFrom));
      progress.leaveFrom(skippedFrom);
    }
  }

  /**
   * Examines one page of changed issues, holding the pairs it decides about meanwhile.
   *
   * @param searched when the search that read the page began
   */
  private void examinePage(List<IssueChanges> issues, PollProgress progress,
      SearchStart searched) {
    PageClaims.Claimed first = claims.claim(issues, searched);
    boolean givenBack = false;
    boolean storeDown = false;
    try { // (from the claim on: a read that fails below must not keep the pairs claimed)
      PageClaims.Claimed claimed = claims.readAgain(first);
      ExaminedPage page = new ExaminedPage(connector, stores, outbox, events,
          progress::leaveFrom);
      List<SyncInfo> held = claimed.heldRows();
      examiner.readValues(issues, held);
      page.knowRows(held, examiner.valuesRead());
      for (int i = 0; i < issues.size(); i++) {
        triage.examineOrLeave(issues.get(i), claimed.rows()[i], claimed, page, progress,
            searched);
      }
      givenBack = page.commit(claims.giveBack(claimed));
      outbox.promptPartner(); // a page's copies begin while the next page is read
    } catch (RuntimeException e) {
      storeDown = StoreDown.is(e);
      throw e;
    } finally {
      examiner.forgetValues(); // (a page that failed leaves its parts not committed unwritten)
      if (storeDown) { // (a release would wait for the store and fail alike)
        claims.leaveToExpire(first);
      } else {
        claims.end(first, givenBack); // (readAgain keeps the claims it was given)
      }
    }
    progress.found += issues.size();
  }
}
