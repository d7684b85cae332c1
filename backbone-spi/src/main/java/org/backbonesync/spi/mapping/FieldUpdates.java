package org.backbonesync.spi.mapping;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The field values an incoming mapping writes; the engine collects those of all mappings of one
 * message and sends them to the tracker in one operation. Not thread-safe; used by one mapping
 * call at a time.
 */
public interface FieldUpdates {

  /**
   * Sets a field to a value in normalized form (JSON null clears it).
   *
   * @throws IllegalArgumentException when the field is not one of the mapping's target fields
   */
  void set(String fieldId, JsonNode value);
}
