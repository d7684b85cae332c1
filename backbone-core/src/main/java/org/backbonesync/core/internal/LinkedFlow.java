package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.tracker.IssueChanges;

/**
 * A content flow whose links are one kind of row per pair (a comment's, an attachment's): reads
 * them once per call, none for a whole send, and hands them to the flow's own logic. Another
 * kind of content extends it with its link type.
 *
 * @param <L> the link type
 */
abstract class LinkedFlow<L> implements ContentFlow {
  private final String id;

  LinkedFlow(String id) {
    this.id = id;
  }

  @Override
  public final String id() {
    return id;
  }

  /** The pair's links of this kind. */
  abstract List<L> links(SyncInfoStore store, long rowId);

  /**
   * The operations of an issue given the pair's links; see {@link ContentFlow#outgoing}.
   *
   * @param carried the local ids of items the sync user wrote that go as this side's own in a
   *     whole (see {@link ContentFlow#whole}); empty when {@code links} are given
   */
  abstract Out outgoing(IssueChanges changes, List<L> links, Set<String> carried);

  /** A link's local id. */
  abstract String localId(L link);

  /** Whether a link marks its item this side's own although the sync user wrote it. */
  abstract boolean carried(L link);

  /** Carries out the partner's operations given the pair's links; see {@link ContentFlow#apply}. */
  abstract Links apply(String localKey, JsonNode ops, List<L> links, boolean created);

  @Override
  public final Out outgoing(IssueChanges changes, SyncInfoStore store, long rowId) {
    return outgoing(changes, rowId == 0 ? List.of() : links(store, rowId), Set.of());
  }

  @Override
  public final Out whole(IssueChanges changes, SyncInfoStore store, long rowId, boolean carry) {
    Set<String> carried = new HashSet<>();
    if (rowId != 0) {
      for (L link : links(store, rowId)) {
        if (carry || carried(link)) {
          carried.add(localId(link));
        }
      }
    }
    return outgoing(changes, List.of(), carried);
  }

  @Override
  public final Links apply(String localKey, JsonNode ops, SyncInfoStore store, long rowId,
      boolean created) {
    return apply(localKey, ops, rowId == 0 ? List.of() : links(store, rowId), created);
  }
}
