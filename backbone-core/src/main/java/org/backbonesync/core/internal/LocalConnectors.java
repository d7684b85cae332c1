package org.backbonesync.core.internal;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.transport.AttachmentContent;
import org.backbonesync.spi.transport.MessageTransport;

/**
 * Builds the parts of each local connector and wires them: detection, resends and delivery going
 * out, the inbox and the incoming queue coming in; two local connectors without a transport of
 * the host's hand their messages straight to each other's inbox ({@link Handover}), and deliver
 * what their outboxes still hold there too.
 */
final class LocalConnectors {

  /**
   * A local connector's steps: detection, delivery and resends go out; the inbox stores what
   * comes in, the incoming queue applies it.
   */
  record Local(Connector connector, ChangeDetection detection, Delivery delivery,
      Resender resender, Inbox inbox, IncomingQueue incoming, HintedIssues hints,
      Handover handover) {}

  /** The engine's steps a connector's parts start on their own, when there is work for them. */
  interface Prompts {
    /** Applies and delivers what arrived for the connector. */
    Runnable applyOnArrival(String connectorKey);

    /** Detects the issues a webhook hinted at. */
    Runnable detectHinted(String connectorKey);

    /**
     * Whether the engine is closing: a step running on another thread then ends at the next
     * pair it would apply or page it would read, leaving the rest queued.
     */
    boolean closing();
  }

  private LocalConnectors() {}

  /** Every local connector's parts, by connector key, in the trackers' order. */
  static Map<String, Local> wire(SyncConfiguration configuration,
      Map<String, IssueTracker> trackers, Map<String, MessageTransport> transports,
      Stores stores, Clock clock, Events events, EngineSettings settings,
      FieldMappingRegistry registry, Map<String, Map<String, FieldSchema>> schemas,
      Prompts prompts) {
    Map<String, Local> locals = new LinkedHashMap<>();
    Map<String, LateBoundTransport> direct = new LinkedHashMap<>();
    Map<String, Handover> handovers = new LinkedHashMap<>();
    for (Map.Entry<String, IssueTracker> e : trackers.entrySet()) {
      String key = e.getKey();
      Connector connector = new Connector(
          configuration, key, e.getValue(), registry, schemas.getOrDefault(key, Map.of()),
          // (a pair unlinked, its issue deleted or moved away, links nothing: the key may lead
          // to an issue of another project)
          remote -> stores.syncInfo().findByRemoteKey(key, remote)
              .filter(row -> !row.incomingChangesIgnored()).map(SyncInfo::localIssueKey),
          partnerContent(trackers, configuration.partnerOf(key).key(), transports.get(key)));
      MessageTransport transport = transports.get(key);
      Handover handover = new Handover();
      if (transport == null) {
        LateBoundTransport late = new LateBoundTransport();
        direct.put(connector.partner.key(), late);
        handovers.put(connector.partner.key(), handover);
        transport = late;
      }
      locals.put(key, parts(connector, configuration, stores, clock, events, settings, transport,
          handover, prompts));
    }
    direct.forEach((partnerKey, late) ->
        late.target = new DirectTransport(locals.get(partnerKey).inbox()));
    handovers.forEach((partnerKey, handover) -> handover.bind(locals.get(partnerKey).inbox()));
    return locals;
  }

  private static Local parts(Connector connector, SyncConfiguration configuration,
      Stores stores, Clock clock, Events events, EngineSettings settings,
      MessageTransport transport, Handover handover, Prompts prompts) {
    String key = connector.key();
    PairClaims pairs = new PairClaims(stores, key, settings);
    IssueValues values = new IssueValues(connector, settings);
    OutgoingContent content = new OutgoingContent(connector, stores);
    Outbox outbox = new Outbox(connector, stores, events, handover);
    Resender resender = new Resender(connector, stores, clock, events, values, content, outbox,
        pairs);
    ChangeDetection detection = new ChangeDetection(connector, stores, clock, events, settings,
        pairs, values, content, outbox, resender, prompts::closing);
    Delivery delivery = new Delivery(connector, stores, clock, events, settings, transport);
    IncomingQueue incoming = new IncomingQueue(connector, configuration, stores, clock, events,
        settings, new IncomingQueue.Replies(values, outbox, resender), pairs, prompts::closing,
        handover::promptPartner);
    Inbox inbox = new Inbox(connector, stores, clock, events, prompts.applyOnArrival(key));
    HintedIssues hints = new HintedIssues(connector::inProject, prompts.detectHinted(key));
    return new Local(connector, detection, delivery, resender, inbox, incoming, hints,
        handover);
  }

  /**
   * Streams the partner's attachments: from its tracker when it is local, else through the
   * connector's transport when that carries content.
   */
  private static AttachmentContent partnerContent(Map<String, IssueTracker> trackers,
      String partnerKey, MessageTransport transport) {
    IssueTracker partner = trackers.get(partnerKey);
    if (partner != null) {
      return announced -> ListedSize.atMost(partner.download(announced.attachmentId()),
          announced.size());
    }
    if (transport instanceof AttachmentContent carried) {
      return carried;
    }
    return announced -> {
      throw new SyncException("attachment " + announced.attachmentId() + " of " + partnerKey
          + " cannot be fetched: the transport " + transport + " does not carry file content"
          + " (one that implements AttachmentContent does, as the HTTP and file-drop transports"
          + " do)");
    };
  }

  /** Lets two local connectors' direct transports refer to each other's receivers. */
  private static final class LateBoundTransport implements MessageTransport {
    private MessageTransport target;

    @Override
    public Set<String> send(List<SyncMessage> messages) {
      return target.send(messages);
    }
  }
}
