package org.backbonesync.spi.tracker;

import java.util.List;
import java.util.Objects;

/**
 * What a field of a project holds, after Jira's field schema: its type ({@code string}, {@code
 * number}, {@code date}, {@code datetime}, {@code option}, {@code priority}, {@code user}, {@code
 * status}, {@code issuetype}, {@code array}...), the item type of an array, whether it is a system
 * field, its custom type key for a custom field, and the values it accepts when they are a fixed
 * list.
 *
 * @param id the field id, e.g. {@code priority} or {@code customfield_10010}
 * @param name the display name
 * @param type the schema type
 * @param items the item type when {@code type} is {@code array}, else null
 * @param custom the custom field type key (e.g. {@code
 *     com.atlassian.jira.plugin.system.customfieldtypes:select}), or null for a system field
 * @param allowedValues the values the field accepts (for arrays: its items accept), or null when
 *     any value of the type is accepted or the tracker cannot tell
 */
public record FieldSchema(
    String id, String name, String type, String items, String custom, List<String> allowedValues) {
  public FieldSchema {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    allowedValues = allowedValues == null ? null : List.copyOf(allowedValues);
  }

  /** A system field of a simple type with any value. */
  public static FieldSchema system(String id, String name, String type) {
    return new FieldSchema(id, name, type, null, null, null);
  }

  /** Whether it is a system field (not a custom field). */
  public boolean system() {
    return custom == null;
  }

  /** The schema as text, e.g. {@code string} or {@code array<option>}. */
  public String describe() {
    return items == null ? type : type + "<" + items + ">";
  }
}
