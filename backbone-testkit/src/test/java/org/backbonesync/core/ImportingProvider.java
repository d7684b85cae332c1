package org.backbonesync.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.backbonesync.core.internal.PassthroughMapping;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;

/**
 * A test's mapping type as a mapping author writes one: values go out as they are (a
 * passthrough), and come in through the test's {@link Importer}, which writes the mapping's one
 * local field.
 */
final class ImportingProvider implements FieldMappingProvider {
  /** What the incoming mapping does with a value. */
  interface Importer {
    void importValue(String localField, JsonNode value, FieldUpdates updates);
  }

  private final String type;
  private final Importer importer;

  ImportingProvider(String type, Importer importer) {
    this.type = type;
    this.importer = importer;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public String displayName() {
    return type;
  }

  @Override
  public OutgoingFieldMapping outgoing(MappingDefinition definition) {
    return new PassthroughMapping().outgoing(definition);
  }

  @Override
  public IncomingFieldMapping incoming(MappingDefinition definition) {
    return new IncomingFieldMapping() {
      @Override
      public Set<String> targetFields() {
        return Set.of(definition.localField());
      }

      @Override
      public void importValue(JsonNode value, FieldUpdates updates, MappingContext context) {
        importer.importValue(definition.localField(), value, updates);
      }
    };
  }
}
