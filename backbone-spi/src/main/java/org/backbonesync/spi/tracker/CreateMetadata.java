package org.backbonesync.spi.tracker;

import java.util.Set;

/**
 * What the create screen of one issue type holds.
 *
 * @param issueType the issue type's name
 * @param fields the field ids that can be set when creating
 * @param requiredFields the subset that must be set
 */
public record CreateMetadata(String issueType, Set<String> fields, Set<String> requiredFields) {
  public CreateMetadata {
    fields = Set.copyOf(fields);
    requiredFields = Set.copyOf(requiredFields);
    if (!fields.containsAll(requiredFields)) {
      throw new IllegalArgumentException(
          "requiredFields " + requiredFields + " must all be in fields " + fields);
    }
  }

  /** Whether the field can be set on create. */
  public boolean onScreen(String fieldId) {
    return fields.contains(fieldId);
  }
}
