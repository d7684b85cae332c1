package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import java.util.Optional;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.PendingCreate;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.IssueCreate;

/**
 * Creates the local issue for a partner's issue: the issue type translated, the parent of a
 * sub-task found among the pairs, the fields the create screen takes, the origin marker; the
 * pending create is recorded first, so that a crash after the tracker's create is recoverable.
 */
final class IssueCreator {
  /** An issue just created, and the create screen it was created through. */
  record Created(String key, CreateMetadata screen) {}

  private final Connector connector;
  private final SyncConfiguration configuration;
  private final Stores stores;
  private final IncomingMappings mappings;

  IssueCreator(Connector connector, SyncConfiguration configuration, Stores stores,
      IncomingMappings mappings) {
    this.connector = connector;
    this.configuration = configuration;
    this.stores = stores;
    this.mappings = mappings;
  }

  /**
   * Creates the issue with the mappings whose target fields are all on the create screen; the
   * pending create is committed first, so that a crash after the tracker's create is recoverable.
   */
  Created create(SyncMessage message, String marker, long now) {
    if (message.issueType() == null) {
      throw new SyncException(
          "message " + message.messageId() + " would create an issue but names no issue type",
          null, connector.key(), message.sourceIssueKey(), null);
    }
    String type = configuration.targetIssueType(connector.key(), message.issueType());
    String parent = null;
    if (message.parentIssueKey() != null) {
      parent = stores.syncInfo().findByRemoteKey(connector.key(), message.parentIssueKey())
          .map(SyncInfo::localIssueKey)
          .orElseThrow(() -> new RetriableException("parent " + message.parentIssueKey() + " of "
              + message.sourceIssueKey() + " is not synced to " + connector.key()
              + " yet; the sub-task waits for it", null));
    }
    CreateMetadata screen = connector.tracker.createMetadata(type);
    CollectedUpdates onScreen =
        mappings.importAll(message, message.fields(), screen, Optional::empty, null, true);
    Map<String, JsonNode> fields = onScreen.fields();
    if (parent != null) {
      fields.put("parent", JsonNodeFactory.instance.textNode(parent));
    }
    stores.syncInfo().putPendingCreate(
        new PendingCreate(connector.key(), message.sourceIssueKey(), marker, now));
    String key = connector.tracker.createIssue(new IssueCreate(type, fields, marker,
        onScreen.documents()));
    return new Created(key, screen);
  }}
