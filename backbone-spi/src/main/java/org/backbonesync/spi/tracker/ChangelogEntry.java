package org.backbonesync.spi.tracker;

import java.util.List;
import java.util.Objects;

/**
 * One changelog entry (a Jira "history"): who changed which fields at what time.
 *
 * @param id the tracker's id of the entry, unique within the issue
 * @param author the id of the user who made the change
 * @param timestamp when, epoch millis
 * @param items one item per changed field
 */
public record ChangelogEntry(String id, String author, long timestamp, List<FieldChange> items) {
  public ChangelogEntry {
    Objects.requireNonNull(id, "id");
    items = List.copyOf(items);
  }
}
