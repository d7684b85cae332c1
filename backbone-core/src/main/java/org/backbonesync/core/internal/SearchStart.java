package org.backbonesync.core.internal;

import java.time.Clock;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;

/**
 * When a poll's search began, to tell the rows written since: an issue whose row was written after
 * it may have been written after the search read it (an apply copied a comment there, say), so
 * its snapshot is older than the row's links and last synced values.
 *
 * @param stamp the store's stamp read before the search ({@link
 *     org.backbonesync.spi.store.SyncInfoStore#lastStamp}): a row written since has a greater one,
 *     whatever the nodes' clocks say
 * @param millis this node's clock then: a node of the previous release writes rows without a new
 *     stamp, but with its clock in their last incoming change, as that release's polls compared.
 *     (Remove with support for running beside nodes of releases before the stamps.)
 */
record SearchStart(long stamp, long millis) {
  static SearchStart now(Stores stores, Clock clock) {
    long millis = clock.millis();
    return new SearchStart(stores.syncInfo().lastStamp(), millis);
  }

  /** Whether the row was written after the search began. */
  boolean wroteSince(SyncInfo row) {
    return row.stamp() > stamp || row.lastIncomingChange() > millis;
  }

  /** Whether the row's stamp says it was written after the search began (not the clock part). */
  boolean stampedSince(SyncInfo row) {
    return row.stamp() > stamp;
  }

  /**
   * Why a row {@linkplain #stampedSince stamped since the search} cannot have been: its stamp is
   * not below a stamp the store gives now, so the store's counter is behind the stamps it gave
   * before (a table restored without its sequence, a failover that does not carry sequences, a
   * host's store that restarted its counter), and the poll would leave the issue for every next
   * poll. Null when the row was written since, as it looks. Takes a stamp from the store.
   */
  String counterBehind(Stores stores, SyncInfo row) {
    long now = stores.syncInfo().nextStamp();
    if (row.stamp() < now) {
      return null;
    }
    return "the store's stamp counter (" + now + ") is behind the stamp of sync information "
        + row.id() + " (" + row.stamp() + "), so the issue looks changed since every search and"
        + " waits; move the counter past the greatest stored stamp (the JDBC store's sequence"
        + " bb_stamp)";
  }
}
