package org.backbonesync.spi.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * Exports a field's value from a local issue into an issue synchronization message.
 *
 * <p>The outgoing queue calls a mapping only when one of its {@link #sourceFields()} appears in
 * the issue's new changelog entries (every mapping for a new issue). Implementations must be
 * stateless and thread-safe; they get everything they need from their arguments.
 */
public interface OutgoingFieldMapping {

  /** The tracker field ids this mapping reads; a change to any of them makes it run. */
  Set<String> sourceFields();

  /**
   * The value to put in the message.
   *
   * @return the exported value; JSON null for an empty field, never Java null
   */
  JsonNode exportValue(TrackedIssue issue, MappingContext context);
}
