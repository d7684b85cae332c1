package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * The rows of a poll's page of changed issues, read at once, and the claims on the pairs whose
 * examination an apply could disturb (see {@link PairClaims}), taken at once and given back
 * when the page is done. A pair whose issue shows nothing after the change the last poll
 * examined, with every value the partner's already, is not claimed: it has nothing to examine
 * (see {@link #claim}).
 */
final class PageClaims {
  private final Connector connector;
  private final Stores stores;
  private final Clock clock;
  private final PairClaims pairs;
  private final IssueValues values;
  private final ChangedIssue examiner;

  PageClaims(Connector connector, Stores stores, Clock clock, PairClaims pairs,
      IssueValues values, ChangedIssue examiner) {
    this.connector = connector;
    this.stores = stores;
    this.clock = clock;
    this.pairs = pairs;
    this.values = values;
    this.examiner = examiner;
  }

  /**
   * A page's paired issues (their rows by position in the page, null for an issue not paired)
   * and the pairs claimed for them, as an apply claims them, so that no apply changes a pair's
   * issue and last synced values between this poll reading them and deciding what is a person's
   * change and what an echo. Pairs another step holds are examined next poll.
   *
   * @param unchanged the ids of rows found with nothing to examine, not claimed, in ascending
   *     order (an array searched: a set's look-up boxed the id of every row of the page, about
   *     a hundredth of what a change allocated, {@code TwoNodeBenchmark}, JFR)
   * @param rekeyed the rows this poll moved to their issue's new key after a rename (see {@link
   *     RenamedProject}) that nothing had written since the search began: each id with the
   *     stamp of the poll's own write
   */
  record Claimed(SyncInfo[] rows, PairClaims.Held held, long[] unchanged,
      Map<Long, Long> rekeyed) {
    /**
     * The rows by position in the page, null for an issue not paired or whose pair this page
     * does not hold (busy, not claimed, or without a remote key yet).
     */
    List<SyncInfo> heldRows() {
      List<SyncInfo> mine = new ArrayList<>(rows.length);
      for (SyncInfo row : rows) {
        // (a row without a remote key is not claimed: an apply may give it one meanwhile)
        mine.add(held.holds(row) ? row : null);
      }
      return mine;
    }

    /** Whether the page holds the pair of this row (which may be null). */
    boolean holds(SyncInfo row) {
      return held.holds(row);
    }

    /** Whether another step holds the pair of this row (which may be null). */
    boolean busy(SyncInfo row) {
      return held.busy(row);
    }

    /**
     * Whether this row (which may be null) was found with nothing to examine: its issue shows
     * nothing after the row's last change seen, and the partner has every value.
     */
    boolean unchanged(SyncInfo row) {
      return row != null && unchanged.length > 0
          && Arrays.binarySearch(unchanged, row.id()) >= 0;
    }

    /**
     * Whether the only write to this row since the search began is this poll's move of it to
     * its issue's new key: that changes nothing the search's snapshot is compared with, so the
     * issue is examined now, not left for the next poll (which a runUntilQuiet never ran).
     */
    boolean onlyRekeyed(SyncInfo row) {
      Long stamp = rekeyed.get(row.id());
      return stamp != null && stamp == row.stamp();
    }
  }

  /**
   * Looks up a page's rows and claims the pairs that need it, all in one claim. An issue the
   * last poll examined and that shows nothing since, with its values equal to the last synced
   * ones and no content to send, needs none: examining it would do nothing (no message, no last
   * change seen to move). That check reads the issue's synced values and links without the
   * claim, and what an apply writes meanwhile can only make it find something, never hide a
   * change: the issue then goes the claimed way, where the claim or the row's stamp leaves it
   * for the next poll. An apply's write to the issue after this page's search shows in the next
   * search (the ">=" of the changelog's reading covers one in the same millisecond as the last
   * change seen). A failing check counts as a change. Without this, a poll right after a busy
   * one claimed every pair it had just examined again (it reads from the last change seen on,
   * the same millisecond included).
   *
   * @param searched when the search that read the page began: a row this claim moves to its
   *     issue's new key (a renamed project) is its own write, not one since (see {@link
   *     Claimed#onlyRekeyed})
   */
  Claimed claim(List<IssueChanges> issues, SearchStart searched) {
    SyncInfo[] rows = new SyncInfo[issues.size()]; // by position in the page
    Map<Long, Long> rekeyed = new HashMap<>(0); // (its table is made at a first put only)
    List<String> keys = new ArrayList<>(issues.size());
    for (IssueChanges changes : issues) {
      if (connector.inProject(changes.issue().key())) {
        keys.add(changes.issue().key());
      }
    }
    Map<String, SyncInfo> found = keys.isEmpty() ? Map.of()
        : stores.syncInfo().findByLocalKeys(connector.key(), keys);
    List<IssueChanges> wantedIssues = new ArrayList<>(rows.length);
    List<SyncInfo> wanted = new ArrayList<>(rows.length);
    for (int i = 0; i < rows.length; i++) {
      IssueChanges changes = issues.get(i);
      String local = changes.issue().key();
      if (connector.inProject(local)) {
        SyncInfo row = found.get(local);
        if (row == null) {
          row = underOldKey(changes.issue(), searched, rekeyed);
        }
        rows[i] = row;
        if (row != null && row.remoteIssueKey() != null && needsClaim(changes, row)) {
          wantedIssues.add(changes);
          wanted.add(row);
        }
      }
    }
    long[] unchanged = unchanged(wantedIssues, wanted);
    return new Claimed(rows, pairs.claimRows(wanted, clock.millis()), unchanged, rekeyed);
  }

  /**
   * The issue's row under its key before its project was renamed, moved to its new key; null
   * for none. The move is put in {@code rekeyed} when nothing else wrote the row since the
   * search began.
   */
  private SyncInfo underOldKey(TrackedIssue issue, SearchStart searched,
      Map<Long, Long> rekeyed) {
    SyncInfo old = RenamedProject.foundUnderOldKey(connector, stores, issue).orElse(null);
    if (old == null) {
      return null;
    }
    SyncInfo row = RenamedProject.rekey(connector, stores, old, issue.key());
    if (!searched.wroteSince(old)) {
      rekeyed.put(row.id(), row.stamp());
    }
    return row;
  }

  /**
   * Takes the rows with nothing to examine out of {@code wanted} and returns their ids, in
   * ascending order.
   */
  private long[] unchanged(List<IssueChanges> issues, List<SyncInfo> wanted) {
    boolean[] unchanged = examiner.unchanged(issues, wanted);
    int n = 0;
    for (boolean nothing : unchanged) {
      n += nothing ? 1 : 0;
    }
    if (n == 0) {
      return NONE;
    }
    long[] ids = new long[n];
    for (int i = unchanged.length - 1; i >= 0; i--) {
      if (unchanged[i]) {
        ids[--n] = wanted.remove(i).id();
      }
    }
    Arrays.sort(ids);
    return ids;
  }

  private static final long[] NONE = {};

  /**
   * The claimed page with its held pairs' rows, and its rows without a partner yet (claimed by
   * nobody: an apply may give them one, and write their issue and links, meanwhile), read again:
   * an apply that committed since the read in {@link #claim} shows in them (ChangeDetection
   * leaves a row written since its search by its stamp).
   */
  Claimed readAgain(Claimed claimed) {
    SyncInfo[] rows = claimed.rows().clone();
    List<SyncInfo> known = new ArrayList<>(rows.length);
    for (SyncInfo row : rows) {
      if (readsAgain(claimed, row)) {
        known.add(row);
      }
    }
    if (known.isEmpty()) {
      return claimed;
    }
    // (a store may read only the stamps, and answer an unchanged row as read in claim)
    Map<String, SyncInfo> now = stores.syncInfo().findByLocalKeysAgain(connector.key(), known);
    for (int i = 0; i < rows.length; i++) {
      if (readsAgain(claimed, rows[i])) {
        rows[i] = now.get(rows[i].localIssueKey()); // (null: deleted meanwhile)
      }
    }
    return new Claimed(rows, claimed.held(), claimed.unchanged(), claimed.rekeyed());
  }

  private static boolean readsAgain(Claimed claimed, SyncInfo row) {
    return row != null && (claimed.holds(row) || row.remoteIssueKey() == null);
  }

  /**
   * Whether examining a paired issue depends on what an apply may be changing: a person's change
   * since the last one seen (compared with the last synced value), or comments and attachments
   * (compared with their links). An issue only the sync user changed just moves lastChangeSeen.
   */
  private boolean needsClaim(IssueChanges changes, SyncInfo row) {
    if (!connector.flowsOut.isEmpty()) {
      return true;
    }
    long from = IssueValues.unexaminedFrom(row, changes.issue(), clock.millis());
    List<ChangelogEntry> changelog = changes.changelog();
    for (int i = 0; i < changelog.size(); i++) { // (by index: no iterator per issue)
      ChangelogEntry entry = changelog.get(i);
      if (entry.timestamp() >= from && !values.isEcho(entry)) {
        return true;
      }
    }
    return false;
  }

  /** The store writes giving back the page's claims, for the page's commit to carry. */
  Runnable giveBack(Claimed claimed) {
    return pairs.giveBack(claimed.held());
  }

  /**
   * Forgets the page's claims here without giving them back in the store, which cannot be used
   * now: other nodes wait for them to expire, as after a crash; this node takes them again.
   */
  void leaveToExpire(Claimed claimed) {
    pairs.forget(claimed.held());
  }

  /** Ends the page's claims: see {@link PairClaims#end}. */
  void end(Claimed claimed, boolean givenBack) {
    pairs.end(claimed.held(), givenBack);
  }
}
