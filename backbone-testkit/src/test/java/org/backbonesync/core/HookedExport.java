package org.backbonesync.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.function.Consumer;
import org.backbonesync.core.internal.PassthroughMapping;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * A test mapping type that copies a field as it is, calling a hook before each export: the hook
 * can throw (a failing mapping) or wait (to hold a step halfway).
 */
final class HookedExport implements FieldMappingProvider {
  private final String type;
  private final Consumer<TrackedIssue> beforeExport;

  HookedExport(String type, Consumer<TrackedIssue> beforeExport) {
    this.type = type;
    this.beforeExport = beforeExport;
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
  public OutgoingFieldMapping outgoing(MappingDefinition d) {
    return new OutgoingFieldMapping() {
      @Override
      public Set<String> sourceFields() {
        return Set.of(d.localField());
      }

      @Override
      public JsonNode exportValue(TrackedIssue issue, MappingContext context) {
        beforeExport.accept(issue);
        return issue.field(d.localField());
      }
    };
  }

  @Override
  public IncomingFieldMapping incoming(MappingDefinition d) {
    return new PassthroughMapping().incoming(d);
  }
}
