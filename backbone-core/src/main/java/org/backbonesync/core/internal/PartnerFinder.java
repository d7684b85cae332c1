package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.core.guarantee.TestOnlySwitch;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.Stores;

/**
 * Finds the local issue a partner's message belongs to when this connector has no sync
 * information for it, so that a lost, partial or restored store never makes an issue twice. The
 * trackers are the truth: the issue the partner names as ours (its row survived ours), else the
 * issue carrying our origin marker for the partner's issue (we created it earlier), else none
 * and the caller creates one. Origin markers are looked up for a page of messages in one tracker
 * call ({@link #prefetch}), since every create would otherwise cost a search of its own.
 */
final class PartnerFinder {
  private final Connector connector;
  private final Stores stores;
  private final boolean lookUp;
  /** Markers asked for by the last prefetch, and the issues found carrying them. */
  private Set<String> asked = Set.of();
  private Map<String, String> found = Map.of();

  PartnerFinder(Connector connector, Stores stores, EngineSettings settings) {
    this.connector = connector;
    this.stores = stores;
    this.lookUp = !settings.off(TestOnlySwitch.NO_PENDING_CREATE);
  }

  /**
   * Looks up the origin markers of the messages among these inbox heads that would create an
   * issue (no row, the partner names none of ours), in one tracker call.
   */
  void prefetch(List<InboxEntry> heads) {
    List<String> sources = new ArrayList<>();
    for (InboxEntry head : heads) {
      SyncMessage m = head.message();
      if (lookUp && m.kind() != MessageKind.PAIRED && m.partnerIssueKey() == null) {
        sources.add(m.sourceIssueKey());
      }
    }
    Set<String> paired = sources.isEmpty() ? Set.of()
        : stores.syncInfo().findByRemoteKeys(connector.key(), sources).keySet();
    List<String> markers = new ArrayList<>();
    for (String source : sources) {
      if (!paired.contains(source)) {
        markers.add(connector.originMarker(source));
      }
    }
    asked = Set.copyOf(markers);
    found = markers.isEmpty() ? Map.of()
        : Map.copyOf(connector.tracker.findByOriginMarkers(markers));
  }

  /**
   * The existing local issue for a message of a pair this connector has no row for, or null
   * when there is none and the issue is to be created.
   *
   * @throws SyncException when the partner names an issue of ours that does not exist
   */
  String existing(SyncMessage message) {
    String named = message.partnerIssueKey();
    if (named != null) {
      if (!connector.inProject(named) || connector.ownIssue(named).isEmpty()) {
        throw new SyncException(connector.partner.key() + " says " + message.sourceIssueKey()
            + " is the partner of " + named + ", but " + named + " does not exist in connector "
            + connector.key(), null, connector.key(), named, null);
      }
      return named;
    }
    if (!lookUp) {
      return null;
    }
    String marker = connector.originMarker(message.sourceIssueKey());
    boolean pending = stores.syncInfo()
        .pendingCreate(connector.key(), message.sourceIssueKey()).isPresent();
    if (!pending && asked.contains(marker)) {
      return found.get(marker);
    }
    // a create of ours may have been cut short since the prefetch, or it did not ask
    return connector.tracker.findByOriginMarker(marker).orElse(null);
  }
}
