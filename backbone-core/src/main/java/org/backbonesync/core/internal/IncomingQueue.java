package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.guarantee.TestOnlySwitch;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.Stores;

/**
 * A connector's incoming queue: takes the {@link Inbox}'s due messages strictly in sequence order
 * per issue pair, a chunk of claimed pairs at a time ({@link PairClaims}), and applies them in
 * {@link ApplyRounds}: {@link PairOrder} decides what becomes of each pair's next message (which
 * row of ours it is for, duplicate or stale, early, or next in order), {@link InOrder} applies it,
 * and {@link RoundOutcomes} keeps the outcomes, recorded with one commit per round; a failure
 * waits for a retry or an admin ({@link UnappliedMessages}). A failure of the store as a whole
 * ({@link StoreDown}) is no message's: it ends the apply at once, failed, with nothing of the
 * round recorded (its messages stay queued and are applied again, as after a crash) and its
 * claims left to expire.
 */
final class IncomingQueue {
  private final Connector connector;
  private final Stores stores;
  private final Clock clock;
  private final EngineSettings settings;
  private final PartnerFinder finder;
  private final PairClaims pairs;
  private final RoundOutcomes outcomes;
  private final ApplyRounds rounds;
  private final GapFailures gapFailures;
  /** Whether the engine is closing: an apply begins no further pair (see {@link #apply}). */
  private final BooleanSupplier closing;

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
      PairClaims pairs,
      BooleanSupplier closing,
      Runnable promptPartner) {
    this.pairs = pairs;
    this.closing = closing;
    this.connector = connector;
    this.stores = stores;
    this.clock = clock;
    this.settings = settings;
    this.finder = new PartnerFinder(connector, stores, settings);
    this.gapFailures = new GapFailures(connector, stores, settings);
    PartnerGoneApplier partnerGone = new PartnerGoneApplier(connector, stores, events);
    RemovedRows removed = new RemovedRows();
    ReusedKeys reusedKeys = new ReusedKeys(connector, stores, events, partnerGone, removed);
    SenderRows rows = new SenderRows(connector, stores, replies.resender(), finder, reusedKeys);
    UnappliedMessages unapplied = new UnappliedMessages(connector, stores, events, settings);
    // the last synced values and pending changes of a round's rows, read at once
    RowValues values = new RowValues(stores);
    // (the store down ends the apply: see applyDue)
    GroupCommit group = new GroupCommit(stores, connector.key(), true);
    this.outcomes = new RoundOutcomes(unapplied);
    Applier applier = new Applier(connector, configuration, stores, events, replies,
        new ConflictResolver(connector, configuration, replies.values(),
            settings.off(TestOnlySwitch.OLDEST_WINS)), finder, values, group,
        outcomes::recordFailed, clock, reusedKeys);
    InOrder inOrder = new InOrder(connector, stores, events, rows, applier,
        new GoneIssues(connector, stores, events, replies.outbox()), partnerGone, reusedKeys);
    this.rounds = new ApplyRounds(connector, stores, clock, values, group, outcomes,
        new PairOrder(settings, rows, unapplied, values, connector::carriesWhole,
            new SkippedChanges(connector, stores)), inOrder, removed, promptPartner);
  }

  /**
   * Applies the inbox's due messages, a chunk of claimed pairs at a time; their outcomes. When
   * the engine is closed meanwhile, it begins no further pair: what it applied is committed,
   * the claims given back, and the rest stays queued for the next apply (a pair's messages
   * still in order).
   */
  synchronized List<ApplyOutcome> apply() {
    List<ApplyOutcome> done;
    try {
      applyDue();
    } finally {
      done = outcomes.handOut(); // (forgotten, too, when the apply fails)
    }
    return done;
  }

  private void applyDue() {
    List<InboxEntry> heads =
        stores.messages().nextIncoming(connector.key(), clock.millis(), settings.applyBatchSize());
    List<InboxEntry> answered = gapFailures.answered(clock.millis());
    Set<String> judgeAgain = Set.of();
    if (!answered.isEmpty()) {
      heads = new ArrayList<>(heads);
      judgeAgain = addAnswered(heads, answered);
    }
    finder.prefetch(heads);
    for (int from = 0; from < heads.size() && !closing.getAsBoolean(); from += CLAIM_CHUNK) {
      int to = Math.min(from + CLAIM_CHUNK, heads.size());
      List<InboxEntry> chunk = heads.subList(from, to);
      // One node (and thread) at a time applies an issue pair's messages, so they stay in
      // order. Claimed a few pairs at a time: one commit for the claims, not one each; given
      // back with the last round's commit.
      long claimed = clock.millis();
      PairClaims.Held mine = pairs.claimSenders(chunk, claimed);
      boolean givenBack = false;
      boolean storeDown = false;
      try { // (from the claim on)
        List<String> issues = new ArrayList<>(chunk.size());
        List<InboxEntry> held = new ArrayList<>(chunk.size());
        for (InboxEntry head : chunk) {
          if (mine.holds(head.message())) {
            issues.add(head.message().sourceIssueKey());
            held.add(head);
          }
        }
        // (a pair not begun by half the claim's lease waits for the next apply: each pair
        // applied holds its claim, and others' chunks are skipped by other nodes meanwhile)
        long until = claimed + settings.leaseDuration().toMillis() / 2;
        givenBack = rounds.applyClaimed(issues, held, judgeAgain,
            () -> clock.millis() >= until || closing.getAsBoolean(), pairs.giveBack(mine));
      } catch (RuntimeException e) {
        storeDown = StoreDown.is(e);
        throw e;
      } finally {
        if (storeDown) { // (a release would wait for the store and fail alike)
          pairs.forget(mine);
        } else {
          pairs.end(mine, givenBack);
        }
      }
    }
  }

  /**
   * Adds to the heads the messages that failed waiting for a gap and whose issue heard more since
   * ({@link GapFailures#answered}), where no message of their issue is a head already (one that
   * is, applied, makes its pair's next judged again anyway); their ids, which the rounds judge
   * again.
   */
  private static Set<String> addAnswered(List<InboxEntry> heads, List<InboxEntry> answered) {
    Set<String> issues = new HashSet<>();
    heads.forEach(head -> issues.add(head.message().sourceIssueKey()));
    Set<String> ids = new HashSet<>();
    for (InboxEntry failed : answered) {
      if (issues.add(failed.message().sourceIssueKey())) {
        heads.add(failed);
        ids.add(failed.message().messageId());
      }
    }
    return ids;
  }

  /**
   * How many issue pairs an apply claims at once. Few enough that another node finds the next
   * ones free and that a chunk is applied well within a lease, many enough to share the commits:
   * each chunk costs a commit for its claims and one per round (before the releases went with
   * the last round's, one more for them). With 16,
   * TwoNodeBenchmark's node spent 0.41 commits per change and applied 566 changes/s; with 64,
   * 0.25 and 790/s (two nodes about the same in both, 986 and 1,112/s).
   */
  private static final int CLAIM_CHUNK = 64;
}
