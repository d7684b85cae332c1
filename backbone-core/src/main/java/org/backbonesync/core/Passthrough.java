package org.backbonesync.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.tracker.TrackedIssue;

/** Sends a field's normalized value as it is, and writes it as it is. */
final class Passthrough implements OutgoingFieldMapping, IncomingFieldMapping {
  private final String field;
  private final Set<String> fields;

  Passthrough(String field) {
    this.field = field;
    this.fields = Set.of(field);
  }

  @Override
  public Set<String> sourceFields() {
    return fields;
  }

  @Override
  public JsonNode exportValue(TrackedIssue issue, MappingContext context) {
    return issue.field(field);
  }

  @Override
  public Set<String> targetFields() {
    return fields;
  }

  @Override
  public void importValue(JsonNode value, FieldUpdates updates, MappingContext context) {
    updates.set(field, value);
  }

  @Override
  public String toString() {
    return "passthrough(" + field + ")";
  }
}
