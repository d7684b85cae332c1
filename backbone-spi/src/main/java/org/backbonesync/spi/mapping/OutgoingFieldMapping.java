package org.backbonesync.spi.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * Exports a field's value from a local issue into an issue synchronization message.
 *
 * <p>The outgoing queue exports a value only when one of its {@link #sourceFields()} appears in
 * the issue's new changelog entries (every mapping for a new issue), though it may call the
 * mapping several times for that change (see {@link #exportValue}). Implementations must be
 * stateless and thread-safe; they get everything they need from their arguments.
 */
public interface OutgoingFieldMapping {

  /** The tracker field ids this mapping reads; a change to any of them makes it run. */
  Set<String> sourceFields();

  /**
   * The value to put in the message, or to compare with the last one sent.
   *
   * <p>May be called more than once for one change (when a poll looks whether anything changed
   * before it takes the lease, when it examines the issue, when it checks whether a value is
   * unchanged since it was sent or weighs a conflicting incoming change, and for a resend), and
   * for an issue whose value did not change at all. It must be cheap and free of side effects
   * (no writes, no counting of calls), and return equal values for equal issues.
   *
   * @return the exported value; JSON null for an empty field, never Java null
   */
  JsonNode exportValue(TrackedIssue issue, MappingContext context);
}
