package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.backbonesync.core.PollResult;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.AttachmentLink;
import org.backbonesync.spi.store.CommentLink;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.PendingChange;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.FieldChange;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.transport.MessageTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connector's outgoing queue: detects changed issues, runs the outgoing mappings of the fields
 * that changed, and puts the message in the outbox in the same transaction that moves the pair's
 * bookkeeping; then delivers the outbox until the partner acknowledges.
 */
final class OutgoingQueue {
  private static final Logger log = LoggerFactory.getLogger(OutgoingQueue.class);

  private final Connector connector;
  private final Stores stores;
  private final Clock clock;
  private final Events events;
  private final EngineSettings settings;
  private final MessageTransport transport;
  private final Set<String> merging;

  private final PairClaims pairs;

  OutgoingQueue(
      Connector connector,
      Stores stores,
      Clock clock,
      Events events,
      EngineSettings settings,
      MessageTransport transport,
      PairClaims pairs) {
    this.pairs = pairs;
    this.connector = connector;
    this.stores = stores;
    this.clock = clock;
    this.events = events;
    this.settings = settings;
    this.transport = transport;
    this.merging = connector.merging;
  }

  /**
   * Reads every page of one change search from the watermark minus the overlap, queues the
   * messages, and only then moves the watermark to the newest update seen.
   */
  synchronized PollResult poll() {
    String key = connector.key();
    long started = clock.millis();
    if (!stores.leases().tryLease("poll", key, settings.node(), started,
        started + settings.leaseDuration().toMillis())) {
      return new PollResult(0, 0, 0); // another node polls this connector now
    }
    try {
      return pollHoldingLease(key);
    } finally {
      stores.leases().release("poll", key, settings.node());
    }
  }

  private PollResult pollHoldingLease(String key) {
    OptionalLong watermark = stores.watermarks().watermark(key);
    long since =
        watermark.isPresent()
            ? Math.max(0, watermark.getAsLong() - settings.changeDetectionOverlap().toMillis())
            : 0;
    Progress progress = new Progress(watermark.orElse(0), since);
    String token = null;
    do {
      ChangePage page = connector.tracker.findUpdatedSince(
          since, connector.config.jql(), settings.pollPageSize(), token);
      progress.pages++;
      examinePage(page.issues(), progress);
      token = page.nextPageToken();
    } while (token != null);
    long newWatermark = progress.newWatermark;
    if (progress.firstLeft != Long.MAX_VALUE) {
      newWatermark = Math.max(watermark.orElse(0), Math.min(newWatermark, progress.firstLeft));
    }
    if (watermark.isEmpty() || newWatermark != watermark.getAsLong()) {
      stores.watermarks().setWatermark(key, newWatermark);
    }
    events.polled(key, progress.found, progress.queued);
    return new PollResult(progress.found, progress.queued, progress.pages);
  }

  /** What a poll has done so far. */
  private static final class Progress {
    int found;
    int queued;
    int pages;
    /** The newest update among the issues found. */
    long newWatermark;
    /** Where this poll's search starts: each issue's changelog is whole from there on. */
    final long since;
    /**
     * The oldest change not examined of an issue left for the next poll (failed or busy), if
     * any.
     */
    long firstLeft = Long.MAX_VALUE;

    Progress(long watermark, long since) {
      this.newWatermark = watermark;
      this.since = since;
    }
  }

  /** Examines one page of changed issues, holding the pairs it decides about meanwhile. */
  private void examinePage(List<IssueChanges> issues, Progress progress) {
    String key = connector.key();
    Pairs claimed = claimPairs(issues);
    try {
      for (int i = 0; i < issues.size(); i++) {
        IssueChanges changes = issues.get(i);
        String local = changes.issue().key();
        SyncInfo row = claimed.rows()[i];
        if (row != null && row.remoteIssueKey() != null
            && claimed.busy().contains(row.remoteIssueKey())) {
          // another node applies a message to this pair now; examined again next poll
          progress.firstLeft = Math.min(progress.firstLeft, unexaminedSince(changes, row));
          log.debug("{}: {} is being updated by an apply; examined next poll", key, local);
        } else if (row == null && awaitsItsPair(changes.issue())) {
          // Our incoming queue created it and has not recorded its pair yet (a crash came
          // between, or it does so now). A person's change to it meanwhile is examined once the
          // pair is recorded (its row has seen no change yet), so the watermark waits at the
          // issue's creation until then; passing it dropped such a change, a link say, for good.
          progress.firstLeft = Math.min(progress.firstLeft, changes.issue().created());
          log.debug("{}: {} waits for its pair to be recorded; examined then", key, local);
        } else {
          try (LogContext step = LogContext.issue(local)) {
            if (examine(changes, row, progress.since)) {
              progress.queued++;
            }
          } catch (RuntimeException e) {
            // One issue's failure must not stop the others; it is examined again next poll.
            progress.firstLeft = Math.min(progress.firstLeft, unexaminedSince(changes, row));
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            log.warn("{}: could not examine {}; will try again: {}", key, local, reason);
            events.exportFailed(key, local, reason);
          }
        }
        progress.newWatermark = Math.max(progress.newWatermark, changes.issue().updated());
      }
      recordSeen();
    } finally {
      advances.clear();
      pairs.release(claimed.held());
    }
    progress.found += issues.size();
  }

  /**
   * Whether an issue our incoming queue created waits for its pair to be recorded: its create is
   * still pending, or the pair was recorded since this poll looked. An issue with our marker and
   * neither (an admin skipped the message that made it) is left alone.
   */
  private boolean awaitsItsPair(TrackedIssue issue) {
    String marker = issue.originMarker();
    String prefix = connector.originMarkerPrefix();
    if (marker == null || !marker.startsWith(prefix) || !connector.inProject(issue.key())) {
      return false;
    }
    String source = marker.substring(prefix.length());
    return stores.syncInfo().pendingCreate(connector.key(), source).isPresent()
        || stores.syncInfo().findByLocalKey(connector.key(), issue.key()).isPresent();
  }

  /**
   * The time from which an issue left for the next poll has changes not examined yet: the next
   * poll's search must start there (less the overlap), since its changelog starts where the
   * search does. For a paired issue that is the last change seen, which can be far older than
   * the issue's update time: holding the watermark only at that time let a later poll's
   * changelog start after a person's change that was never examined, and the change was lost.
   * A new issue is sent whole, whatever its changelog holds: its update time is enough.
   */
  private static long unexaminedSince(IssueChanges changes, SyncInfo row) {
    long updated = changes.issue().updated();
    return row == null ? updated : Math.min(updated, row.lastChangeSeen());
  }

  /**
   * The rows of this page whose only news is how far their changes were examined: row id to
   * lastChangeSeen, written together at the end of the page (one commit, not one per issue).
   * Guarded by this queue's monitor, as the poll is.
   */
  private final Map<Long, Long> advances = new HashMap<>();

  private void recordSeen() {
    if (!advances.isEmpty()) {
      // only this column: another node may have written the rows since they were read here
      stores.inTransaction(() -> advances.forEach((id, millis) ->
          stores.syncInfo().advanceLastChangeSeen(connector.key(), id, millis)));
    }
  }

  /**
   * A page's paired issues (their rows by position in the page, null for an issue not paired)
   * and the pairs claimed for them, as an apply
   * claims them, so that no apply changes a pair's issue and last synced values between this
   * poll reading them and deciding what is a person's change and what an echo. {@code busy}
   * holds the partner keys of pairs another step holds: those are examined next poll.
   */
  private record Pairs(SyncInfo[] rows, Set<String> held, Set<String> busy) {}

  /** Looks up a page's rows and claims the pairs that need it, all in one claim. */
  private Pairs claimPairs(List<IssueChanges> issues) {
    SyncInfo[] rows = new SyncInfo[issues.size()]; // by position in the page
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      IssueChanges changes = issues.get(i);
      String local = changes.issue().key();
      if (connector.inProject(local)) {
        SyncInfo row = stores.syncInfo().findByLocalKey(connector.key(), local).orElse(null);
        rows[i] = row;
        if (row != null && row.remoteIssueKey() != null && needsClaim(changes, row)) {
          wanted.add(row.remoteIssueKey());
        }
      }
    }
    Set<String> held = pairs.claim(wanted, clock.millis());
    Set<String> busy = Set.of();
    if (held.size() < wanted.size()) {
      busy = new HashSet<>(wanted);
      busy.removeAll(held);
    }
    return new Pairs(rows, held, busy);
  }

  /**
   * Whether examining a paired issue depends on what an apply may be changing: a person's change
   * since the last one seen (compared with the last synced value), or comments and attachments
   * (compared with their links). An issue only the sync user changed just moves lastChangeSeen.
   */
  private boolean needsClaim(IssueChanges changes, SyncInfo row) {
    if (connector.commentsOut != null || connector.attachmentsOut != null) {
      return true;
    }
    for (ChangelogEntry entry : changes.changelog()) {
      if (entry.timestamp() >= row.lastChangeSeen() && !isEcho(entry)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Builds and queues the message for one changed issue, if it has changes to send.
   *
   * @param row the issue's sync information, null when it has none
   * @param since where the search started: the changelog is whole from there on
   */
  private boolean examine(IssueChanges changes, SyncInfo row, long since) {
    TrackedIssue issue = changes.issue();
    if (!connector.inProject(issue.key())) {
      log.warn("{}: tracker returned {} outside project {}; ignored",
          connector.key(), issue.key(), connector.config.projectKey());
      return false;
    }
    if (row == null) {
      String partner = connector.partnerInMarker(issue.originMarker());
      // an issue older than the search (its row lost, or out of scope until now) brings only
      // the changelog since then: its whole is weighed by the whole changelog
      IssueChanges whole = issue.created() >= since ? changes
          : new IssueChanges(issue, connector.tracker.changelog(issue.key(), 0),
              changes.comments(), changes.attachments());
      return partner == null ? queueNewIssue(whole, null) : restorePair(whole, partner);
    }
    return queueChanges(row, changes);
  }

  /**
   * An issue our incoming queue created for {@code partner} whose row is gone (deleted, or the
   * store lost) and whose create is not pending: the marker is the truth, so the pair is made
   * again and the issue sent whole to the partner, which finds its own row or issue by the key
   * named. Left alone when another issue of ours is paired with that partner now.
   */
  private boolean restorePair(IssueChanges changes, String partner) {
    String local = changes.issue().key();
    if (stores.syncInfo().pendingCreate(connector.key(), partner).isPresent()) {
      return false; // being created now, or recovered by the incoming queue
    }
    Optional<SyncInfo> taken = stores.syncInfo().findByRemoteKey(connector.key(), partner);
    if (taken.isPresent()) {
      log.warn("{}: {} carries the origin marker of {}, which is paired with {}; left alone",
          connector.key(), local, partner, taken.get().localIssueKey());
      return false;
    }
    log.info("{}: restoring the pair {} - {} from its origin marker", connector.key(), local,
        partner);
    return queueNewIssue(changes, partner);
  }

  /** @param partner the partner issue when known (a pair restored from a marker), else null */
  private boolean queueNewIssue(IssueChanges changes, String partner) {
    if (connector.outgoing.isEmpty() && connector.commentsOut == null) {
      return false;
    }
    TrackedIssue issue = changes.issue();
    Map<String, Change> latest = latestChanges(changes.changelog(), true);
    Map<String, FieldValue> fields = new LinkedHashMap<>();
    for (Connector.Outgoing out : connector.outgoing) {
      JsonNode value = export(out, issue);
      fields.put(out.id(), weighed(value, latestOf(out, latest), issue));
    }
    CommentSync.Outgoing comments = comments(changes, null, fields);
    AttachmentSync.Outgoing files = attachments(changes, null, fields);
    long now = clock.millis();
    long lastSeen = Math.max(issue.created(), maxTimestamp(changes.changelog()));
    SyncMessage message =
        stores.inTransaction(
            () -> {
              SyncInfo info =
                  stores.syncInfo()
                      .insert(SyncInfo.newPair(connector.key(), issue.key(), partner, now));
              SyncInfo sent = info.withSent(1, now).withLastChangeSeen(lastSeen);
              stores.syncInfo().update(sent);
              if (comments != null) {
                comments.links().applyTo(stores.syncInfo(), sent.id());
              }
              if (files != null) {
                files.links().applyTo(stores.syncInfo(), sent.id());
              }
              return append(sent, issue, fields, now);
            });
    events.queued(connector.key(), message);
    return true;
  }

  private boolean queueChanges(SyncInfo info, IssueChanges changes) {
    TrackedIssue issue = changes.issue();
    List<ChangelogEntry> fresh = new ArrayList<>();
    for (ChangelogEntry entry : changes.changelog()) {
      // ">=": an entry in the same millisecond as the last one seen may have been written after
      // that poll; re-examining one already sent costs nothing, its value equals the synced one.
      if (entry.timestamp() >= info.lastChangeSeen()) {
        fresh.add(entry);
      }
    }
    // The issue and its changelog come in one snapshot: every change up to its "updated" time
    // has been examined now, even one that wrote no changelog entry (a create, a comment).
    long lastSeen = Math.max(info.lastChangeSeen(), Math.max(maxTimestamp(fresh), issue.updated()));
    Map<String, Change> latest = latestChanges(fresh, false);
    Map<String, FieldValue> fields = new LinkedHashMap<>();
    if (!latest.isEmpty()) {
      Map<String, JsonNode> synced = stores.syncInfo().syncedValues(info.id());
      Map<String, Change> latestOfAll = latestChanges(fresh, true);
      boolean suppress = !settings.off(org.backbonesync.core.TestOnlySwitch.NO_ECHO_SUPPRESSION);
      for (Connector.Outgoing out : connector.outgoing) {
        Change change = latestOf(out, latest);
        if (change == null) {
          continue;
        }
        JsonNode value = export(out, issue);
        if (value.equals(synced.get(out.id())) && suppress) {
          continue; // the partner has this value already: an echo or a change undone
        }
        Change last = latestOf(out, latestOfAll);
        if (suppress && connector.config.syncUser().equals(last.author)
            && !connector.addOnly.contains(out.id())
            && !merging.contains(out.id())) {
          // the sync user wrote the field after the person (a partner's message applied but
          // not recorded yet, e.g. retried): its value is the partner's, not this person's
          // (a value both sides add to, links or merged labels, is the person's too)
          continue;
        }
        fields.put(out.id(), new FieldValue(value, change.timestamp, change.author));
      }
    }
    CommentSync.Outgoing comments =
        comments(changes, () -> stores.syncInfo().commentLinks(info.id()), fields);
    AttachmentSync.Outgoing files =
        attachments(changes, () -> stores.syncInfo().attachmentLinks(info.id()), fields);
    if (files != null && files.ops().isEmpty()) {
      // only copies were deleted here: forget their links, send nothing
      AttachmentSync.Outgoing onlyLinks = files;
      stores.inTransaction(() -> onlyLinks.links().applyTo(stores.syncInfo(), info.id()));
      files = null;
    }
    AttachmentSync.Outgoing filesToSend = files;
    if (fields.isEmpty()) {
      if (lastSeen != info.lastChangeSeen()) {
        advances.merge(info.id(), lastSeen, Math::max); // recorded with the page's others
      }
      return false;
    }
    long now = clock.millis();
    SyncMessage message =
        stores.inTransaction(
            () -> {
              SyncInfo current = connector.lockRow(stores, info.id());
              SyncInfo sent =
                  current.withSent(current.outgoingMessageSequenceId() + 1, now)
                      .withLastChangeSeen(lastSeen);
              stores.syncInfo().update(sent);
              if (comments != null) {
                comments.links().applyTo(stores.syncInfo(), sent.id());
              }
              if (filesToSend != null) {
                filesToSend.links().applyTo(stores.syncInfo(), sent.id());
              }
              return append(sent, issue, fields, now);
            });
    events.queued(connector.key(), message);
    return true;
  }

  /** What a resync did with one issue. */
  enum Resynced {
    SENT, NOTHING_TO_SEND, OUT_OF_PROJECT, CREATED_BY_SYNC
  }

  /**
   * Sends an issue's current values for the given mappings, whether or not they changed (no echo
   * suppression: the admin asked). An issue not synced yet is sent whole, as a new issue.
   *
   * @param mappingIds the mappings to send
   */
  synchronized Resynced resync(TrackedIssue issue, Set<String> mappingIds) {
    if (!connector.inProject(issue.key())) {
      return Resynced.OUT_OF_PROJECT;
    }
    Optional<SyncInfo> existing = stores.syncInfo().findByLocalKey(connector.key(), issue.key());
    if (existing.isEmpty()) {
      String partner = connector.partnerInMarker(issue.originMarker());
      IssueChanges all = new IssueChanges(issue, connector.tracker.changelog(issue.key(), 0));
      if (partner != null && !restorePair(all, partner)) {
        return Resynced.CREATED_BY_SYNC;
      }
      return partner != null || queueNewIssue(all, null)
          ? Resynced.SENT : Resynced.NOTHING_TO_SEND;
    }
    SyncInfo info = existing.get();
    Resend resend = resend(issue, mappingIds, false, info.id());
    if (resend.fields().isEmpty()) {
      return Resynced.NOTHING_TO_SEND;
    }
    SyncMessage message = stores.inTransaction(
        () -> append(resend, connector.lockRow(stores, info.id()), issue, false));
    events.queued(connector.key(), message);
    return Resynced.SENT;
  }

  /**
   * Sends an issue whole to a partner row made again (deleted there, or its store lost), which
   * knows none of it: every mapping, and every comment and attachment as new (the partner links
   * those it holds already, by body and by content). {@code row} gives our row talking with that
   * partner row (locked, or made) inside the same transaction, so that a failed read of the issue
   * changes nothing and the next attempt sends it again.
   */
  synchronized void sendWhole(TrackedIssue issue, long rowId, Supplier<SyncInfo> row) {
    sendWhole(issue, rowId, row, false);
  }

  /**
   * @param seenNone whether the message says it saw none of the partner's messages whatever the
   *     row applied (a row that ignored them: the partner's changes are then weighed as unseen)
   */
  synchronized void sendWhole(TrackedIssue issue, long rowId, Supplier<SyncInfo> row,
      boolean seenNone) {
    Resend resend = resend(issue, connector.sendingIds(), true, rowId);
    SyncMessage message = stores.inTransaction(() -> {
      SyncInfo current = row.get();
      if (resend.fields().isEmpty()) {
        stores.syncInfo().update(current);
        return null;
      }
      return append(resend, current, issue, seenNone);
    });
    if (message != null) {
      events.queued(connector.key(), message);
    }
  }

  /** What a resync sends: the values, and the comment and attachment operations with links. */
  private record Resend(Map<String, FieldValue> fields, CommentSync.Outgoing comments,
      AttachmentSync.Outgoing files) {}

  /** Reads what a resync of the mappings sends (tracker calls; no store write). */
  private Resend resend(TrackedIssue issue, Set<String> mappingIds, boolean whole, long rowId) {
    // Sent whole, each value carries when it last changed (as a new issue's do), so that a
    // change the partner made meanwhile wins over an older value here.
    Map<String, Change> latest = whole
        ? latestChanges(connector.tracker.changelog(issue.key(), 0), true) : Map.of();
    // a value sent before and not settled yet keeps the time it was sent with, so that the
    // partner weighs it the same however it gets it
    Map<String, PendingChange> pending = whole && rowId != 0
        ? stores.syncInfo().pendingChanges(rowId) : Map.of();
    Map<String, JsonNode> synced = !whole && rowId != 0
        ? stores.syncInfo().syncedValues(rowId) : Map.of();
    // the latest changes, read only for a resync's value that differs from the synced one
    Supplier<Map<String, Change>> people = Context.once(
        () -> latestChanges(connector.tracker.changelog(issue.key(), 0), true));
    Map<String, FieldValue> fields = new LinkedHashMap<>();
    for (Connector.Outgoing out : connector.outgoing) {
      if (mappingIds.contains(out.id())) {
        Change change = whole ? latestOf(out, latest) : null;
        JsonNode value = export(out, issue);
        fields.put(out.id(), !whole
            ? resynced(out, value, synced.get(out.id()), people)
            : whole(value, change, pending.get(out.id()), issue));
      }
    }
    // Comments: only those not synced yet, edited or deleted; a resync never copies one twice.
    CommentSync.Outgoing comments = mappingIds.contains(connector.commentsId)
        ? comments(new IssueChanges(issue, List.of()),
            whole ? null : () -> stores.syncInfo().commentLinks(rowId), fields) : null;
    AttachmentSync.Outgoing files = mappingIds.contains(connector.attachmentsId)
        ? attachments(new IssueChanges(issue, List.of()),
            whole ? null : () -> stores.syncInfo().attachmentLinks(rowId), fields) : null;
    return new Resend(fields, comments, files);
  }

  /**
   * A value an admin's resync sends. One the partner has already (the last synced value) is no
   * person's change: it carries time 0, so that a change a person made there meanwhile, not seen
   * here yet, wins over it and comes back (the time the sync user wrote it here, or a change of
   * ours the partner applied long ago, is not when anyone changed it now; and B's clock may be
   * behind A's); a change of ours with that value still on its way keeps its time (see {@link
   * #append}). Any other value is this side's change not sent yet: the time a person last changed
   * the field here; 0 when the sync user wrote it last (a partner's message applied, not recorded
   * yet).
   */
  private FieldValue resynced(Connector.Outgoing out, JsonNode value, JsonNode synced,
      Supplier<Map<String, Change>> people) {
    String by = connector.config.syncUser();
    if (value.equals(synced)) {
      return new FieldValue(value, 0, by);
    }
    Change change = latestOf(out, people.get());
    boolean person = change != null && !connector.config.syncUser().equals(change.author);
    return new FieldValue(value, person ? change.timestamp : 0, by);
  }

  private FieldValue whole(JsonNode value, Change change, PendingChange pending,
      TrackedIssue issue) {
    FieldValue weighed = weighed(value, change, issue);
    if (pending != null && pending.holds(value) && pending.changedAt() > weighed.changedAt()) {
      return new FieldValue(value, pending.changedAt(), connector.config.syncUser());
    }
    return weighed;
  }

  /**
   * A value sent whole with when a person last changed it: the issue's creation when nobody
   * changed the field since, time 0 when the sync user wrote it last (or created the issue with
   * it). That value came from the partner (a message applied here); sent back whole after a row
   * was lost it is no person's change, and a person's edit on the other side, made meanwhile and
   * not seen here, must win over it (with the time the sync user wrote it, it won by arriving
   * later).
   */
  private FieldValue weighed(JsonNode value, Change change, TrackedIssue issue) {
    long at = change == null ? issue.created() : change.timestamp;
    String by = change == null ? issue.creator() : change.author;
    return new FieldValue(value, connector.config.syncUser().equals(by) ? 0 : at, by);
  }

  /** Appends a resync's message for the locked row; call inside a transaction. */
  private SyncMessage append(Resend resend, SyncInfo current, TrackedIssue issue,
      boolean seenNone) {
    long now = clock.millis();
    SyncInfo sent = current.withSent(current.outgoingMessageSequenceId() + 1, now);
    stores.syncInfo().update(sent);
    if (resend.comments() != null) {
      resend.comments().links().applyTo(stores.syncInfo(), sent.id());
    }
    if (resend.files() != null) {
      resend.files().links().applyTo(stores.syncInfo(), sent.id());
    }
    // (the message only: the row keeps what it applied)
    SyncInfo says = seenNone ? sent.withReceived(0, sent.lastIncomingChange()) : sent;
    return append(says, issue, resend.fields(), now, MessageKind.RESYNC);
  }

  /**
   * The comment operations of an issue, added to {@code fields} when there are any; null when
   * comments do not flow out of this connector or nothing changed.
   *
   * @param links the pair's comment links; null to send the issue's comments whole (a new issue,
   *     or a partner row made again), which always goes, even with no comment
   */
  private CommentSync.Outgoing comments(
      IssueChanges changes, Supplier<List<CommentLink>> links, Map<String, FieldValue> fields) {
    if (connector.commentsOut == null) {
      return null;
    }
    TrackedIssue issue = changes.issue();
    List<CommentLink> known = links == null ? List.of() : links.get();
    CommentSync.Outgoing out = connector.commentsOut.outgoing(issue.key(), known,
        changes.comments());
    if (out.ops().isEmpty() && links != null) {
      return null;
    }
    if (known.isEmpty()) {
      // every comment goes as new: the partner deletes its copies of others (a row made again,
      // or comments deleted here while no row knew them)
      out.ops().addObject().put("op", "complete");
    }
    fields.put(connector.commentsId, new FieldValue(out.ops(),
        out.lastChange() > 0 ? out.lastChange() : issue.updated(),
        out.lastAuthor() != null ? out.lastAuthor() : connector.config.syncUser()));
    return out;
  }

  /**
   * The attachment operations of an issue, added to {@code fields} when there are any; null when
   * files do not flow out of this connector or nothing changed. An outcome with no operation but
   * link changes (copies deleted here) is returned too, so that its links are forgotten.
   *
   * @param links the pair's attachment links; null to send the issue's files whole (see {@link
   *     #comments})
   */
  private AttachmentSync.Outgoing attachments(
      IssueChanges changes, Supplier<List<AttachmentLink>> links,
      Map<String, FieldValue> fields) {
    if (connector.attachmentsOut == null) {
      return null;
    }
    TrackedIssue issue = changes.issue();
    List<AttachmentLink> known = links == null ? List.of() : links.get();
    AttachmentSync.Outgoing out = connector.attachmentsOut.outgoing(issue.key(), known,
        changes.attachments());
    if (out.ops().isEmpty() && links != null) {
      return out.links().removed().isEmpty() ? null : out;
    }
    if (known.isEmpty()) {
      // every file goes as new: the partner deletes copies of others (a row made again)
      out.ops().addObject().put("op", "complete");
    }
    fields.put(connector.attachmentsId,
        new FieldValue(out.ops(), issue.updated(), connector.config.syncUser()));
    return out;
  }

  /** Appends the message for the row's current sequence id; call inside a transaction. */
  private SyncMessage append(
      SyncInfo sent, TrackedIssue issue, Map<String, FieldValue> fields, long now) {
    return append(sent, issue, fields, now, MessageKind.CHANGE);
  }

  private SyncMessage append(SyncInfo sent, TrackedIssue issue, Map<String, FieldValue> given,
      long now, MessageKind kind) {
    Map<String, JsonNode> before = stores.syncInfo().syncedValues(sent.id());
    Map<String, FieldValue> fields = given;
    if (!merging.isEmpty()) {
      // merged fields carry the value they replace, so the partner can tell its own additions
      fields = new LinkedHashMap<>();
      for (Map.Entry<String, FieldValue> e : given.entrySet()) {
        FieldValue v = e.getValue();
        fields.put(e.getKey(), merging.contains(e.getKey())
            ? new FieldValue(v.value(), v.changedAt(), v.changedBy(),
                before.getOrDefault(e.getKey(), NullNode.getInstance()))
            : v);
      }
    }
    SyncMessage message =
        new SyncMessage(
            MessageCodec.FORMAT_VERSION,
            messageId(connector.key(), sent),
            connector.syncId,
            connector.key(),
            connector.partner.key(),
            sent.localIssueKey(),
            sent.remoteIssueKey(),
            sent.outgoingMessageSequenceId(),
            kind,
            issue.issueType(),
            now,
            fields,
            issue.field("parent").isTextual() ? issue.field("parent").asText() : null,
            sent.incomingMessageSequenceId(),
            sent.epoch(),
            sent.partnerEpoch(),
            sent.partnerSince());
    Map<String, JsonNode> values = values(fields, connector);
    Map<String, PendingChange> pending = new HashMap<>(values.size() * 2);
    Map<String, PendingChange> earlier = null; // read only for a resync's value of time 0
    for (String id : values.keySet()) {
      long at = fields.get(id).changedAt();
      JsonNode value = values.get(id);
      if (at == 0 && value.equals(before.get(id))) {
        // a value the partner has already, resent: a change of ours with that value still on
        // its way stays as it is, so that both sides weigh a change crossing it the same (and
        // one the partner applied long ago stays seen). Not when it sent another value (the
        // sync user wrote the partner's over ours and crashed before recording it): ours is no
        // longer here to be weighed.
        earlier = earlier != null ? earlier : stores.syncInfo().pendingChanges(sent.id());
        PendingChange kept = earlier.get(id);
        if (kept != null && kept.holds(value)) {
          continue;
        }
      }
      pending.put(id, new PendingChange(at, sent.outgoingMessageSequenceId(), before.get(id),
          value));
    }
    stores.syncInfo().putPendingChanges(sent.id(), pending);
    stores.syncInfo().putSyncedValues(sent.id(), values);
    stores.messages().addOutgoing(message, now);
    return message;
  }

  /** A mapping's export of a local issue, for comparing with what the partner sends. */
  JsonNode exportFor(Connector.Outgoing out, TrackedIssue issue) {
    return export(out, issue);
  }

  /**
   * Sends values decided while applying a partner's message (a merge both sides must get);
   * call inside the transaction that records the application.
   */
  SyncMessage appendDecided(SyncInfo row, TrackedIssue issue, Map<String, FieldValue> fields,
      long now) {
    SyncInfo sent = row.withSent(row.outgoingMessageSequenceId() + 1, now);
    stores.syncInfo().update(sent);
    return append(sent, issue, fields, now);
  }

  /**
   * Builds a message id from the row's epoch and the sequence id: unique, also across stores (a
   * row id alone repeats on a new store, and a message of the lost one still on its way would
   * take the new message's place in the partner's inbox), and the same on every replay of a
   * run, which deterministic simulation needs.
   */
  static String messageId(String connectorKey, SyncInfo sent) {
    return connectorKey + ":" + sent.localIssueKey() + ":" + sent.epoch() + ":"
        + sent.outgoingMessageSequenceId();
  }

  private JsonNode export(Connector.Outgoing out, TrackedIssue issue) {
    try {
      JsonNode value =
          out.mapping().exportValue(
              issue, new Context(connector, out.id(), issue));
      if (value == null) {
        throw new SyncException(
            "outgoing field mapping " + out.id() + " returned Java null for " + issue.key()
                + "; it must return JSON null for an empty value",
            null, connector.key(), issue.key(), out.id());
      }
      return value;
    } catch (SyncException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new SyncException(
          "outgoing field mapping " + out.id() + " failed on " + issue.key() + ": " + e,
          e, connector.key(), issue.key(), out.id());
    }
  }

  private record Change(long timestamp, String author) {}

  /** The latest change per field, leaving out the sync user's own changes. */
  private Map<String, Change> latestChanges(
      List<ChangelogEntry> entries, boolean includeSyncUser) {
    Map<String, Change> latest = new HashMap<>();
    for (ChangelogEntry entry : entries) {
      if (!includeSyncUser && isEcho(entry)) {
        continue;
      }
      for (FieldChange item : entry.items()) {
        Change previous = latest.get(item.field());
        if (previous == null || previous.timestamp <= entry.timestamp()) {
          latest.put(item.field(), new Change(entry.timestamp(), entry.author()));
        }
      }
    }
    return latest;
  }

  /** A change the sync user made (applying the partner's), which never goes back to it. */
  private boolean isEcho(ChangelogEntry entry) {
    return connector.config.syncUser().equals(entry.author())
        && !settings.off(org.backbonesync.core.TestOnlySwitch.NO_ECHO_SUPPRESSION);
  }

  private static Change latestOf(Connector.Outgoing out, Map<String, Change> latest) {
    Change newest = null;
    Set<String> fields = out.mapping().sourceFields();
    for (String field : fields) {
      Change c = latest.get(field);
      if (c != null && (newest == null || c.timestamp > newest.timestamp)) {
        newest = c;
      }
    }
    return newest;
  }

  private static long maxTimestamp(List<ChangelogEntry> entries) {
    long max = 0;
    for (ChangelogEntry e : entries) {
      max = Math.max(max, e.timestamp());
    }
    return max;
  }

  /**
   * The values to remember as last synced; comment and attachment operations are changes, not
   * values.
   */
  static Map<String, JsonNode> values(Map<String, FieldValue> fields, Connector connector) {
    Map<String, JsonNode> values = new HashMap<>(2 * fields.size());
    for (Map.Entry<String, FieldValue> e : fields.entrySet()) {
      String id = e.getKey();
      if (!id.equals(connector.commentsId) && !id.equals(connector.attachmentsId)) {
        values.put(id, e.getValue().value());
      }
    }
    return values;
  }

  /**
   * Appends a PAIRED message telling the partner which local issue was created for its issue.
   *
   * @param seen the sequence id of the partner's message the issue was created for
   */
  SyncMessage appendPaired(SyncInfo row, long seen, long now) {
    SyncInfo sent = row.withSent(row.outgoingMessageSequenceId() + 1, now);
    stores.syncInfo().update(sent);
    SyncMessage message =
        new SyncMessage(
            MessageCodec.FORMAT_VERSION,
            messageId(connector.key(), sent),
            connector.syncId,
            connector.key(),
            connector.partner.key(),
            sent.localIssueKey(),
            sent.remoteIssueKey(),
            sent.outgoingMessageSequenceId(),
            MessageKind.PAIRED,
            null,
            now,
            Map.of(),
            null,
            seen,
            sent.epoch(),
            sent.partnerEpoch(),
            sent.partnerSince());
    stores.messages().addOutgoing(message, now);
    return message;
  }

  /** The next attempt of an outbox entry the transport will never deliver as it is: never. */
  static final long UNDELIVERABLE = Long.MAX_VALUE;

  /** How many outbox entries {@link #undeliverable()} looks through. */
  private static final int OUTBOX_SCAN = 10_000;

  /** The outbox entries parked as undeliverable, among the first 10,000, oldest first. */
  List<OutboxEntry> undeliverable() {
    return stores.messages().dueOutgoing(connector.key(), UNDELIVERABLE, OUTBOX_SCAN).stream()
        .filter(e -> e.notBefore() == UNDELIVERABLE)
        .toList();
  }

  /** Delivers a parked message again at the next delivery (the partner may accept it now). */
  void retryUndeliverable(String messageId) {
    OutboxEntry e = parked(messageId);
    stores.messages().updateOutgoing(
        new OutboxEntry(e.message(), e.addedAt(), e.attempts(), clock.millis(), e.lastError()));
  }

  /**
   * Gives up a parked message: its changes do not reach the partner. An empty message of the
   * same sequence id takes its place, so the partner's sequence goes on without a gap.
   */
  void skipUndeliverable(String messageId) {
    OutboxEntry e = parked(messageId);
    SyncMessage m = e.message();
    if (m.kind() != MessageKind.PAIRED && m.partnerIssueKey() == null
        && m.sequenceId() == 1) {
      throw new IllegalStateException("message " + messageId + " would create the partner of "
          + m.sourceIssueKey() + ": without it the issue is never paired; retry it once the"
          + " partner takes it, or delete the sync information of " + m.sourceIssueKey());
    }
    SyncMessage empty = new SyncMessage(m.formatVersion(), m.messageId(), m.synchronizationId(),
        m.fromConnector(), m.toConnector(), m.sourceIssueKey(), m.partnerIssueKey(),
        m.sequenceId(), m.kind() == MessageKind.PAIRED ? MessageKind.PAIRED : MessageKind.CHANGE,
        m.issueType(), m.createdAt(), Map.of(), m.parentIssueKey(), m.seenSequenceId(),
        m.senderEpoch(), m.receiverEpoch(), m.partnerSince());
    stores.inTransaction(() -> {
      stores.messages().removeOutgoing(connector.key(), messageId);
      stores.messages().addOutgoing(empty, clock.millis());
    });
    log.info("{}: undeliverable message {} for {} skipped by an admin; its changes are not sent",
        connector.key(), messageId, m.sourceIssueKey());
  }

  private OutboxEntry parked(String messageId) {
    return stores.messages().outgoing(connector.key(), messageId)
        .filter(e -> e.notBefore() == UNDELIVERABLE)
        .orElseThrow(() -> new IllegalArgumentException("connector " + connector.key()
            + " has no undeliverable message with id " + messageId));
  }

  synchronized int deliver() {
    long now = clock.millis();
    if (!stores.leases().tryLease("deliver", connector.key(), settings.node(), now,
        now + settings.leaseDuration().toMillis())) {
      return 0; // another node delivers this connector's outbox now
    }
    try {
      return deliverHoldingLease(now);
    } finally {
      stores.leases().release("deliver", connector.key(), settings.node());
    }
  }

  private int deliverHoldingLease(long now) {
    List<OutboxEntry> due =
        stores.messages().dueOutgoing(connector.key(), now, settings.deliveryBatchSize());
    if (due.isEmpty()) {
      return 0;
    }
    List<SyncMessage> batch = new ArrayList<>(due.size());
    for (OutboxEntry e : due) {
      batch.add(e.message());
    }
    Set<String> acked;
    String failure = null;
    try {
      acked = transport.send(batch);
    } catch (RuntimeException e) {
      acked = Set.of();
      failure = "transport failed: " + e.getMessage();
      log.info("{}: delivery of {} messages failed, will retry: {}",
          connector.key(), batch.size(), e.toString());
    }
    List<OutboxEntry> done = new ArrayList<>();
    Map<String, String> refused = failure == null ? transport.undeliverable() : Map.of();
    for (OutboxEntry e : due) {
      String refusal = refused.get(e.message().messageId());
      if (acked.contains(e.message().messageId())) {
        done.add(e);
      } else if (refusal != null) {
        // parked until an admin retries or skips it; the other messages flow meanwhile
        String reason = "undeliverable: " + refusal;
        stores.messages().updateOutgoing(e.withFailedAttempt(UNDELIVERABLE, reason));
        log.warn("{}: message {} for {} is undeliverable; it waits for an admin: {}",
            connector.key(), e.message().messageId(), e.message().sourceIssueKey(), refusal);
        events.deliveryFailed(connector.key(), e.message(), reason);
      } else {
        String reason = failure != null ? failure : "not acknowledged by the partner";
        long next = now + settings.backoffMillis(e.attempts() + 1);
        stores.messages().updateOutgoing(e.withFailedAttempt(next, reason));
        events.deliveryFailed(connector.key(), e.message(), reason);
      }
    }
    // one round trip for the acknowledged ones, then their events
    List<String> ids = new ArrayList<>(done.size());
    for (OutboxEntry e : done) {
      ids.add(e.message().messageId());
    }
    stores.messages().removeOutgoing(connector.key(), ids);
    done.forEach(e -> events.sent(connector.key(), e.message()));
    return done.size();
  }
}
