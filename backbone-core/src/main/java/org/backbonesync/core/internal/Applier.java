package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageKind;
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
 * ConflictResolver}); writes the issue, its links, comments and attachments; then records the
 * outcome in one transaction (what the partner has now, conflicts, what goes back). The {@link
 * IncomingQueue} decides which message comes next.
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

  Applier(Connector connector, SyncConfiguration configuration, Stores stores, Events events,
      IncomingQueue.Replies replies, ConflictResolver resolver, PartnerFinder finder) {
    this.connector = connector;
    this.configuration = configuration;
    this.stores = stores;
    this.events = events;
    this.replies = replies;
    this.resolver = resolver;
    this.finder = finder;
    this.mappings = new IncomingMappings(connector);
    this.creator = new IssueCreator(connector, configuration, stores, mappings);
  }

  /**
   * The local issue a message is applied to, and what is applied.
   *
   * @param localKey the local issue
   * @param rowId the pair's row; 0 while it is made with the outcome ({@code makeRow})
   * @param created whether the issue was created for this message
   * @param makeRow makes the pair's row with the outcome (an issue paired before, found by its
   *     marker: the row goes with our issue whole); null when the row exists
   * @param resolution the conflict resolution, or null when no field needed one
   * @param decidedOn the issue as read for the resolution, or null
   * @param readBefore the issue as read before writing it (for a status move)
   * @param applied the values applied, by mapping id
   * @param update the updates the incoming mappings made of them
   */
  private record Target(String localKey, long rowId, boolean created, Supplier<Paired> makeRow,
      ConflictResolver.Resolution resolution, TrackedIssue decidedOn,
      Supplier<Optional<TrackedIssue>> readBefore, Map<String, FieldValue> applied,
      CollectedUpdates update) {
    /** This target with the pair's row: recorded ({@code rowId}), or made with the outcome. */
    Target withRow(long id, boolean isNew, Supplier<Paired> make) {
      return new Target(localKey, id, isNew, make, resolution, decidedOn, readBefore, applied,
          update);
    }
  }

  /** The row recorded for a new pair, and the PAIRED message that tells the partner. */
  private record Paired(long rowId, SyncMessage message) {}

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

  /** Applies a checked change message to the pair's issue, or to a new or found one. */
  ApplyOutcome apply(Optional<SyncInfo> row, SyncMessage message, long now) {
    Target target = row.isPresent() ? onRow(row.get(), message, now) : withoutRow(message, now);
    List<ContentFlow.Links> content = write(target, message);
    long[] rowOf = {target.rowId()};
    if (target.makeRow() != null) {
      rowOf[0] = sendWholeWithRow(target);
    }
    List<ConflictRecord> recorded = new ArrayList<>();
    SyncMessage sentBack = stores.inTransaction(
        () -> record(rowOf[0], target, content, message, now, recorded));
    recorded.forEach(r -> events.conflict(connector.key(), r));
    if (sentBack != null) {
      events.queued(connector.key(), sentBack);
    }
    events.applied(connector.key(), message, target.localKey(), target.created());
    return new ApplyOutcome.Applied(message, target.localKey(), target.created());
  }

  /**
   * The row's issue, each field resolved against people's changes: since the last sync, or, for
   * a row not recorded yet (id 0: an issue found by its marker), in its whole history.
   */
  private Target onRow(SyncInfo row, SyncMessage message, long now) {
    boolean recorded = row.id() != 0;
    String localKey = row.localIssueKey();
    Supplier<Optional<TrackedIssue>> issue = Context.once(() -> connector.tracker.issue(localKey));
    ConflictResolver.Resolution resolution = null;
    TrackedIssue local = null;
    Map<String, FieldValue> applied = message.fields();
    if (resolver.needsLocalIssue(message)) {
      local = issue.get().orElseThrow(() -> connector.gone(localKey));
      resolution = resolver.resolve(row, message, local,
          recorded ? stores.syncInfo().syncedValues(row.id()) : Map.of(),
          recorded ? stores.syncInfo().pendingChanges(row.id()) : Map.of(), now);
      applied = resolution.apply();
    }
    return new Target(localKey, row.id(), false, null, resolution, local, issue, applied,
        mappings.importAll(message, applied, null, issue, null, !recorded));
  }

  /** The issue found by its marker (paired before), else a new one; then the pair's row. */
  private Target withoutRow(SyncMessage message, long now) {
    String found = finder.existing(message);
    Target target = found != null ? found(found, message, now) : created(message, now);
    if (!connector.inProject(target.localKey())) {
      throw new SyncException(
          "tracker created " + target.localKey() + " outside project "
              + connector.config.projectKey(), null, connector.key(), target.localKey(), null);
    }
    // (an issue found after a crash between our create and recording it is a new pair)
    boolean repaired = !target.created() && stores.syncInfo()
        .pendingCreate(connector.key(), message.sourceIssueKey()).isEmpty();
    Supplier<Paired> pair = () -> pair(target.localKey(), message, repaired, now);
    if (repaired) {
      // recorded with the message's outcome: until then a retry finds the issue again
      return target.withRow(0, false, pair);
    }
    Paired paired = stores.inTransaction(pair);
    if (paired.message() != null) {
      events.queued(connector.key(), paired.message());
    }
    return target.withRow(paired.rowId(), target.created(), null);
  }

  /**
   * An issue paired before (a row lost or deleted, or a crash between our create and recording
   * it): take it, and apply what no person changed here since. With no row, every person's
   * change in the issue's history counts as not sent, and the newer wins.
   */
  private Target found(String found, SyncMessage message, long now) {
    SyncInfo none = new SyncInfo(0, connector.key(), found, message.sourceIssueKey(), now,
        0, 0, 0, 0, 0, false);
    Target target = onRow(none, message, now);
    log.info("{}: found {}, paired with {} before; not creating it again",
        connector.key(), found, message.sourceIssueKey());
    return target;
  }

  /** A new issue, created through the create screen; the rest is applied after. */
  private Target created(SyncMessage message, long now) {
    IssueCreator.Created made =
        creator.create(message, connector.originMarker(message.sourceIssueKey()), now);
    Supplier<Optional<TrackedIssue>> issue =
        Context.once(() -> connector.tracker.issue(made.key()));
    return new Target(made.key(), 0, true, null, null, null, null, message.fields(),
        mappings.importAll(message, message.fields(), null, issue, made.screen(), true));
  }

  /** Records the new pair's row; call inside a transaction. */
  private Paired pair(String localKey, SyncMessage message, boolean repaired, long now) {
    SyncInfo inserted = stores.syncInfo()
        .insert(SyncInfo.newPair(connector.key(), localKey, message.sourceIssueKey(), now));
    if (message.senderEpoch() != 0) {
      inserted = inserted.withPartnerRow(message.senderEpoch(), false);
      stores.syncInfo().update(inserted);
    }
    stores.syncInfo().removePendingCreate(connector.key(), message.sourceIssueKey());
    if (message.partnerIssueKey() != null) {
      // (a message of format version 1, whose sender knows the pair: go on from the last of
      // our messages it applied)
      stores.syncInfo().update(inserted.withSent(message.seenSequenceId(), 0));
      return new Paired(inserted.id(), null);
    }
    // A row made again over an issue paired before cannot tell which of the partner's messages
    // the row before applied: answering "seen none" gets the partner's issue whole, and the
    // partner counts for this row from there.
    return new Paired(inserted.id(),
        replies.outbox().appendPaired(inserted, repaired ? 0 : message.sequenceId(), now));
  }

  /**
   * Writes the message to the issue: fields, status, links, then each content flow's operations.
   *
   * @return the content flows' link changes, to record with the outcome
   */
  private List<ContentFlow.Links> write(Target target, SyncMessage message) {
    String localKey = target.localKey();
    CollectedUpdates update = target.update();
    if (!update.fields().isEmpty()) {
      connector.tracker.updateIssue(localKey, update.fields());
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
   * Makes the pair's row for an issue found by its marker, with our issue whole, so that the
   * partner deletes its copies of comments and files deleted here while no row knew of them.
   * Like the PAIRED, it says it saw none of the partner's messages: the message is marked
   * applied after (a crash between applies it again to the row).
   *
   * @return the row's id
   */
  private long sendWholeWithRow(Target target) {
    String key = target.localKey();
    TrackedIssue after =
        connector.tracker.issue(key).orElseThrow(() -> connector.gone(key));
    long[] rowId = new long[1];
    List<SyncMessage> queued = new ArrayList<>();
    replies.resender().sendWhole(after, 0, () -> {
      Paired made = target.makeRow().get();
      rowId[0] = made.rowId();
      queued.add(made.message());
      return connector.lockRow(stores, made.rowId());
    });
    queued.stream().filter(Objects::nonNull).forEach(m -> events.queued(connector.key(), m));
    return rowId[0];
  }

  /**
   * Records the outcome: the row has received the message, what the partner has now (last
   * synced values), the conflicts, the changes of ours settled, the comment and attachment
   * links; sends back what the resolution decided. Call inside a transaction.
   *
   * @return the message sent back, or null
   */
  private SyncMessage record(long id, Target target, List<ContentFlow.Links> content,
      SyncMessage message,
      long now, List<ConflictRecord> recorded) {
    SyncInfo current = connector.lockRow(stores, id);
    SyncInfo done = (current.remoteIssueKey() == null
        ? current.withRemoteIssueKey(message.sourceIssueKey()) : current)
        .withReceived(message.sequenceId(), now);
    stores.syncInfo().update(done);
    Map<String, JsonNode> received = Outbox.values(target.applied(), connector);
    // A row made here went with our issue whole, as it is after this message: that is what the
    // partner ends with, its synced values and pending changes stay.
    boolean wholeSent = target.makeRow() != null;
    if (!wholeSent) {
      stores.syncInfo().putSyncedValues(id, received);
    }
    SyncMessage back = null;
    ConflictResolver.Resolution settled = target.resolution();
    if (settled != null) {
      settled.records().forEach(r -> recorded.add(stores.conflicts().add(r)));
    }
    if (settled != null && !wholeSent) {
      stores.syncInfo().putSyncedValues(id, settled.partnerValues());
      settled.settled().forEach(f -> stores.syncInfo().removePendingChange(id, f));
    }
    if (settled != null && !settled.sendBack().isEmpty()) {
      // (after a whole too: the whole holds a merge of the partner's change, but it says it saw
      // none of the partner's messages, so the partner would go on waiting for the merge)
      back = replies.outbox().send(done,
          Outbox.Draft.of(target.decidedOn(), MessageKind.CHANGE, settled.sendBack()), now);
    }
    content.forEach(links -> links.applyTo(stores.syncInfo(), id));
    stores.messages().removeIncoming(connector.key(), message.messageId());
    return back;
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
