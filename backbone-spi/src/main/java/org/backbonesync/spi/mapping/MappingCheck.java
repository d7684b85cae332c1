package org.backbonesync.spi.mapping;

import java.util.Objects;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * What a {@link FieldMappingProvider} checks a configured field mapping against.
 *
 * @param definitionA the mapping as seen from side A (its settings are the mapping's settings)
 * @param fromA whether changes flow from A to B
 * @param fromB whether changes flow from B to A
 * @param schemaA the field on side A when the project is known, else null
 * @param schemaB the field on side B when the project is known, else null
 */
public record MappingCheck(
    MappingDefinition definitionA, boolean fromA, boolean fromB, FieldSchema schemaA,
    FieldSchema schemaB) {
  public MappingCheck {
    Objects.requireNonNull(definitionA, "definitionA");
  }
}
