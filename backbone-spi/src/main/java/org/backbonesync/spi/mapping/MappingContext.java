package org.backbonesync.spi.mapping;

import java.util.Optional;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * What a field mapping may know about the call it is in. Mappings get services only from here,
 * never from statics, so that two engines in one JVM share nothing.
 */
public interface MappingContext {

  /** The key of the connector running the mapping. */
  String connectorKey();

  /**
   * The local tracker, acting as the connector's sync user: for lookups a mapping needs (users,
   * the issue's other fields). Writes belong in {@link FieldUpdates}, not here.
   */
  IssueTracker tracker();

  /**
   * The local issue paired with an issue of the partner project, if that one is synced: for
   * mappings that refer to other issues (links).
   */
  Optional<String> localPartnerOf(String remoteIssueKey);

  /** The field mapping id (from the synchronization's configuration) being run. */
  String fieldMappingId();

  /**
   * The local issue: for an outgoing mapping the issue being exported; for an incoming mapping
   * the issue being updated, or empty while it is being created.
   */
  Optional<TrackedIssue> localIssue();

  /**
   * For an incoming mapping: whether the message is creating the local issue (in the create, or
   * in the update right after it). Always false for an outgoing mapping.
   */
  boolean creating();
}
