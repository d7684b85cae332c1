package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * Runs a message's incoming field mappings into the updates for the local issue (fields, a
 * status move, links): all of them, or those on a create screen, or those not on it. Writes
 * nothing; the {@link Applier} writes the updates.
 */
final class IncomingMappings {
  private final Connector connector;

  IncomingMappings(Connector connector) {
    this.connector = connector;
  }

  /**
   * Runs the incoming mappings of a message.
   *
   * @param onlyOnScreen when not null, only the mappings whose target fields are all on this
   *     create screen
   * @param notOnScreen when not null, only the mappings that are not all on this create screen
   * @param creating whether the message is creating the issue
   */
  CollectedUpdates importAll(
      SyncMessage message,
      Map<String, FieldValue> values,
      CreateMetadata onlyOnScreen,
      Supplier<Optional<TrackedIssue>> issue,
      CreateMetadata notOnScreen,
      boolean creating) {
    CollectedUpdates collected = new CollectedUpdates(values.size());
    for (Map.Entry<String, FieldValue> e : values.entrySet()) {
      String id = e.getKey();
      Connector.Incoming incoming = connector.incoming.get(id);
      if (incoming == null) {
        continue; // comments and attachments: applied after the fields, by their own sync
      }
      IncomingFieldMapping mapping = incoming.mapping();
      Set<String> targets = mapping.targetFields();
      if (onlyOnScreen != null && !inCreate(incoming, onlyOnScreen)) {
        continue;
      }
      if (notOnScreen != null && inCreate(incoming, notOnScreen)) {
        continue;
      }
      FieldUpdates updates = collected.forMapping(id, targets);
      try {
        Mentions.Translated in =
            connector.mentions.translate(e.getValue().value(), e.getValue().document());
        mapping.importValue(own(in.value()), updates,
            new Context(connector, id, issue, creating));
        collected.document(targets, in.document());
      } catch (RuntimeException ex) {
        throw MappingResults.importFailed(ex, id, e.getValue().value(), connector.key(),
            message.sourceIssueKey());
      }
    }
    return collected;
  }

  /**
   * The value for a mapping to read: an array or object copied. The stores hand out the stored
   * message's own (the in-memory ones share it with the sender's outbox and its last synced
   * values), so a mapping that changed it, though it must not, would change what a retry and the
   * sender read; text, numbers and null are immutable, and most values are those.
   */
  private static JsonNode own(JsonNode value) {
    return value.isContainerNode() ? value.deepCopy() : value;
  }

  private static boolean inCreate(Connector.Incoming incoming, CreateMetadata screen) {
    return incoming.builtIn() && screen.fields().containsAll(incoming.mapping().targetFields());
  }
}
