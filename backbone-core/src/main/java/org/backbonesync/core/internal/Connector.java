package org.backbonesync.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.backbonesync.core.ConflictRule;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.MappingSide;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.transport.AttachmentContent;

/**
 * A local connector: its configuration, its tracker, the mappings of its two directions, and a
 * count of the messages this engine appended to its outbox.
 */
final class Connector {
  /** An outgoing mapping with the id its values travel under. */
  record Outgoing(String id, OutgoingFieldMapping mapping) {}

  /**
   * An incoming mapping; {@code builtIn} ones whose fields are all on the create screen go into
   * the create, the others into the update after it (custom ones always, as in the original).
   */
  record Incoming(IncomingFieldMapping mapping, boolean builtIn) {}

  final String syncId;
  final ConnectorConfig config;
  final ConnectorConfig partner;
  final IssueTracker tracker;
  final List<Outgoing> outgoing;
  final Map<String, Incoming> incoming;
  /**
   * The content flows (comments, worklogs, attachments, links) that send from this connector,
   * in mapping order.
   */
  final List<ContentFlow> flowsOut;
  /** The content flows that apply to this connector, by mapping id. */
  final Map<String, ContentFlow> flowsIn;
  /** The ids of every content flow configured, whichever way it goes: operations, not values. */
  final Set<String> flowIds;
  /** The ids of the mappings whose concurrent changes merge. */
  final Set<String> merging;
  /**
   * Messages this engine appended to the connector's outbox so far, counted in transactions that
   * may yet roll back (an over-count costs one look at the outbox): a round's apply tells by it
   * whether it left anything for a second delivery.
   */
  private final AtomicLong appended = new AtomicLong();
  /** The local issue paired with a remote one, for mappings that refer to other issues. */
  final Function<String, Optional<String>> partners;
  /** Translates mentions in the text this connector sends and receives. */
  final Mentions mentions;
  /** The configuration's mappings, in its order (to name one by its index). */
  private final List<FieldMapping> configurationMappings;

  /**
   * Makes the connector's mappings from the configuration; the configuration was checked against
   * the registry, so every type is known.
   *
   * @param schemas the local project's fields by id (empty when unknown)
   */
  Connector(SyncConfiguration configuration, String key, IssueTracker tracker,
      FieldMappingRegistry registry, Map<String, FieldSchema> schemas,
      Function<String, Optional<String>> partners,
      AttachmentContent partnerContent) {
    this.partners = partners;
    this.syncId = configuration.id();
    this.config = configuration.connector(key).orElseThrow();
    this.partner = configuration.partnerOf(key);
    this.tracker = tracker;
    MappingSide side = configuration.isA(key) ? MappingSide.A : MappingSide.B;
    this.mentions = new Mentions(configuration, side, tracker);
    this.configurationMappings = configuration.fieldMappings();
    Wiring wiring = new Wiring(side, registry, schemas, partnerContent);
    configuration.fieldMappings().forEach(wiring::add);
    this.outgoing = List.copyOf(wiring.out);
    this.incoming = wiring.in;
    this.flowsOut = List.copyOf(wiring.flowsFrom);
    this.flowsIn = Collections.unmodifiableMap(wiring.flowsTo);
    Set<String> flows = new LinkedHashSet<>();
    wiring.flowsFrom.forEach(f -> flows.add(f.id()));
    flows.addAll(wiring.flowsTo.keySet());
    this.flowIds = Collections.unmodifiableSet(flows);
    Set<String> merge = new HashSet<>();
    configuration.fieldMappings().stream()
        .filter(m -> m.conflict() == ConflictRule.MERGE)
        .forEach(m -> merge.add(m.id()));
    this.merging = Set.copyOf(merge);
  }

  /** The connector's outgoing and incoming halves of each mapping, as the mappings are read. */
  private final class Wiring {
    final List<Outgoing> out = new ArrayList<>();
    final Map<String, Incoming> in = new LinkedHashMap<>();
    final List<ContentFlow> flowsFrom = new ArrayList<>();
    final Map<String, ContentFlow> flowsTo = new LinkedHashMap<>();
    private final MappingSide side;
    private final FieldMappingRegistry registry;
    private final Map<String, FieldSchema> schemas;
    private final AttachmentContent partnerContent;

    Wiring(MappingSide side, FieldMappingRegistry registry, Map<String, FieldSchema> schemas,
        AttachmentContent partnerContent) {
      this.side = side;
      this.registry = registry;
      this.schemas = schemas;
      this.partnerContent = partnerContent;
    }

    /** A content flow, or a field mapping's halves, each where its direction says. */
    void add(FieldMapping m) {
      boolean sideA = side == MappingSide.A;
      boolean from = sideA ? m.direction().fromA() : m.direction().fromB();
      boolean to = sideA ? m.direction().fromB() : m.direction().fromA();
      FieldMappingProvider provider = registry.provider(m.type()).orElseThrow();
      ContentFlow flow = flow(provider, m, tracker, side, partnerContent);
      if (flow != null) {
        if (from) {
          flowsFrom.add(flow);
        }
        if (to) {
          flowsTo.put(m.id(), flow);
        }
        return;
      }
      MappingDefinition definition = MappingHalves.definition(m, side, schemas);
      int index = configurationMappings.indexOf(m);
      if (from) {
        out.add(new Outgoing(m.id(), MappingHalves.outgoing(m, index, provider, definition,
            config.projectKey(), schemas)));
      }
      if (to) {
        IncomingFieldMapping incoming = MappingHalves.incoming(m, index, provider, definition);
        in.put(m.id(), new Incoming(incoming, registry.isBuiltIn(m.type())));
      }
    }
  }

  /** The content flow a mapping type makes, or null for a field mapping. */
  private ContentFlow flow(FieldMappingProvider provider, FieldMapping m, IssueTracker tracker,
      MappingSide side, AttachmentContent partnerContent) {
    if (provider instanceof LinksMapping) {
      MappingDefinition definition = new MappingDefinition(m.id(), side, "issuelinks",
          "issuelinks", null, m.settings());
      return new LinkSync(m.id(), config.key(), tracker, partners,
          m.settings().has("rows") ? new CorrelationMapping.Table(definition) : null);
    }
    if (provider instanceof AttachmentsMapping) {
      return new AttachmentSync(m.id(), tracker, config.syncUser(), m.settings(), partnerContent);
    }
    if (provider instanceof CommentsMapping) {
      return new CommentSync(m.id(), tracker, config.syncUser(), m.settings(),
          side == MappingSide.B, mentions);
    }
    if (provider instanceof WorklogsMapping) {
      return new WorklogSync(m.id(), tracker, config.syncUser(), m.settings(),
          side == MappingSide.B, mentions);
    }
    return null;
  }

  String key() {
    return config.key();
  }

  /** The ids of every mapping and content flow that sends from this connector. */
  Set<String> sendingIds() {
    Set<String> ids = new LinkedHashSet<>();
    outgoing.forEach(out -> ids.add(out.id()));
    flowsOut.forEach(flow -> ids.add(flow.id()));
    return ids;
  }

  /**
   * Whether a message of the partner is a resync carrying its issue whole as far as this
   * connector takes it in: a value of every mapping that syncs towards it, and every content
   * flow's items to the end (what a resync of an issue the partner has no pair of sends). A
   * change never counts, however much it carries: it goes in order.
   */
  boolean carriesWhole(SyncMessage message) {
    if (message.kind() != MessageKind.RESYNC
        || !message.fields().keySet().containsAll(incoming.keySet())) {
      return false;
    }
    for (ContentFlow flow : flowsIn.values()) {
      if (flow.marksWhole() && !OutgoingContent.complete(message.content().get(flow.id()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The partner issue an origin marker of this connector names (the issue it was created for),
   * or null for a marker of another connector or synchronization.
   */
  String partnerInMarker(String marker) {
    String prefix = originMarkerPrefix();
    if (marker == null || !marker.startsWith(prefix)) {
      return null;
    }
    // Anyone who may edit the issue may change its marker: a key no message could have carried
    // (none, overlong, a line break) is not ours, and would reach the logs and the partner.
    String partner = marker.substring(prefix.length());
    return Arguments.textProblem(partner, Arguments.MAX_ISSUE_KEY_LENGTH) == null
        ? partner : null;
  }

  /** The marker an issue created by this connector for a partner issue carries. */
  String originMarker(String remoteIssueKey) {
    return originMarkerPrefix() + remoteIssueKey;
  }

  /** Issues whose origin marker starts with this were created by this connector's sync. */
  String originMarkerPrefix() {
    return "backbone:" + syncId + ":" + config.key() + ":";
  }

  /**
   * Whether an issue key belongs to this connector's project (the scope guarantee): under the
   * configured project key, or any key the tracker knows the project by (a renamed project's).
   */
  boolean inProject(String issueKey) {
    if (underKey(issueKey, config.projectKey())) {
      return true;
    }
    for (String projectKey : tracker.projectKeys()) {
      if (underKey(issueKey, projectKey)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the issue key is "projectKey-..." (without building that prefix: per issue). */
  private static boolean underKey(String issueKey, String projectKey) {
    int n = projectKey.length();
    return issueKey.length() > n && issueKey.charAt(n) == '-' && issueKey.startsWith(projectKey);
  }

  /**
   * The issue of this key, unless the key now leads elsewhere (a tracker follows a moved issue's
   * old key to its new one, in another project too): for reads that must not take another
   * issue's content for the pair's.
   */
  Optional<TrackedIssue> ownIssue(String issueKey) {
    return tracker.issue(issueKey).filter(issue -> issue.key().equals(issueKey));
  }

  /** The failure of a message whose local issue is gone. */
  SyncException gone(String localKey) {
    return new SyncException(localKey + " no longer exists in " + key(), null, key(), localKey,
        null);
  }

  /**
   * A row of this connector as it is now, locked until the enclosing transaction ends, for
   * changing it: other nodes' writes since the caller read it are kept, and nobody writes it
   * before this transaction does. Call inside {@code stores.inTransaction}.
   *
   * @throws RetriableException when the row was deleted meanwhile (by an admin): the step is
   *     tried again and finds the pair as the delete left it (a message to the row is not parked
   *     for an admin)
   */
  SyncInfo lockRow(Stores stores, long id) {
    return stores.syncInfo().findByIdForUpdate(key(), id).orElseThrow(() ->
        new RetriableException("sync information " + id + " of connector " + key()
            + " was deleted meanwhile; tried again", null));
  }

  /**
   * Takes a partner's message off the inbox without applying values from it: the row, locked,
   * gets {@code change} and the message's sequence id as applied, and the message goes. Call
   * inside {@code stores.inTransaction}.
   *
   * @return the row as written
   */
  SyncInfo consume(Stores stores, long rowId, SyncMessage message, long now,
      UnaryOperator<SyncInfo> change) {
    SyncInfo written =
        change.apply(lockRow(stores, rowId)).withReceived(message.sequenceId(), now);
    stores.syncInfo().update(written);
    stores.messages().removeIncoming(key(), message.messageId());
    return written;
  }

  /** Counts a message appended to the outbox. */
  void appended() {
    appended.incrementAndGet();
  }

  /** The messages this engine appended to the outbox so far. */
  long appendedSoFar() {
    return appended.get();
  }
}
