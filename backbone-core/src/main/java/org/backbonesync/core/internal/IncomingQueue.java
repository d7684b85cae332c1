package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.PendingCreate;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.transport.MessageReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connector's incoming queue: stores arriving messages, then applies them strictly in sequence
 * order per issue pair, creating the issue when it is new.
 */
final class IncomingQueue implements MessageReceiver {
  private static final Logger log = LoggerFactory.getLogger(IncomingQueue.class);

  private final Connector connector;
  private final SyncConfiguration configuration;
  private final Stores stores;
  private final Clock clock;
  private final Events events;
  private final EngineSettings settings;
  private final Replies replies;
  private final ConflictResolver resolver;
  private final PartnerFinder finder;

  private final PairClaims pairs;

  /**
   * How the incoming side answers a message: the values it weighs against the partner's, the
   * outbox for what an apply decides (a pair made, a merge both must get), and the resender for
   * our issue whole to a partner row made again.
   */
  record Replies(IssueValues values, Outbox outbox, Resender resender) {}

  IncomingQueue(
      Connector connector,
      SyncConfiguration configuration,
      Stores stores,
      Clock clock,
      Events events,
      EngineSettings settings,
      Replies replies,
      PairClaims pairs) {
    this.pairs = pairs;
    this.connector = connector;
    this.configuration = configuration;
    this.stores = stores;
    this.clock = clock;
    this.events = events;
    this.settings = settings;
    this.replies = replies;
    this.resolver = new ConflictResolver(connector, configuration, replies.values(),
        settings.off(org.backbonesync.core.TestOnlySwitch.OLDEST_WINS));
    this.finder = new PartnerFinder(connector, stores, settings);
  }

  @Override
  public boolean receive(SyncMessage message) {
    return receiveAll(List.of(message)).contains(message.messageId());
  }

  @Override
  public Set<String> receiveAll(List<SyncMessage> messages) {
    messages.forEach(this::checkAddressed);
    Set<String> added = stores.messages().addIncoming(messages, clock.millis());
    Set<String> stored = new HashSet<>(2 * messages.size());
    for (SyncMessage message : messages) {
      if (added.contains(message.messageId())) {
        events.received(connector.key(), message);
      } else {
        log.debug("{}: message {} delivered again; already in the inbox",
            connector.key(), message.messageId());
        events.duplicate(connector.key(), message);
      }
      stored.add(message.messageId());
    }
    return stored;
  }

  private void checkAddressed(SyncMessage message) {
    if (!connector.syncId.equals(message.synchronizationId())
        || !connector.key().equals(message.toConnector())
        || !connector.partner.key().equals(message.fromConnector())) {
      throw new SyncException(
          "message " + message.messageId() + " from " + message.fromConnector() + " to "
              + message.toConnector() + " in synchronization " + message.synchronizationId()
              + " is not for connector " + connector.key() + " (synchronization "
              + connector.syncId + ", partner " + connector.partner.key() + ")",
          null, connector.key(), message.sourceIssueKey(), null);
    }
  }

  synchronized List<ApplyOutcome> apply() {
    List<ApplyOutcome> outcomes = new ArrayList<>();
    List<InboxEntry> heads =
        stores.messages().nextIncoming(connector.key(), clock.millis(), settings.applyBatchSize());
    finder.prefetch(heads);
    for (int from = 0; from < heads.size(); from += CLAIM_CHUNK) {
      List<String> issues = new ArrayList<>(CLAIM_CHUNK);
      for (InboxEntry head : heads.subList(from, Math.min(from + CLAIM_CHUNK, heads.size()))) {
        issues.add(head.message().sourceIssueKey());
      }
      // One node (and thread) at a time applies an issue pair's messages, so they stay in
      // order. Claimed a few pairs at a time: one commit for the claims and one for the
      // releases, not one each.
      Set<String> mine = pairs.claim(issues, clock.millis());
      try {
        for (String issue : issues) {
          if (mine.contains(issue)) {
            drain(issue, outcomes);
          }
        }
      } finally {
        pairs.release(mine);
      }
    }
    return outcomes;
  }

  /**
   * How many issue pairs an apply claims at once. Few enough that another node finds the next
   * ones free and that a chunk is applied well within a lease, many enough to share the commits.
   */
  private static final int CLAIM_CHUNK = 16;

  /** Applies the source issue's messages in sequence order until one cannot be applied now. */
  private void drain(String sourceIssueKey, List<ApplyOutcome> outcomes) {
    boolean progressed = false;
    while (true) {
      List<InboxEntry> entries = stores.messages().incomingFor(connector.key(), sourceIssueKey);
      if (entries.isEmpty()) {
        return;
      }
      InboxEntry entry = entries.get(0);
      long now = clock.millis();
      // An entry that only waited for its predecessor (no failed attempt) is due once that one
      // is applied; one that failed transiently waits for its backoff.
      boolean due = entry.notBefore() <= now || (progressed && entry.attempts() == 0);
      if (entry.status() == InboxEntry.Status.FAILED || !due) {
        return;
      }
      SyncMessage message = entry.message();
      // the message's issue and id on every line of its step, the failure's too
      Next next;
      try (LogContext step = LogContext.message(message.sourceIssueKey(), message.messageId())) {
        next = applyNext(entry, entries, now, outcomes);
      }
      if (next == Next.STOP) {
        return;
      }
      progressed |= next == Next.APPLIED;
    }
  }

  /** What became of a pair's next message. */
  private enum Next { APPLIED, DROPPED, STOP }

  /** Applies, drops or defers the pair's next message. */
  private Next applyNext(InboxEntry entry, List<InboxEntry> entries, long now,
      List<ApplyOutcome> outcomes) {
    SyncMessage message = entry.message();
    String sourceIssueKey = message.sourceIssueKey();
    ApplyOutcome outcome;
    try {
      Optional<SyncInfo> row = rowFor(message);
      if (row.isEmpty() && message.partnerIssueKey() != null && message.senderEpoch() != 0) {
        row = Optional.of(pairAgain(message, now));
      }
      long expected = 1;
      if (row.isPresent()) {
        PartnerRows.Verdict verdict = PartnerRows.judge(row.get(), message, entries);
        if (verdict.stale() != null) {
          if (verdict.learns()) {
            learn(row.get(), message, verdict.replaced());
          }
          drop(message, verdict.stale());
          outcomes.add(new ApplyOutcome.Duplicate(message));
          return Next.DROPPED;
        }
        if (verdict.learns()) {
          learn(row.get(), message, verdict.replaced());
        }
        expected = verdict.expected();
      }
      if (message.sequenceId() < expected
          && !settings.off(org.backbonesync.core.TestOnlySwitch.NO_DUPLICATE_CHECK)) {
        drop(message, (expected - 1) + " already applied");
        outcomes.add(new ApplyOutcome.Duplicate(message));
        return Next.DROPPED;
      }
      if (message.sequenceId() > expected) {
        outcomes.add(waitForGap(entry, expected, now));
        return Next.STOP;
      }
      if (row.isPresent() && row.get().incomingChangesIgnored()
          && message.kind() != MessageKind.PAIRED) { // (a PAIRED carries no change: it pairs)
        outcome = consumeIgnored(row.get(), message, now,
            "incoming changes of " + row.get().localIssueKey() + " are ignored");
      } else if (message.kind() == MessageKind.PAIRED) {
        outcome = applyPaired(row, message, now);
      } else {
        outcome = applyChange(row, message, now);
      }
    } catch (RetriableException e) {
      long next = now + e.retryAfter().map(d -> d.toMillis())
          .orElseGet(() -> settings.backoffMillis(entry.attempts() + 1));
      String reason = describe(e);
      stores.messages().updateIncoming(entry.withRetryAt(next, reason));
      log.info("{}: message {} for {} will be retried: {}",
          connector.key(), message.messageId(), sourceIssueKey, reason);
      events.failed(connector.key(), message, reason, false);
      outcomes.add(new ApplyOutcome.RetryLater(message, reason, next));
      return Next.STOP;
    } catch (RuntimeException e) {
      String reason = describe(e);
      stores.messages().updateIncoming(entry.withFailure(reason));
      log.warn("{}: message {} for {} failed; it and later messages of the issue wait: {}",
          connector.key(), message.messageId(), sourceIssueKey, reason, e);
      events.failed(connector.key(), message, reason, true);
      outcomes.add(new ApplyOutcome.Failed(message, reason));
      return Next.STOP;
    }
    outcomes.add(outcome);
    return Next.APPLIED;
  }

  /** The failure of a message whose local issue is gone. */
  private SyncException gone(String localKey) {
    return new SyncException(localKey + " no longer exists in " + connector.key(), null,
        connector.key(), localKey, null);
  }

  /** Drops a message unapplied, with why. */
  private void drop(SyncMessage message, String why) {
    stores.messages().removeIncoming(connector.key(), message.messageId());
    log.debug("{}: dropped message {} with sequence id {}: {}",
        connector.key(), message.messageId(), message.sequenceId(), why);
    events.duplicate(connector.key(), message);
  }

  /**
   * Talks with the message's sender row from now on. When it replaces the partner row we talked
   * with (deleted there, or its store lost), it knows nothing of our issue: send it whole.
   */
  private void learn(SyncInfo row, SyncMessage message, boolean replaced) {
    long sender = message.senderEpoch();
    UnaryOperator<SyncInfo> talk = current -> current.partnerEpoch() == 0
        || sender > current.partnerEpoch() ? current.withPartnerRow(sender, replaced) : current;
    Optional<TrackedIssue> issue =
        replaced ? connector.tracker.issue(row.localIssueKey()) : Optional.empty();
    if (issue.isPresent()) {
      log.info("{}: the row of {} at {} was made again; sending {} whole",
          connector.key(), message.sourceIssueKey(), connector.partner.key(),
          row.localIssueKey());
      replies.resender().sendWhole(issue.get(), row.id(),
          () -> talk.apply(connector.lockRow(stores, row.id())));
    } else {
      stores.inTransaction(() -> {
        stores.syncInfo().update(talk.apply(connector.lockRow(stores, row.id())));
      });
    }
  }

  /**
   * Makes our row again for a pair the partner names (ours was deleted or lost) and sends our
   * issue whole, so that the partner learns of the row; the partner's messages for the row
   * before are not applied (see {@link PartnerRows}).
   */
  private SyncInfo pairAgain(SyncMessage message, long now) {
    String local = finder.existing(message);
    TrackedIssue issue = connector.tracker.issue(local).orElseThrow(() -> gone(local));
    long[] id = new long[1];
    replies.resender().sendWhole(issue, 0, () -> {
      SyncInfo made = stores.syncInfo().insert(SyncInfo.newPair(
          connector.key(), local, message.sourceIssueKey(), now))
          .withPartnerRow(message.senderEpoch(), false);
      id[0] = made.id();
      return made;
    });
    log.info("{}: {} names {} as the partner of {}; paired them again",
        connector.key(), connector.partner.key(), local, message.sourceIssueKey());
    return stores.syncInfo().findById(connector.key(), id[0]).orElseThrow();
  }

  /**
   * The row of the pair a message belongs to: by its source issue as our remote key; or, when
   * the partner names our issue, the row of that issue still waiting for its remote key; empty
   * when we have neither (see {@link PartnerFinder}).
   */
  private Optional<SyncInfo> rowFor(SyncMessage message) {
    Optional<SyncInfo> byRemote =
        stores.syncInfo().findByRemoteKey(connector.key(), message.sourceIssueKey());
    if (byRemote.isPresent() || message.partnerIssueKey() == null) {
      return byRemote;
    }
    Optional<SyncInfo> byLocal =
        stores.syncInfo().findByLocalKey(connector.key(), message.partnerIssueKey());
    if (byLocal.isPresent() && byLocal.get().remoteIssueKey() != null) {
      throw new SyncException(
          connector.partner.key() + " says " + message.sourceIssueKey() + " is the partner of "
              + message.partnerIssueKey() + ", but that issue is paired with "
              + byLocal.get().remoteIssueKey(),
          null, connector.key(), message.partnerIssueKey(), null);
    }
    return byLocal;
  }

  private ApplyOutcome waitForGap(InboxEntry entry, long expected, long now) {
    SyncMessage message = entry.message();
    if (now - entry.receivedAt() >= settings.gapTimeout().toMillis()) {
      String reason =
          "sequence id " + expected + " of " + message.sourceIssueKey() + " never arrived;"
              + " waited since " + Instant.ofEpochMilli(entry.receivedAt())
              + " with sequence id " + message.sequenceId();
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

  /** Consumes a message without touching the issue, moving the pair's sequence on. */
  private ApplyOutcome consumeIgnored(SyncInfo row, SyncMessage message, long now, String reason) {
    stores.inTransaction(
        () -> {
          SyncInfo current = connector.lockRow(stores, row.id());
          stores.syncInfo().update(current.withReceived(message.sequenceId(), now));
          stores.messages().removeIncoming(connector.key(), message.messageId());
        });
    log.debug("{}: ignored message {} for {}: {}",
        connector.key(), message.messageId(), row.localIssueKey(), reason);
    events.ignored(connector.key(), message, reason);
    return new ApplyOutcome.Ignored(message, row.localIssueKey(), reason);
  }

  private ApplyOutcome applyPaired(Optional<SyncInfo> row, SyncMessage message, long now) {
    SyncInfo info =
        row.orElseThrow(
            () -> new SyncException(
                "PAIRED message " + message.messageId() + " names no issue of connector "
                    + connector.key(),
                null, connector.key(), message.sourceIssueKey(), null));
    stores.inTransaction(
        () -> {
          stores.syncInfo().update(
              connector.lockRow(stores, info.id()).withRemoteIssueKey(message.sourceIssueKey())
                  .withReceived(message.sequenceId(), now));
          stores.messages().removeIncoming(connector.key(), message.messageId());
        });
    events.applied(connector.key(), message, info.localIssueKey(), false);
    return new ApplyOutcome.Applied(message, info.localIssueKey(), false);
  }

  private ApplyOutcome applyChange(Optional<SyncInfo> row, SyncMessage message, long now) {
    for (String id : message.fields().keySet()) {
      boolean comments = id.equals(connector.commentsId) && connector.commentsIn != null;
      boolean files = id.equals(connector.attachmentsId) && connector.attachmentsIn != null;
      if (!comments && !files && !connector.incoming.containsKey(id)) {
        throw new SyncException(
            configuration.fieldMapping(id).isPresent()
                ? "field mapping " + id + " does not sync towards connector " + connector.key()
                : "unknown field mapping id " + id + " in message " + message.messageId(),
            null, connector.key(), message.sourceIssueKey(), id);
      }
    }
    boolean created = false;
    Supplier<Paired> repairing = null;
    long rowId;
    String localKey;
    CollectedUpdates update;
    ConflictResolver.Resolution resolution = null;
    TrackedIssue localIssue = null;
    Supplier<Optional<TrackedIssue>> readBefore = null;
    Map<String, FieldValue> applied = message.fields();
    if (row.isPresent()) {
      rowId = row.get().id();
      localKey = row.get().localIssueKey();
      String incomingJql = connector.config.incomingJql();
      if (incomingJql != null && !connector.tracker.matches(localKey, incomingJql)) {
        return consumeIgnored(row.get(), message, now,
            localKey + " does not match the incoming JQL \"" + incomingJql + "\"");
      }
      Supplier<Optional<TrackedIssue>> issue = Context.once(() -> connector.tracker.issue(localKey));
      readBefore = issue;
      if (resolver.needsLocalIssue(message)) {
        TrackedIssue local = issue.get().orElseThrow(() -> gone(localKey));
        resolution = resolver.resolve(row.get(), message, local,
            stores.syncInfo().syncedValues(rowId), stores.syncInfo().pendingChanges(rowId), now);
        localIssue = local;
        applied = resolution.apply();
      }
      update = importAll(message, applied, null, issue, null, false);
    } else {
      String found = finder.existing(message);
      if (found != null) {
        // Paired before (a row lost or deleted, or a crash between our create and recording
        // it): take the issue, and apply what no person changed here since. With no row, every
        // person's change in the issue's history counts as not sent, and the newer wins.
        localKey = found;
        Supplier<Optional<TrackedIssue>> issue = Context.once(() -> connector.tracker.issue(found));
        readBefore = issue;
        if (resolver.needsLocalIssue(message)) {
          TrackedIssue local = issue.get().orElseThrow(() -> gone(found));
          SyncInfo none = new SyncInfo(0, connector.key(), found, message.sourceIssueKey(), now,
              0, 0, 0, 0, 0, false);
          resolution = resolver.resolve(none, message, local, Map.of(), Map.of(), now);
          localIssue = local;
          applied = resolution.apply();
        }
        update = importAll(message, applied, null, issue, null, true);
        log.info("{}: found {}, paired with {} before; not creating it again",
            connector.key(), found, message.sourceIssueKey());
      } else {
        Created made = create(message, connector.originMarker(message.sourceIssueKey()), now);
        localKey = made.key();
        created = true;
        Supplier<Optional<TrackedIssue>> issue =
            Context.once(() -> connector.tracker.issue(made.key()));
        update = importAll(message, applied, null, issue, made.screen(), true);
      }
      if (!connector.inProject(localKey)) {
        throw new SyncException(
            "tracker created " + localKey + " outside project " + connector.config.projectKey(),
            null, connector.key(), localKey, null);
      }
      String newKey = localKey;
      // (an issue found after a crash between our create and recording it is a new pair)
      boolean repaired = !created && stores.syncInfo()
          .pendingCreate(connector.key(), message.sourceIssueKey()).isEmpty();
      boolean named = message.partnerIssueKey() != null;
      Supplier<Paired> pair =
              () -> {
                SyncInfo inserted =
                    stores.syncInfo()
                        .insert(SyncInfo.newPair(
                            connector.key(), newKey, message.sourceIssueKey(), now));
                if (message.senderEpoch() != 0) {
                  inserted = inserted.withPartnerRow(message.senderEpoch(), false);
                  stores.syncInfo().update(inserted);
                }
                stores.syncInfo().removePendingCreate(connector.key(), message.sourceIssueKey());
                if (named) {
                  // (a message of format version 1, whose sender knows the pair: go on from the
                  // last of our messages it applied)
                  stores.syncInfo().update(inserted.withSent(message.seenSequenceId(), 0));
                  return new Paired(inserted.id(), null);
                }
                // A row made again over an issue paired before cannot tell which of the
                // partner's messages the row before applied: answering "seen none" gets the
                // partner's issue whole, and the partner counts for this row from there.
                return new Paired(inserted.id(),
                    replies.outbox().appendPaired(inserted, repaired ? 0 : message.sequenceId(), now));
              };
      if (repaired) {
        // recorded with the message's outcome: until then a retry finds the issue again
        repairing = pair;
        rowId = 0;
      } else {
        Paired paired = stores.inTransaction(pair);
        if (paired.message() != null) {
          events.queued(connector.key(), paired.message());
        }
        rowId = paired.rowId();
      }
    }
    if (!update.fields().isEmpty()) {
      connector.tracker.updateIssue(localKey, update.fields());
    }
    if (update.move() != null) {
      // the status as read before the update (a PUT cannot change it), else read now
      StatusMover.move(connector.tracker, localKey, update.move(), readBefore);
    }
    if (!update.links().isEmpty()) {
      link(localKey, update.links());
    }
    FieldValue commentOps =
        connector.commentsIn == null ? null : message.fields().get(connector.commentsId);
    CommentSync.LinkChanges links = commentOps == null ? null
        : connector.commentsIn.apply(localKey, commentOps.value(),
            rowId == 0 ? List.of() : stores.syncInfo().commentLinks(rowId), created);
    FieldValue fileOps =
        connector.attachmentsIn == null ? null : message.fields().get(connector.attachmentsId);
    AttachmentSync.LinkChanges fileLinks = fileOps == null ? null
        : connector.attachmentsIn.apply(localKey, fileOps.value(),
            rowId == 0 ? List.of() : stores.syncInfo().attachmentLinks(rowId), created);
    long[] rowOf = {rowId};
    Supplier<Paired> makeRow = repairing;
    List<SyncMessage> queued = new ArrayList<>();
    Map<String, FieldValue> appliedValues = applied;
    ConflictResolver.Resolution settled = resolution;
    TrackedIssue decidedOn = localIssue;
    List<ConflictRecord> recorded = new ArrayList<>();
    Supplier<SyncMessage> record =
        () -> {
          long id = rowOf[0];
          SyncInfo current = connector.lockRow(stores, id);
          SyncInfo done =
              (current.remoteIssueKey() == null
                      ? current.withRemoteIssueKey(message.sourceIssueKey())
                      : current)
                  .withReceived(message.sequenceId(), now);
          stores.syncInfo().update(done);
          Map<String, JsonNode> received = Outbox.values(appliedValues, connector);
          // Links name issues by the sender's keys: the last value sent stays the comparison.
          received.keySet().removeAll(connector.addOnly);
          // A row made here went with our issue whole, as it is after this message: that is
          // what the partner ends with, its synced values and pending changes stay.
          boolean wholeSent = makeRow != null;
          if (!wholeSent) {
            stores.syncInfo().putSyncedValues(id, received);
          }
          SyncMessage back = null;
          if (settled != null) {
            settled.records().forEach(r -> recorded.add(stores.conflicts().add(r)));
          }
          if (settled != null && !wholeSent) {
            stores.syncInfo().putSyncedValues(id, settled.partnerValues());
            settled.settled().forEach(f -> stores.syncInfo().removePendingChange(id, f));
            if (!settled.sendBack().isEmpty()) {
              back = replies.outbox().send(done,
                  Outbox.Draft.of(decidedOn, MessageKind.CHANGE, settled.sendBack()), now);
            }
          }
          if (links != null) {
            links.applyTo(stores.syncInfo(), id);
          }
          if (fileLinks != null) {
            fileLinks.applyTo(stores.syncInfo(), id);
          }
          stores.messages().removeIncoming(connector.key(), message.messageId());
          return back;
        };
    if (makeRow != null) {
      // Our issue goes whole with the row, so that the partner deletes its copies of comments
      // and files deleted here while no row knew of them. Like the PAIRED, it says it saw none
      // of the partner's messages: the message is marked applied after (a crash between applies
      // it again to the row).
      String key = localKey;
      TrackedIssue after = connector.tracker.issue(key).orElseThrow(() -> gone(key));
      replies.resender().sendWhole(after, 0, () -> {
        Paired made = makeRow.get();
        rowOf[0] = made.rowId();
        queued.add(made.message());
        return connector.lockRow(stores, made.rowId());
      });
      queued.stream().filter(java.util.Objects::nonNull)
          .forEach(m -> events.queued(connector.key(), m));
    }
    SyncMessage sentBack = stores.inTransaction(record::get);
    recorded.forEach(r -> events.conflict(connector.key(), r));
    if (sentBack != null) {
      events.queued(connector.key(), sentBack);
    }
    events.applied(connector.key(), message, localKey, created);
    return new ApplyOutcome.Applied(message, localKey, created);
  }

  /** Makes the links asked for that do not exist yet. */
  private void link(String localKey, List<CollectedUpdates.Link> wanted) {
    List<org.backbonesync.spi.tracker.IssueLink> existing = connector.tracker.links(localKey);
    for (CollectedUpdates.Link l : wanted) {
      String outward = l.outward() ? localKey : l.otherIssueKey();
      String inward = l.outward() ? l.otherIssueKey() : localKey;
      boolean present = existing.stream().anyMatch(e -> e.type().equals(l.type())
          && e.outwardIssue().equals(outward) && e.inwardIssue().equals(inward));
      if (!present) {
        connector.tracker.createLink(l.type(), outward, inward);
      }
    }
  }

  /** The row recorded for a new pair, and the PAIRED message that tells the partner. */
  private record Paired(long rowId, SyncMessage message) {}

  /** An issue just created, and the create screen it was created through. */
  private record Created(String key, CreateMetadata screen) {}

  /**
   * Creates the issue with the mappings whose target fields are all on the create screen; the
   * pending create is committed first, so that a crash after the tracker's create is recoverable.
   */
  private Created create(SyncMessage message, String marker, long now) {
    if (message.issueType() == null) {
      throw new SyncException(
          "message " + message.messageId() + " would create an issue but names no issue type",
          null, connector.key(), message.sourceIssueKey(), null);
    }
    String type = configuration.targetIssueType(connector.key(), message.issueType());
    String parent = null;
    if (message.parentIssueKey() != null) {
      parent = stores.syncInfo().findByRemoteKey(connector.key(), message.parentIssueKey())
          .map(SyncInfo::localIssueKey)
          .orElseThrow(() -> new RetriableException("parent " + message.parentIssueKey() + " of "
              + message.sourceIssueKey() + " is not synced to " + connector.key()
              + " yet; the sub-task waits for it", null));
    }
    CreateMetadata screen = connector.tracker.createMetadata(type);
    Map<String, JsonNode> fields =
        importAll(message, message.fields(), screen, () -> Optional.empty(), null, true).fields();
    if (parent != null) {
      fields.put("parent", JsonNodeFactory.instance.textNode(parent));
    }
    stores.syncInfo().putPendingCreate(
        new PendingCreate(connector.key(), message.sourceIssueKey(), marker, now));
    String key = connector.tracker.createIssue(new IssueCreate(type, fields, marker));
    return new Created(key, screen);
  }

  /**
   * Runs the incoming mappings of a message.
   *
   * @param onlyOnScreen when not null, only the mappings whose target fields are all on this
   *     create screen
   * @param notOnScreen when not null, only the mappings that are not all on this create screen
   * @param creating whether the message is creating the issue
   */
  private CollectedUpdates importAll(
      SyncMessage message,
      Map<String, FieldValue> values,
      CreateMetadata onlyOnScreen,
      Supplier<Optional<TrackedIssue>> issue,
      CreateMetadata notOnScreen,
      boolean creating) {
    CollectedUpdates collected = new CollectedUpdates();
    for (Map.Entry<String, FieldValue> e : values.entrySet()) {
      String id = e.getKey();
      Connector.Incoming incoming = connector.incoming.get(id);
      if (incoming == null) {
        continue; // comments and attachments: applied after the fields, by their own sync
      }
      IncomingFieldMapping mapping = incoming.mapping();
      Set<String> targets = mapping.targetFields();
      if (onlyOnScreen != null && !inCreate(incoming, onlyOnScreen)) {
        continue;
      }
      if (notOnScreen != null && inCreate(incoming, notOnScreen)) {
        continue;
      }
      FieldUpdates updates = collected.forMapping(id, targets);
      try {
        mapping.importValue(
            e.getValue().value(), updates, new Context(connector, id, issue, creating));
      } catch (SyncException ex) {
        throw ex;
      } catch (RuntimeException ex) {
        throw new SyncException(
            "incoming field mapping " + id + " failed on value " + e.getValue().value() + ": "
                + ex.getMessage(),
            ex, connector.key(), message.sourceIssueKey(), id);
      }
    }
    return collected;
  }

  private static boolean inCreate(Connector.Incoming incoming, CreateMetadata screen) {
    return incoming.builtIn() && screen.fields().containsAll(incoming.mapping().targetFields());
  }

  private static String describe(RuntimeException e) {
    String text = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    if (e instanceof TrackerException te && !te.fieldErrors().isEmpty()) {
      text += " " + te.fieldErrors();
    }
    return text;
  }

  void retry(String messageId) {
    InboxEntry entry = failed(messageId);
    stores.messages().updateIncoming(entry.withRetryRequested(clock.millis()));
    events.retried(connector.key(), entry.message());
  }

  void skip(String messageId) {
    InboxEntry entry = failed(messageId);
    SyncMessage message = entry.message();
    long now = clock.millis();
    stores.inTransaction(
        () -> {
          Optional<SyncInfo> row =
              stores.syncInfo().findByRemoteKey(connector.key(), message.sourceIssueKey());
          if (row.isPresent()) {
            SyncInfo current = connector.lockRow(stores, row.get().id());
            if (current.incomingMessageSequenceId() < message.sequenceId()) {
              stores.syncInfo().update(current.withReceived(message.sequenceId(), now));
            }
          }
          stores.messages().removeIncoming(connector.key(), messageId);
        });
    log.info("{}: message {} for {} skipped by an admin",
        connector.key(), messageId, message.sourceIssueKey());
    events.skipped(connector.key(), message);
  }

  private InboxEntry failed(String messageId) {
    return stores.messages().incoming(connector.key(), messageId)
        .filter(e -> e.status() == InboxEntry.Status.FAILED)
        .orElseThrow(() -> new IllegalArgumentException(
            "connector " + connector.key() + " has no failed message with id " + messageId));
  }
}
