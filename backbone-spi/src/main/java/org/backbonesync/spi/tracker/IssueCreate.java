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
 * @param documents rich-text documents beside text values of {@code fields}, as in {@link
 *     IssueTracker#updateIssue(String, Map, Map)}; empty for none
 */
public record IssueCreate(String issueType, Map<String, JsonNode> fields, String originMarker,
    Map<String, JsonNode> documents) {
  public IssueCreate {
    Objects.requireNonNull(issueType, "issueType");
    fields = Map.copyOf(fields);
    documents = documents == null ? Map.of() : Map.copyOf(documents);
  }

  /** A create without rich-text documents. */
  public IssueCreate(String issueType, Map<String, JsonNode> fields, String originMarker) {
    this(issueType, fields, originMarker, Map.of());
  }
}
