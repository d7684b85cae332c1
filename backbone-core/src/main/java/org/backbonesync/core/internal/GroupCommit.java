package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;

/**
 * The store writes of several issue pairs, committed together: one transaction (and on a durable
 * store one flush of its log) for a page of examined issues or a chunk of applied messages, not
 * one per pair. Each pair's outcome stays its own: when the group's transaction fails, every part
 * is written again in a transaction of its own, so that one failing pair rolls back alone and
 * the others commit. A part's write must therefore be safe to run again after a rollback (it
 * starts from what it reads in its transaction, and keeps nothing in memory from a run rolled
 * back). Its events come only after its commit, in the order the parts were added; the writes
 * go in the order of the rows they lock ({@link Part#order}), which the group locks first, all
 * in one ordered call ({@code SyncInfoStore.lockRows}: a JDBC store reads there at once those
 * the parts read, and sends the parts' writes as one batch per statement at the commit). Used by
 * one thread at a time.
 */
final class GroupCommit {
  /** One pair's part of a group. */
  interface Part {
    /**
     * Where the part's writes go in the group: the id of the one sync information row it locks
     * or writes. A group writes its parts in this order, so that two groups (a poll's page and
     * an apply's round, on two nodes) lock rows in one order and never wait for each other in
     * a circle.
     */
    long order();

    /**
     * The pair's store writes; runs inside the group's (or its own) transaction. Throws {@link
     * NothingWritten}, before writing anything, to leave the pair out of a group that commits
     * without it.
     */
    void write();

    /**
     * Whether {@link #write} reads the row (and its last synced values) before writing it: the
     * group's lock then reads it ahead. False for a part that only writes a column, whose row is
     * locked with the others and read by nobody.
     */
    default boolean readsRow() {
      return true;
    }

    /** After the commit of what {@link #write} wrote: its events. */
    void committed();

    /** When its own transaction failed too: nothing it wrote is kept. */
    void failed(RuntimeException failure);
  }

  /**
   * A part leaves itself out before writing anything (what it read says it must wait): the
   * group's other parts still commit together, and the part is told {@link Part#failed} after.
   */
  abstract static class NothingWritten extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NothingWritten(String message) {
      super(message, null, false, false);
    }
  }

  /** The order of a group of one part (read only). */
  private static final int[] ONE = {0};

  private final Stores stores;
  private final String connectorKey;
  private final List<Part> parts = new ArrayList<>();
  /** Rows read before the group's transaction, which its lock may take as read (by stamp). */
  private Collection<SyncInfo> known = List.of();
  /** The last synced values of known rows, read after them, by row id. */
  private Map<Long, Map<String, JsonNode>> knownValues = Map.of();
  /**
   * Whether a group whose transaction failed because the store cannot be used now ({@link
   * StoreDown}) ends the commit with that failure, its parts neither written alone (each would
   * wait for the store and fail alike) nor told: for a step that ends at it as a whole.
   */
  private final boolean endsWhereStoreIsDown;

  /** A group of the parts of one connector's rows. */
  GroupCommit(Stores stores, String connectorKey) {
    this(stores, connectorKey, false);
  }

  /**
   * A group of the parts of one connector's rows.
   *
   * @param endsWhereStoreIsDown whether a group that failed because the store cannot be used
   *     now throws that failure from {@link #commit} instead of writing its parts alone
   */
  GroupCommit(Stores stores, String connectorKey, boolean endsWhereStoreIsDown) {
    this.stores = stores;
    this.connectorKey = connectorKey;
    this.endsWhereStoreIsDown = endsWhereStoreIsDown;
  }

  /** Adds a part, written at the next {@link #commit}. */
  void add(Part part) {
    parts.add(part);
  }

  /**
   * The rows the parts' page or round read before the group's transaction (nulls skipped), and
   * last synced values of them read after them: the store's lock may take a row whose stamp is
   * unchanged as read, with its values, instead of reading them again. Kept until {@link
   * #forgetRows}.
   */
  void knowRows(Collection<SyncInfo> rows, Map<Long, Map<String, JsonNode>> values) {
    knownValues = values;
    List<SyncInfo> kept = new ArrayList<>(rows.size());
    for (SyncInfo row : rows) {
      if (row != null) {
        kept.add(row);
      }
    }
    known = kept;
  }

  /** Forgets the rows of {@link #knowRows}. */
  void forgetRows() {
    known = List.of();
    knownValues = Map.of();
  }

  /**
   * Drops the parts added since the last commit, unwritten and untold: for a step that ends
   * because the store cannot be used ({@link StoreDown}), whose work is done again by its next
   * run.
   */
  void discard() {
    parts.clear();
  }

  /** How many parts wait for the next commit. */
  int size() {
    return parts.size();
  }

  /** Writes the parts added since the last commit, together; alone only when that fails. */
  void commit() {
    commit(null);
  }

  /**
   * Writes the parts added since the last commit together, and then {@code last} in the same
   * transaction: a step's last commit gives back its claims on the pairs so, which are then free
   * exactly when what was written of them is committed, without a commit of their own. When the
   * group's transaction fails, each part is written alone and {@code last} is not written; nor
   * is it when there are no parts.
   *
   * @param last store writes after the parts', in their transaction; null for none
   * @return whether {@code last} was written and committed
   */
  boolean commit(Runnable last) {
    if (parts.isEmpty()) {
      return false;
    }
    List<Part> group = List.copyOf(parts);
    parts.clear();
    int[] byRow = byRow(group);
    // what a part left unwritten, by its place in the group (rarely any)
    NothingWritten[] left = new NothingWritten[group.size()];
    try {
      stores.inTransaction(() -> writeAll(group, byRow, left, last));
    } catch (RuntimeException failed) {
      if (endsWhereStoreIsDown && StoreDown.is(failed)) {
        throw failed; // (nothing of the group was written)
      }
      if (group.size() == 1 && last == null) {
        group.get(0).failed(failed); // (it was alone: written again, it would fail again)
      } else {
        group.forEach(this::alone);
      }
      return false;
    }
    for (int i = 0; i < left.length; i++) {
      if (left[i] == null) {
        group.get(i).committed();
      } else {
        group.get(i).failed(left[i]);
      }
    }
    return last != null;
  }

  /** The group's writes in one transaction, in row order; what a part left goes to left. */
  private void writeAll(List<Part> group, int[] byRow, NothingWritten[] left, Runnable last) {
    Arrays.fill(left, null); // (a store may run the work again)
    // every row in one ordered lock; a store may read them all at once there (one row is read
    // when written: a query either way)
    if (byRow.length > 1) {
      List<Long> rows = new ArrayList<>(byRow.length);
      List<Long> read = new ArrayList<>(byRow.length);
      for (int i : byRow) {
        Long order = group.get(i).order(); // (boxed once for both lists)
        rows.add(order);
        if (group.get(i).readsRow()) {
          read.add(order);
        }
      }
      if (known.isEmpty()) {
        stores.syncInfo().lockRows(connectorKey, rows, read);
      } else {
        stores.syncInfo().lockRows(connectorKey, rows, read, known, knownValues);
      }
    }
    for (int i : byRow) {
      try {
        group.get(i).write();
      } catch (NothingWritten e) {
        left[i] = e;
      }
    }
    if (last != null) {
      last.run();
    }
  }

  /** The places of the group's parts in the order of their rows. */
  private static int[] byRow(List<Part> group) {
    if (group.size() < 2) {
      return ONE;
    }
    Integer[] places = new Integer[group.size()];
    Arrays.setAll(places, i -> i);
    Arrays.sort(places, Comparator.comparingLong(i -> group.get(i).order()));
    int[] byRow = new int[places.length];
    Arrays.setAll(byRow, i -> places[i]);
    return byRow;
  }

  private void alone(Part part) {
    try {
      stores.inTransaction(part::write);
    } catch (RuntimeException failure) {
      part.failed(failure);
      return;
    }
    part.committed();
  }
}
