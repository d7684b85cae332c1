package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.IssueLink;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one change message of the partner to the local issue: finds the issue (the pair's row,
 * or an issue paired before found by its origin marker) or creates it through the create screen
 * with our origin marker; resolves each field against people's changes here ({@link
 * ConflictResolver}); writes the issue, its links, comments and attachments; then has the
 * {@link OutcomeRecorder} record the outcome (what the partner has now, conflicts, what goes
 * back) in the {@link GroupCommit} of the pairs applied with it. The {@link IncomingQueue}
 * decides which message comes next.
 */
final class Applier {
  private static final Logger log = LoggerFactory.getLogger(Applier.class);

  private final Connector connector;
  private final SyncConfiguration configuration;
  private final Stores stores;
  private final Events events;
  private final IncomingQueue.Replies replies;
  private final ConflictResolver resolver;
  private final PartnerFinder finder;
  private final IncomingMappings mappings;
  private final IssueCreator creator;
  private final OutcomeRecorder outcomes;
  private final ReusedKeys reusedKeys;

  /** The last synced values and pending changes of the round's rows, read at once. */
  private final RowValues values;

  /**
   * @param values the last synced values and pending changes the resolver weighs, as read at
   *     once for the round's rows
   * @param group where each apply's outcome is recorded, together with other pairs' at its
   *     next commit
   * @param recordFailed told of a message whose outcome could not be recorded (nothing of it
   *     was: it stays in the inbox)
   * @param clock stamps a row's last incoming change when its issue is written
   * @param reusedKeys frees a key a restored site gave again from the lost issue's pair
   */
  Applier(Connector connector, SyncConfiguration configuration, Stores stores, Events events,
      IncomingQueue.Replies replies, ConflictResolver resolver, PartnerFinder finder,
      RowValues values, GroupCommit group,
      BiConsumer<SyncMessage, RuntimeException> recordFailed, Clock clock,
      ReusedKeys reusedKeys) {
    this.connector = connector;
    this.configuration = configuration;
    this.stores = stores;
    this.events = events;
    this.replies = replies;
    this.resolver = resolver;
    this.finder = finder;
    this.mappings = new IncomingMappings(connector);
    this.creator = new IssueCreator(connector, configuration, stores, mappings);
    this.outcomes = new OutcomeRecorder(connector, stores, replies.outbox(), events, group,
        recordFailed, clock);
    this.values = values;
    this.reusedKeys = reusedKeys;
  }

  /** Refuses a message with a field mapping that does not sync towards this connector. */
  void check(SyncMessage message) {
    for (String id : message.fields().keySet()) {
      if (!connector.incoming.containsKey(id)) {
        throw notTowards(message, id);
      }
    }
    for (String id : message.content().keySet()) {
      if (!connector.flowsIn.containsKey(id)) {
        throw notTowards(message, id);
      }
    }
  }

  private SyncException notTowards(SyncMessage message, String id) {
    return new SyncException(
        configuration.fieldMapping(id).isPresent()
            ? "field mapping " + id + " does not sync towards connector " + connector.key()
            : "unknown field mapping id " + id + " in message " + message.messageId(),
        null, connector.key(), message.sourceIssueKey(), id);
  }

  /**
   * Applies a checked change message to the pair's issue, or to a new or found one; its outcome
   * is recorded at the group's next commit.
   */
  ApplyOutcome apply(Optional<SyncInfo> row, SyncMessage message, long now) {
    ApplyTarget target =
        row.isPresent() ? onRow(row.get(), message, now) : withoutRow(message, now);
    List<ContentFlow.Links> content = write(target, message);
    long[] rowOf = {target.rowId()};
    if (target.makeRow() != null) {
      rowOf[0] = sendWholeWithRow(target, content);
    }
    outcomes.recordWithGroup(rowOf[0], target, content, message, now);
    return new ApplyOutcome.Applied(message, target.localKey(), target.created());
  }

  /**
   * The row's issue, each field resolved against people's changes: since the last sync, or, for
   * a row not recorded yet (id 0: an issue found by its marker), in its whole history.
   */
  private ApplyTarget onRow(SyncInfo row, SyncMessage message, long now) {
    boolean recorded = row.id() != 0;
    String localKey = row.localIssueKey();
    Supplier<Optional<TrackedIssue>> issue = Context.once(() -> connector.tracker.issue(localKey));
    if (recorded) {
      checkPaired(row, issue.get());
    }
    ConflictResolver.Resolution resolution = null;
    TrackedIssue local = null;
    Map<String, FieldValue> applied = message.fields();
    if (resolver.needsLocalIssue(message)) {
      local = issue.get().orElseThrow(() -> connector.gone(localKey));
      resolution = resolver.resolve(row, message, local,
          recorded ? values.synced(row.id()) : Map.of(),
          recorded ? values.pending(row.id()) : Map.of(),
          Context.once(() -> recorded ? values.skipped(row.id()) : Map.of()),
          now);
      applied = resolution.apply();
    }
    return new ApplyTarget(localKey, row.id(), false, null, resolution, local, issue, applied,
        mappings.importAll(message, applied, null, issue, null, !recorded));
  }

  /**
   * Checks that a recorded row's issue is still the pair's: there under its key, not another
   * issue made under it since, and in the connector's JQL. What {@link GoneIssues#applyOrUnlink}
   * unlinks a pair for is thrown.
   *
   * @param issue the issue as the tracker reads it under the row's key
   */
  void checkPaired(SyncInfo row, Optional<TrackedIssue> issue) {
    String localKey = row.localIssueKey();
    stillThere(localKey, issue);
    if (GoneIssues.replaced(row, issue.get())) {
      throw new GoneIssues.Replaced(connector.key(), localKey);
    }
    if (GoneIssues.leftScope(connector, issue.get())) {
      throw new GoneIssues.LeftScope(connector.key(), localKey, connector.config.jql());
    }
  }

  /**
   * Checks that the pair's issue is still there under its key before anything is written to it:
   * a tracker follows a moved issue's old key to wherever it went, another project too. (The
   * caller then checks that it is still in the connector's JQL.)
   *
   * @throws GoneIssues.KeyChanged when it has another key now
   * @throws SyncException when it is gone
   */
  private void stillThere(String localKey, Optional<TrackedIssue> issue) {
    if (issue.isEmpty()) {
      throw connector.gone(localKey);
    }
    if (!issue.get().key().equals(localKey)) {
      throw new GoneIssues.KeyChanged(connector.key(), localKey, issue.get().key());
    }
  }

  /** The issue found by its marker (paired before), else a new one; then the pair's row. */
  private ApplyTarget withoutRow(SyncMessage message, long now) {
    String found = finder.existing(message);
    ApplyTarget target = found != null ? found(found, message, now) : created(message, now);
    if (!connector.inProject(target.localKey())) {
      throw new SyncException(
          "tracker created " + target.localKey() + " outside project "
              + connector.config.projectKey(), null, connector.key(), target.localKey(), null);
    }
    // (an issue found after a crash between our create and recording it is a new pair)
    boolean repaired = !target.created() && stores.syncInfo()
        .pendingCreate(connector.key(), message.sourceIssueKey()).isEmpty();
    Supplier<ApplyTarget.Paired> pair = () -> pair(target.localKey(), message, repaired, now);
    if (repaired) {
      // recorded with the message's outcome: until then a retry finds the issue again
      return target.withRow(0, false, pair);
    }
    ApplyTarget.Paired paired = stores.inTransaction(pair);
    if (paired.message() != null) {
      replies.outbox().committed(paired.message());
    }
    return target.withRow(paired.rowId(), target.created(), null);
  }

  /**
   * An issue paired before (a row lost or deleted, or a crash between our create and recording
   * it): take it, and apply what no person changed here since. With no row, every person's
   * change in the issue's history counts as not sent, and the newer wins.
   */
  private ApplyTarget found(String found, SyncMessage message, long now) {
    SyncInfo none = new SyncInfo(0, connector.key(), found, message.sourceIssueKey(), now,
        0, 0, 0, 0, 0, false);
    ApplyTarget target = onRow(none, message, now);
    log.info("{}: found {}, paired with {} before; not creating it again",
        connector.key(), found, message.sourceIssueKey());
    return target;
  }

  /** A new issue, created through the create screen; the rest is applied after. */
  private ApplyTarget created(SyncMessage message, long now) {
    IssueCreator.Created made =
        creator.create(message, connector.originMarker(message.sourceIssueKey()), now);
    Supplier<Optional<TrackedIssue>> issue =
        Context.once(() -> connector.tracker.issue(made.key()));
    return new ApplyTarget(made.key(), 0, true, null, null, null, null, message.fields(),
        mappings.importAll(message, message.fields(), null, issue, made.screen(), true));
  }

  /**
   * Records the new pair's row, taking its key from a pair lost in a restore of the site ({@link
   * ReusedKeys}); call inside a transaction.
   */
  private ApplyTarget.Paired pair(String localKey, SyncMessage message, boolean repaired,
      long now) {
    reusedKeys.freeLocalKey(localKey, message);
    SyncInfo inserted = replies.resender().insertNew(localKey, message.sourceIssueKey(), now);
    if (message.senderEpoch() != 0) {
      inserted = inserted.withPartnerRow(message.senderEpoch(), false);
      if (message.sequenceId() > 1) {
        // made by the issue sent whole after a gap (PairOrder): the messages before it are
        // duplicates, and it is next in order should its outcome not be recorded (the rest of
        // it fails, a crash): else the pair would wait for the gap for good
        inserted = inserted.withReceived(message.sequenceId() - 1, inserted.lastIncomingChange());
      }
      stores.syncInfo().update(inserted);
    }
    stores.syncInfo().removePendingCreate(connector.key(), message.sourceIssueKey());
    if (message.partnerIssueKey() != null) {
      // (a message of format version 1, whose sender knows the pair: go on from the last of
      // our messages it applied)
      stores.syncInfo().update(inserted.withSent(message.seenSequenceId(), 0));
      return new ApplyTarget.Paired(inserted.id(), null);
    }
    // A row made again over an issue paired before cannot tell which of the partner's messages
    // the row before applied: answering "seen none" gets the partner's issue whole, and the
    // partner counts for this row from there.
    return new ApplyTarget.Paired(inserted.id(),
        replies.outbox().appendPaired(inserted, repaired ? 0 : message.sequenceId(), now));
  }

  /**
   * Writes the message to the issue: fields, status, links, then each content flow's operations.
   *
   * @return the content flows' link changes, to record with the outcome
   */
  private List<ContentFlow.Links> write(ApplyTarget target, SyncMessage message) {
    String localKey = target.localKey();
    CollectedUpdates update = target.update();
    Map<String, JsonNode> fields = unwritten(target);
    if (!fields.isEmpty()) {
      connector.tracker.updateIssue(localKey, fields, update.documents());
    }
    if (update.move() != null) {
      // the status as read before the update (a PUT cannot change it), else read now
      StatusMover.move(connector.tracker, localKey, update.move(), target.readBefore());
    }
    if (!update.links().isEmpty()) {
      link(localKey, update.links());
    }
    if (connector.flowsIn.isEmpty()) {
      return List.of();
    }
    List<ContentFlow.Links> links = new ArrayList<>();
    for (ContentFlow flow : connector.flowsIn.values()) {
      JsonNode ops = message.content().get(flow.id());
      if (ops != null) {
        links.add(flow.apply(localKey, ops, stores.syncInfo(), target.rowId(),
            target.created()));
      }
    }
    return links;
  }

  /**
   * The fields to write: the update's, less those the issue as read for this message has already
   * (the same JSON, no rich-text document beside it). A whole sent to a pair made again mostly
   * carries what the issue has: a lost store re-pairs every issue with a whole each way and one
   * back, each a {@code PUT} of nothing new before (a request under the site's pacing). A field
   * the read has not is empty ({@link TrackedIssue#field}), as the conflict resolution takes it.
   */
  private static Map<String, JsonNode> unwritten(ApplyTarget target) {
    Map<String, JsonNode> fields = target.update().fields();
    TrackedIssue read = target.decidedOn() != null ? target.decidedOn()
        : target.readBefore() == null ? null
        : Context.ifRead(target.readBefore()).flatMap(i -> i).orElse(null);
    if (read == null || fields.isEmpty()) {
      return fields;
    }
    Map<String, JsonNode> left = new LinkedHashMap<>();
    fields.forEach((field, value) -> {
      JsonNode now = read.field(field);
      boolean same = now.isNull() ? value == null || value.isNull() : now.equals(value);
      if (!same || target.update().documents().containsKey(field)) {
        left.put(field, value);
      }
    });
    return left.size() == fields.size() ? fields : left;
  }

  /**
   * Makes the pair's row for an issue found by its marker, with our issue whole, so that the
   * partner deletes its copies of comments and files deleted here while no row knew of them.
   * Like the PAIRED, it says it saw none of the partner's messages: the message is marked
   * applied after (a crash between applies it again to the row).
   *
   * The issue links the message made are paired first: the whole names them by the partner's
   * ids, so that the partner does not make again one it removed meanwhile. A value the message
   * just wrote over a person's change here, winning by its later time, goes with (just before)
   * that time, not as the sync user's: with time 0 the partner's older value won it back there,
   * so both sides ended on a third value, neither the later nor this person's (simulation seeds
   * 705660152 and 67444838, B's clock behind A's; {@link IssueValues#whole}).
   *
   * @return the row's id
   */
  private long sendWholeWithRow(ApplyTarget target, List<ContentFlow.Links> content) {
    String key = target.localKey();
    if (content.stream().anyMatch(l -> !l.isEmpty())) {
      stores.inTransaction(() -> content.forEach(l -> l.applyShared(stores.syncInfo())));
    }
    TrackedIssue after =
        connector.tracker.issue(key).orElseThrow(() -> connector.gone(key));
    long[] rowId = new long[1];
    List<SyncMessage> queued = new ArrayList<>();
    replies.resender().sendWhole(after, 0, wonHere(target), () -> {
      ApplyTarget.Paired made = target.makeRow().get();
      rowId[0] = made.rowId();
      queued.add(made.message());
      return connector.lockRow(stores, made.rowId());
    });
    queued.stream().filter(Objects::nonNull).forEach(replies.outbox()::committed);
    return rowId[0];
  }

  /**
   * The message's values that won a conflict with a person's change here, by mapping id. Only
   * those: a value applied with no change here to weigh against goes back as the sync user's,
   * time 0, or its echo would tie with a newer change the partner made in the same millisecond,
   * and win it on A's side (simulation seeds 700318301, 400278690).
   */
  private static Map<String, FieldValue> wonHere(ApplyTarget target) {
    if (target.resolution() == null) {
      return Map.of();
    }
    Map<String, FieldValue> won = new HashMap<>();
    for (ConflictRecord r : target.resolution().records()) {
      FieldValue applied = target.applied().get(r.fieldMappingId());
      if (r.winner() == ConflictRecord.Winner.REMOTE && applied != null) {
        won.put(r.fieldMappingId(), applied);
      }
    }
    return won;
  }

  /** Makes the links asked for that do not exist yet. */
  private void link(String localKey, List<CollectedUpdates.Link> wanted) {
    List<IssueLink> existing = connector.tracker.links(localKey);
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
}
