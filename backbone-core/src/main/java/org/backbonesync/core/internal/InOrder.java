package org.backbonesync.core.internal;

import java.util.List;
import java.util.Optional;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of a pair's message that is next in its sequence: consumed unapplied when the row
 * ignores the partner's changes or the issue is outside the incoming JQL, a PAIRED records the
 * partner's key, a GONE goes to the {@link PartnerGoneApplier}, a change to the {@link Applier}
 * (through {@link GoneIssues}, which unlinks a pair whose issue is gone).
 */
final class InOrder {
  private static final Logger log = LoggerFactory.getLogger(InOrder.class);

  private final Connector connector;
  private final Stores stores;
  private final Events events;
  private final SenderRows rows;
  private final Applier applier;
  private final GoneIssues goneIssues;
  private final PartnerGoneApplier partnerGone;
  private final SkippedChanges skipped;
  private final ReusedKeys reusedKeys;

  InOrder(Connector connector, Stores stores, Events events, SenderRows rows, Applier applier,
      GoneIssues goneIssues, PartnerGoneApplier partnerGone, ReusedKeys reusedKeys) {
    this.connector = connector;
    this.stores = stores;
    this.events = events;
    this.rows = rows;
    this.applier = applier;
    this.goneIssues = goneIssues;
    this.partnerGone = partnerGone;
    this.skipped = new SkippedChanges(connector, stores);
    this.reusedKeys = reusedKeys;
  }

  /**
   * The pair's next message in order: consumed when ignored, else applied.
   *
   * @param issueQueue the inbox's entries of the message's issue, as the apply read them
   */
  ApplyOutcome apply(Optional<SyncInfo> found, SyncMessage queued, long now,
      List<InboxEntry> issueQueue) {
    SyncMessage message = FormatUpgrade.current(queued, connector);
    Optional<SyncInfo> row = message.kind() == MessageKind.PAIRED ? found
        : found.map(r -> rows.followPartnerKey(r, message));
    row = row.map(r -> givenUpForNewerPair(r, message));
    if (row.isPresent() && row.get().remoteIssueKey() == null && row.get().id() != 0
        && !row.get().incomingChangesIgnored() && message.kind() != MessageKind.PAIRED
        && !rows.keyTakenByNewerSender(row.get(), message)) {
      // (no PAIRED came: a row of the partner made again names the pair; a row of ours that
      // still names the partner's issue under a key its restored site gave again gives it up.
      // Not for a row that ignores: one that gave its key up to a copy's pair takes nothing
      // back when a late message of the lost pair reaches it, and consumes it below; nor from a
      // row that talks with a newer row of the partner: a late message takes no key from the
      // copy's pair, see PairOrder)
      Runnable given = reusedKeys.giveRemoteKey(row.get(), message.sourceIssueKey(), message);
      if (given != ReusedKeys.NOTHING) { // (an empty transaction was a commit's round trip)
        stores.inTransaction(given);
      }
    }
    if (row.isPresent() && row.get().incomingChangesIgnored()
        && message.kind() != MessageKind.PAIRED // (a PAIRED carries no change: it pairs)
        && !lostPartnersChange(row.get(), message)) {
      return consumeIgnored(row.get(), message, now, true,
          "incoming changes of " + row.get().localIssueKey() + " are ignored");
    }
    if (message.kind() == MessageKind.PAIRED) {
      return applyPaired(row, message, now, issueQueue);
    }
    if (message.kind() == MessageKind.GONE && row.isPresent()) {
      return partnerGone.apply(row.get(), message, now);
    }
    applier.check(message);
    if (row.isPresent() && row.get().id() == 0 && outsideIncomingJql(row.get())) {
      return ignoredOutsideIncomingJql(row.get(), message, now);
    }
    if (row.isEmpty() || row.get().id() == 0) {
      return applier.apply(row, message, now);
    }
    // (the incoming JQL inside: an issue gone, moved away or out of the JQL matches no incoming
    // JQL, and its pair is unlinked as for any change, not kept linked for good)
    return goneIssues.applyOrUnlink(row.get(), message, now, current -> {
      if (!outsideIncomingJql(current)) {
        return applier.apply(Optional.of(current), message, now);
      }
      applier.checkPaired(current, connector.tracker.issue(current.localIssueKey()));
      return ignoredOutsideIncomingJql(current, message, now);
    });
  }

  /**
   * Whether the row's issue does not match the connector's incoming JQL. A tracker may refuse
   * the search for an issue that is gone (the in-memory tracker does, as Jira Server does for a
   * key it does not know): {@link GoneIssues#applyOrUnlink} reads the issue then.
   */
  private boolean outsideIncomingJql(SyncInfo row) {
    String jql = connector.config.incomingJql();
    return jql != null && !connector.tracker.matches(row.localIssueKey(), jql);
  }

  private ApplyOutcome ignoredOutsideIncomingJql(SyncInfo row, SyncMessage message, long now) {
    return consumeIgnored(row, message, now, false, row.localIssueKey()
        + " does not match the incoming JQL \"" + connector.config.incomingJql() + "\"");
  }

  /**
   * Whether the row, before this PAIRED, had given its partner issue's key up to a copy's pair
   * (ReusedKeys: it ignores, names no partner issue, and talked with a row of the partner) and
   * the PAIRED comes from a row of the partner no older than that one: a copy of our issue made
   * there since (our create sent again, to no row). It is the pair's new partner, paired as any
   * copy, also when the copy took a lost key another row of ours still named (that row gives it
   * up first, {@link ReusedKeys#giveRemoteKey}); kept ignoring, the pair would be linked one way
   * only (the simulation with site restores, seeds 346, 1463, 2116, and 5121, 7610). The same
   * row as the PAIRED's sender: {@link PairOrder} learnt it in a commit of its own before a crash
   * ({@code RestoredSiteCopyCrashTest}). Not a row an admin set to ignore ({@link
   * SyncInfo#ignoredByAdmin()}): it keeps ignoring ({@code RestoredSiteCopyTest}).
   *
   * <p>Such a row is linked only while its own issue is the one paired ({@link
   * GoneIssues#ownIssueGone}, read before the PAIRED is consumed; a failure to read leaves it
   * queued): one replaced under its key (a restore of this side's site gave the key to another
   * issue: {@code RestoredTwiceRelinkTest}, {@code ReplacedIssueRelinkTest}), deleted, moved
   * away or out of the JQL records the copy's key, stays unlinked, and the partner is told in
   * the same transaction, as by a poll that finds it gone (no poll looks at an unlinked row's
   * issue). The row may also be one unlinked for its own issue, not for a key it gave up, when
   * the PAIRED's first try learnt the partner's row before it failed ({@link PairOrder} commits
   * that on its own) and a poll unlinked the row after; linked again, the deleted issue's row
   * talked with a copy its GONE had deleted (the simulation with hand-over, webhooks, link
   * removals, worklogs, deletes and store faults, seeds 10989, 33078, 479925548); the partner is
   * told twice then, and its row, unlinked by the first GONE, consumes the second
   * ({@code PairedAfterIssueDeletedTest}).
   */
  static boolean gaveKeyUp(SyncInfo row, SyncMessage message) {
    return row.incomingChangesIgnored() && !row.ignoredByAdmin() && row.remoteIssueKey() == null
        && row.partnerEpoch() != 0 && message.senderEpoch() >= row.partnerEpoch();
  }

  /**
   * Whether the message is a change of the row's lost partner issue, applied to our issue
   * though the row gave the issue's key up ({@link #gaveKeyUp}: a restore of the partner's site
   * lost the issue and gave its key to a copy, whose pair another row of ours is now): it comes
   * from the partner row the row talked with, next in order, so it was sent before the restore
   * (a row of a lost issue sends nothing of the issue under its key since: another one). The
   * change a person made there goes on here, as when it had come before the copy's PAIRED, and
   * the row stays unlinked; linked again with a new copy, it sends our issue whole with it.
   * Consumed unapplied, it was lost on both sides (the simulation with site restores, worklogs,
   * link removals, webhooks and store faults, seeds 18251 and 19959: a priority).
   */
  private boolean lostPartnersChange(SyncInfo row, SyncMessage message) {
    return message.kind() != MessageKind.GONE && !row.ignoredByAdmin()
        && row.remoteIssueKey() == null && row.partnerEpoch() != 0
        && message.senderEpoch() == row.partnerEpoch()
        && rows.keyTakenByNewerSender(row, message);
  }

  /**
   * The row, unlinked first when the message comes from a row of the partner older than the one
   * another row of ours talks with for the message's issue ({@link
   * SenderRows#keyTakenByNewerSender}): a change of a lost pair reaching its partner's row after
   * the copy under the lost key was paired (its GONE unlinks the row as it is).
   */
  private SyncInfo givenUpForNewerPair(SyncInfo row, SyncMessage message) {
    if (row.id() == 0 || row.incomingChangesIgnored() || message.kind() == MessageKind.PAIRED
        || message.kind() == MessageKind.GONE || !rows.keyTakenByNewerSender(row, message)) {
      return row;
    }
    stores.inTransaction(reusedKeys.giveUp(row, message));
    return stores.syncInfo().findById(connector.key(), row.id()).orElseThrow();
  }

  /**
   * Consumes a message without touching the issue, moving the pair's sequence on; for a row that
   * ignores, what its merged fields replaced is kept for the partner's next value ({@link
   * SkippedChanges}). Not for an issue outside the incoming JQL: no take-back clears that base,
   * which the partner's next labels message, maybe much later, would be merged against
   * (helper-116: a later removal lost).
   */
  private ApplyOutcome consumeIgnored(SyncInfo row, SyncMessage message, long now,
      boolean keepBase, String reason) {
    stores.inTransaction(() -> {
      connector.consume(stores, row.id(), message, now, r -> r);
      if (keepBase) {
        skipped.skipped(row.id(), message);
      }
    });
    log.debug("{}: ignored message {} for {}: {}",
        connector.key(), message.messageId(), row.localIssueKey(), reason);
    events.ignored(connector.key(), message, reason);
    return new ApplyOutcome.Ignored(message, row.localIssueKey(), reason);
  }

  private ApplyOutcome applyPaired(Optional<SyncInfo> row, SyncMessage message, long now,
      List<InboxEntry> issueQueue) {
    SyncInfo info =
        row.orElseThrow(
            () -> new SyncException(
                "PAIRED message " + message.messageId() + " names no issue of connector "
                    + connector.key(),
                null, connector.key(), message.sourceIssueKey(), null));
    String why = info.id() == 0 ? null
        : rows.keyTakenByNewerSender(info, message) ? "it comes from a row of "
            + message.sourceIssueKey() + " older than the one another row of ours talks with"
        : rows.keyPairedSinceToRowGone(info, message, issueQueue) ? "it comes from a row of "
            + message.sourceIssueKey() + " older than one whose PAIRED, queued, names another"
            + " issue of ours for a row since removed"
        : null;
    if (why != null) {
      // (a lost copy's PAIRED, late: another row of ours talks with a newer row of the key's
      // issue, the copy's pair, or that pair's row here was removed too; this row gives the key
      // up instead of taking it)
      Runnable givenUp = reusedKeys.giveUp(info, message, why);
      stores.inTransaction(() -> {
        givenUp.run();
        connector.consume(stores, info.id(), message, now, r -> r);
      });
      events.ignored(connector.key(), message, why + " (ReusedKeys)");
      return new ApplyOutcome.Ignored(message, info.localIssueKey(), why + " (ReusedKeys)");
    }
    // (a key the partner's restored site gave again: the row of ours that named it gives it up)
    Runnable given = reusedKeys.giveRemoteKey(info, message.sourceIssueKey(), message);
    boolean linksAgain = gaveKeyUp(info, message);
    Optional<GoneIssues.Gone> ownGone =
        linksAgain ? goneIssues.ownIssueGone(info) : Optional.empty();
    if (ownGone.isPresent()) {
      // (not linked again: see gaveKeyUp)
      return goneIssues.unlinkPaired(info, message, given, ownGone.get(), now);
    }
    stores.inTransaction(() -> {
      given.run();
      connector.consume(stores, info.id(), message, now, r -> linksAgain
          ? r.withRemoteIssueKey(message.sourceIssueKey()).withIncomingChangesIgnored(false)
          : r.withRemoteIssueKey(message.sourceIssueKey()));
    });
    if (linksAgain) {
      log.warn("{}: {} made {} again for {}, whose pair was lost when its site was restored from"
          + " a backup: paired with it, and linked again", connector.key(),
          connector.partner.key(), message.sourceIssueKey(), info.localIssueKey());
    }
    events.applied(connector.key(), message, info.localIssueKey(), false);
    return new ApplyOutcome.Applied(message, info.localIssueKey(), false);
  }
}
