package org.backbonesync.spi.tracker;

import java.util.Objects;

/**
 * Time logged on an issue: who worked, when they started, for how long, and what they wrote
 * about it.
 *
 * @param id the tracker's worklog id
 * @param author the id of the user who logged the work
 * @param started epoch millis when the work started
 * @param timeSpentSeconds how long the work took, in seconds (Jira: at least 60)
 * @param comment the text logged with the work; empty when none
 * @param updated epoch millis of the last change (the creation time when never changed)
 * @param updateAuthor the id of the user who changed it last (the author when never changed)
 */
public record Worklog(String id, String author, long started, long timeSpentSeconds,
    String comment, long updated, String updateAuthor) {

  public Worklog {
    Objects.requireNonNull(id, "id");
    comment = comment == null ? "" : comment;
    updateAuthor = updateAuthor == null ? author : updateAuthor;
  }

  /** Work logged and never changed since. */
  public Worklog(String id, String author, long started, long timeSpentSeconds, String comment,
      long updated) {
    this(id, author, started, timeSpentSeconds, comment, updated, author);
  }
}
