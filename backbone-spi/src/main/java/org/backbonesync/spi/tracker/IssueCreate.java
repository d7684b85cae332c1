package org.backbonesync.spi.tracker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * A request to create an issue.
 *
 * @param issueType the issue type's name
 * @param fields the create-screen fields to set
 * @param originMarker an opaque marker the tracker stores with the issue (in Jira: an issue
 *     property) so that {@link IssueTracker#findByOriginMarker} finds it again; null for an issue
 *     not created by a sync
 */
public record IssueCreate(String issueType, Map<String, JsonNode> fields, String originMarker) {
  public IssueCreate {
    Objects.requireNonNull(issueType, "issueType");
    fields = Map.copyOf(fields);
  }
}
