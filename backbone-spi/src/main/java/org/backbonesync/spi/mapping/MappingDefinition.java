package org.backbonesync.spi.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Objects;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * One configured field mapping as seen from one side: what a {@link FieldMappingProvider} needs to
 * make the outgoing mapping that runs there (reading {@link #localField()}) or the incoming one
 * (writing it).
 *
 * @param id the field mapping's stable id
 * @param side the side the mapping runs on
 * @param localField the field on this side, or null when the mapping names none there (a constant
 *     has no source field)
 * @param remoteField the field on the other side, or null
 * @param localSchema the local field's schema when the tracker told it, else null
 * @param settings the mapping type's settings (a JSON object, empty when none)
 */
public record MappingDefinition(
    String id,
    MappingSide side,
    String localField,
    String remoteField,
    FieldSchema localSchema,
    JsonNode settings) {
  public MappingDefinition {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(side, "side");
    settings = settings == null ? JsonNodeFactory.instance.objectNode() : settings;
  }
}
