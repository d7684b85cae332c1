package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;

/**
 * Claims on a connector's issue pairs: an apply applying a pair's messages, or a poll examining
 * the pair's local issue, holds the pair alone, against the other threads of this engine (a set
 * in memory) and against other engine nodes on the same stores (a lease). Without it a poll could
 * read a pair's issue and last synced values while an apply is halfway through changing both, and
 * take a person's change for an echo.
 *
 * <p>A pair is named by the partner's issue key, the one key both know: a poll reads it from the
 * pair's row (its remote key), an apply from the partner's message (its source key). Callers
 * claim rows or messages and ask {@link Held} about rows or messages, never about bare keys: a
 * local key claimed by mistake would claim nothing the other claims, and the poll and the apply
 * would no longer exclude each other, silently. (Not a key type: a wrapper per key cost about
 * 0.5 KB per message in {@code EngineBenchmark}.)
 */
final class PairClaims {
  private final Set<String> here = ConcurrentHashMap.newKeySet();
  private final Stores stores;
  private final String scope;
  private final EngineSettings settings;

  PairClaims(Stores stores, String connectorKey, EngineSettings settings) {
    this.stores = stores;
    this.scope = LeaseScope.inbox(connectorKey).name();
    this.settings = settings;
  }

  /**
   * The pairs a claim holds and those it asked for that another step holds, to ask by row or
   * message, and to {@link #release} or {@link #giveBack}.
   */
  static final class Held {
    private final Set<String> keys;
    private final Set<String> busy;

    private Held(Set<String> keys, Set<String> busy) {
      this.keys = keys;
      this.busy = busy;
    }

    /** Whether the pair of this row (which may be null) is held. */
    boolean holds(SyncInfo row) {
      return row != null && row.remoteIssueKey() != null && keys.contains(row.remoteIssueKey());
    }

    /** Whether the pair this partner's message is about is held. */
    boolean holds(SyncMessage message) {
      return keys.contains(message.sourceIssueKey());
    }

    /**
     * Whether the pair of this row (which may be null) was asked for and not held: another step
     * holds it.
     */
    boolean busy(SyncInfo row) {
      return row != null && row.remoteIssueKey() != null && busy.contains(row.remoteIssueKey());
    }
  }

  /** Claims what it can of the pairs of these rows, which have remote keys. */
  Held claimRows(List<SyncInfo> rows, long now) {
    List<String> keys = new ArrayList<>(rows.size());
    for (SyncInfo row : rows) { // (all checked before any is claimed)
      keys.add(Objects.requireNonNull(row.remoteIssueKey(), "remote key of a claimed row"));
    }
    return claim(keys, now);
  }

  /** Claims what it can of the pairs these inbox entries are about. */
  Held claimSenders(List<InboxEntry> entries, long now) {
    List<String> keys = new ArrayList<>(entries.size());
    for (InboxEntry entry : entries) {
      keys.add(entry.message().sourceIssueKey());
    }
    return claim(keys, now);
  }

  private Held claim(List<String> keys, long now) {
    List<String> mine = new ArrayList<>(keys.size());
    for (String key : keys) {
      if (here.add(key)) {
        mine.add(key);
      }
    }
    Set<String> held = mine.isEmpty() ? Set.of() : lease(mine, now);
    return new Held(held, busy(keys, held));
  }

  /** Leases what it can of keys claimed here; gives up here those it could not lease. */
  private Set<String> lease(List<String> mine, long now) {
    Set<String> held;
    try {
      held = stores.leases().tryLeases(scope, mine, settings.node(), now,
          now + settings.leaseDuration().toMillis());
    } catch (RuntimeException | Error e) {
      here.removeAll(mine);
      throw e;
    }
    for (String key : mine) {
      if (!held.contains(key)) {
        here.remove(key);
      }
    }
    return held;
  }

  /** The keys asked for and not held (none when all are, as most claims). */
  private static Set<String> busy(List<String> asked, Set<String> held) {
    if (held.size() == asked.size()) {
      return Set.of(); // (held is a subset of the distinct keys asked for)
    }
    Set<String> busy = new HashSet<>(asked);
    busy.removeAll(held);
    return busy;
  }

  /**
   * Forgets here pairs a claim holds, leaving their leases in the store to expire (this node
   * renews them when it claims them again): when the store cannot be used to give them up.
   */
  void forget(Held held) {
    here.removeAll(held.keys);
  }

  /** Gives up pairs a claim holds. */
  void release(Held held) {
    if (held.keys.isEmpty()) {
      return;
    }
    try {
      stores.leases().release(scope, held.keys, settings.node());
    } finally {
      here.removeAll(held.keys);
    }
  }

  /**
   * The store writes that give up pairs a claim holds, to run in the transaction that commits
   * what was done under them ({@link GroupCommit#commit(Runnable)}); then {@link #end} them.
   * Null when the lease store cannot join that transaction: then {@link #release} them after it.
   * (Other nodes see them free at that commit; this engine's threads after the forget.)
   */
  Runnable giveBack(Held held) {
    if (!stores.leases().releaseJoinsTransactions()) {
      return null; // (given back after the commit, in a transaction of their own)
    }
    return () -> {
      if (!held.keys.isEmpty()) {
        stores.leases().release(scope, held.keys, settings.node());
      }
    };
  }

  /**
   * Ends claims: forgets them here when {@link #giveBack} gave their leases up in a committed
   * transaction, else {@link #release}s them.
   */
  void end(Held held, boolean givenBack) {
    if (givenBack) {
      here.removeAll(held.keys);
    } else {
      release(held);
    }
  }
}
