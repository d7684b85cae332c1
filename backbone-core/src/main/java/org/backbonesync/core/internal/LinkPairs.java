package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.store.PairedLink;

/**
 * A row's paired links while {@link LinkSync} applies a message's operations to them, and the
 * changes to store.
 */
final class LinkPairs {
  private final String connectorKey;
  private final Map<String, PairedLink> byLocal = new LinkedHashMap<>();
  private final Map<String, PairedLink> put = new LinkedHashMap<>();

  LinkPairs(String connectorKey, List<PairedLink> stored) {
    this.connectorKey = connectorKey;
    stored.forEach(l -> byLocal.put(l.localId(), l));
  }

  /** Whether our link an add names as its partner was removed here (its delete is sent). */
  boolean removedHere(String localId) {
    PairedLink ours = localId == null ? null : byLocal.get(localId);
    return ours != null && ours.gone();
  }

  boolean knowsRemote(String remoteId) {
    return byLocal.values().stream().anyMatch(l -> remoteId.equals(l.remoteId()));
  }

  /**
   * The paired links an operation names: ours by its partnerId, and any paired with its id as
   * theirs (a link made again from a late add of theirs is paired with the same id).
   */
  List<PairedLink> targets(String remoteId, String partnerId) {
    List<PairedLink> found = new ArrayList<>();
    if (partnerId != null && byLocal.containsKey(partnerId)) {
      found.add(byLocal.get(partnerId));
    }
    if (remoteId != null) {
      byLocal.values().stream().filter(l -> remoteId.equals(l.remoteId()))
          .filter(l -> !found.contains(l)).forEach(found::add);
    }
    return found;
  }

  void put(PairedLink link) {
    PairedLink before = byLocal.get(link.localId());
    PairedLink kept = before == null || link.gone() ? link
        : new PairedLink(before.localId(), link.remoteId() != null ? link.remoteId()
            : before.remoteId(), before.type(), before.outwardIssue(), before.inwardIssue(),
            before.sent(), before.gone());
    byLocal.put(kept.localId(), kept);
    put.put(kept.localId(), kept);
  }

  LinkSync.LinkChanges changes() {
    return new LinkSync.LinkChanges(connectorKey, List.copyOf(put.values()));
  }
}
