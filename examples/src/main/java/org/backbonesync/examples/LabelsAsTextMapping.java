package org.backbonesync.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * An example custom mapping type, {@code example.labels-as-text}: sends an issue's labels and
 * writes them into a text field on the other side, joined by ", " (for a partner project without
 * labels). One way only: text cannot be turned back into labels reliably.
 *
 * <p>It is found on the classpath through {@code
 * META-INF/services/org.backbonesync.spi.mapping.FieldMappingProvider}, so a configuration can
 * name its type without any registration code.
 */
public final class LabelsAsTextMapping implements FieldMappingProvider {

  @Override
  public String type() {
    return "example.labels-as-text";
  }

  @Override
  public String displayName() {
    return "Labels as text";
  }

  @Override
  public boolean twoWay() {
    return false;
  }

  @Override
  public boolean supportsSource(FieldSchema field) {
    return "array".equals(field.type()) && "string".equals(field.items());
  }

  @Override
  public boolean supportsTarget(FieldSchema field) {
    return "string".equals(field.type());
  }

  @Override
  public OutgoingFieldMapping outgoing(MappingDefinition definition) {
    String labels = definition.localField();
    return new OutgoingFieldMapping() {
      @Override
      public Set<String> sourceFields() {
        return Set.of(labels);
      }

      @Override
      public JsonNode exportValue(TrackedIssue issue, MappingContext context) {
        return issue.field(labels);
      }
    };
  }

  @Override
  public IncomingFieldMapping incoming(MappingDefinition definition) {
    String textField = definition.localField();
    return new IncomingFieldMapping() {
      @Override
      public Set<String> targetFields() {
        return Set.of(textField);
      }

      @Override
      public void importValue(JsonNode value, FieldUpdates updates, MappingContext context) {
        List<String> labels = new ArrayList<>();
        value.forEach(label -> labels.add(label.asText()));
        updates.set(textField, labels.isEmpty()
            ? NullNode.getInstance()
            : JsonNodeFactory.instance.textNode(String.join(", ", labels)));
      }
    };
  }
}
