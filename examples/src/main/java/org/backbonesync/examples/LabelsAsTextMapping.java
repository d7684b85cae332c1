package org.backbonesync.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * An example custom field mapping: sends an issue's labels and writes them into a text field on
 * the other side, joined by ", " (for a partner project that has no labels). One way only: the
 * text cannot be turned back into labels reliably.
 *
 * <p>The outgoing half runs when the labels change and exports them as they are (a JSON array);
 * the incoming half renders the array into the configured text field, JSON null for no labels.
 */
public final class LabelsAsTextMapping {
  private LabelsAsTextMapping() {}

  /** Exports the {@code labels} field. */
  public static OutgoingFieldMapping outgoing() {
    return new OutgoingFieldMapping() {
      @Override
      public Set<String> sourceFields() {
        return Set.of("labels");
      }

      @Override
      public JsonNode exportValue(TrackedIssue issue, MappingContext context) {
        return issue.field("labels");
      }
    };
  }

  /** Writes the labels into {@code textField}. */
  public static IncomingFieldMapping incoming(String textField) {
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
