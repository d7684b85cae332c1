package org.backbonesync.spi.tracker;

import java.util.Objects;

/**
 * One changed field in a changelog entry.
 *
 * @param field the field id (e.g. {@code summary}, {@code customfield_10020})
 * @param from the display text before the change, or null
 * @param to the display text after the change, or null
 */
public record FieldChange(String field, String from, String to) {
  public FieldChange {
    Objects.requireNonNull(field, "field");
  }
}
