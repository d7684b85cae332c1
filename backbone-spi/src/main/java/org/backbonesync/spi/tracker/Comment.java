package org.backbonesync.spi.tracker;

/**
 * A comment on an issue.
 *
 * @param id the tracker's comment id
 * @param author the id of its author
 * @param body its text
 * @param created epoch millis
 * @param updated epoch millis of the last edit (equals created when never edited)
 * @param visibility who may see it, as {@code type:value} (Jira: {@code role:Developers} or {@code
 *     group:jira-users}), or null for everyone who can see the issue
 * @param updateAuthor the id of the user who edited it last (the author when never edited)
 */
public record Comment(String id, String author, String body, long created, long updated,
    String visibility, String updateAuthor) {

  public Comment {
    updateAuthor = updateAuthor == null ? author : updateAuthor;
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
