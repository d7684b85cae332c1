package org.backbonesync.core.internal;

import java.util.List;
import org.backbonesync.spi.store.SyncInfoStore;

/**
 * The changes of one pair's links of one kind (comments', attachments', worklogs'), to commit
 * with the step's transaction: links to put, and the local ids of links to remove.
 *
 * @param <L> the link type
 */
record RowLinks<L>(List<L> put, List<String> removed, Kind<L> kind) implements ContentFlow.Links {

  /** How a pair's links of one kind are written. */
  record Kind<L>(Put<L> put, Remove remove) {
    /** Changes of this kind. */
    RowLinks<L> changes(List<L> put, List<String> removed) {
      return new RowLinks<>(put, removed, this);
    }

    /** No change. */
    RowLinks<L> none() {
      return changes(List.of(), List.of());
    }
  }

  /** Writes one link of a row. */
  interface Put<L> {
    void put(SyncInfoStore store, long rowId, L link);
  }

  /** Removes one link of a row by its local id. */
  interface Remove {
    void remove(SyncInfoStore store, long rowId, String localId);
  }

  @Override
  public void applyTo(SyncInfoStore store, long rowId) {
    put.forEach(link -> kind.put().put(store, rowId, link));
    removed.forEach(id -> kind.remove().remove(store, rowId, id));
  }

  @Override
  public boolean isEmpty() {
    return put.isEmpty() && removed.isEmpty();
  }
}
