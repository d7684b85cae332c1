package org.backbonesync.spi.tracker;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A comment on an issue.
 *
 * @param id the tracker's comment id
 * @param author the id of its author
 * @param body its text
 * @param created epoch millis
 * @param updated epoch millis of the last edit (equals created when never edited)
 * @param visibility who may see it, as {@code type:value} (Jira: {@code role:Developers} or {@code
 *     group:jira-users}, or {@code jsd:internal} for a Jira Service Management internal comment,
 *     which the service desk's customers do not see), or null for everyone who can see the issue
 * @param updateAuthor the id of the user who edited it last (the author when never edited)
 * @param document the tracker's own rich-text document of the body (Jira Cloud: ADF, whose wiki
 *     markup is the body), or null; as {@link TrackedIssue#documents()}
 */
public record Comment(String id, String author, String body, long created, long updated,
    String visibility, String updateAuthor, JsonNode document) {

  public Comment {
    updateAuthor = updateAuthor == null ? author : updateAuthor;
    document = document == null || document.isNull() ? null : document;
  }

  /** A comment without a rich-text document. */
  public Comment(String id, String author, String body, long created, long updated,
      String visibility, String updateAuthor) {
    this(id, author, body, created, updated, visibility, updateAuthor, null);
  }

  /** A comment everyone who can see the issue can see, never edited. */
  public Comment(String id, String author, String body, long created, long updated) {
    this(id, author, body, created, updated, null, author);
  }

  /** Whether its visibility is restricted. */
  public boolean restricted() {
    return visibility != null;
  }
}
