package org.backbonesync.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.function.Consumer;
import org.backbonesync.core.internal.PassthroughMapping;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * A test's mapping type as a mapping author writes one, of the mapping's one local field: the
 * test's {@link Exporter} and {@link Importer} say what each side does, and a side without one
 * copies the value as it is (a passthrough).
 */
final class HookedMapping implements FieldMappingProvider {
  /** What the outgoing mapping exports of an issue. */
  interface Exporter {
    JsonNode exportValue(String localField, TrackedIssue issue);
  }

  /** What the incoming mapping does with a value. */
  interface Importer {
    void importValue(String localField, JsonNode value, FieldUpdates updates);
  }

  private final String type;
  /** Null: a passthrough. */
  private final Exporter exporter;
  /** Null: a passthrough. */
  private final Importer importer;

  HookedMapping(String type, Exporter exporter, Importer importer) {
    this.type = type;
    this.exporter = exporter;
    this.importer = importer;
  }

  /**
   * Exports the field as it is after calling {@code hook}, which can throw (a failing mapping)
   * or wait (to hold a step halfway); imports it as it is.
   */
  static HookedMapping beforeExport(String type, Consumer<TrackedIssue> hook) {
    return new HookedMapping(type, (field, issue) -> {
      hook.accept(issue);
      return issue.field(field);
    }, null);
  }

  /** Exports the field as it is; imports it through {@code importer}. */
  static HookedMapping importing(String type, Importer importer) {
    return new HookedMapping(type, null, importer);
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
    if (exporter == null) {
      return new PassthroughMapping().outgoing(definition);
    }
    return new OutgoingFieldMapping() {
      @Override
      public Set<String> sourceFields() {
        return Set.of(definition.localField());
      }

      @Override
      public JsonNode exportValue(TrackedIssue issue, MappingContext context) {
        return exporter.exportValue(definition.localField(), issue);
      }
    };
  }

  @Override
  public IncomingFieldMapping incoming(MappingDefinition definition) {
    if (importer == null) {
      return new PassthroughMapping().incoming(definition);
    }
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
