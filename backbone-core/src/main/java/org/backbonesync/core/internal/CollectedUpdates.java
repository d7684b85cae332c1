package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.spi.internal.SmallMap;
import org.backbonesync.spi.mapping.FieldUpdates;

/**
 * What the incoming mappings of one message write: field values for one tracker update, and at
 * most one status to reach by transitions. Each mapping writes through {@link #forMapping}, which
 * holds it to its target fields.
 */
final class CollectedUpdates {
  /** A status to reach, how, and what the transition screens need. */
  record Move(String status, List<String> via, Map<String, JsonNode> fields) {}

  /** A link to make. */
  record Link(String type, boolean outward, String otherIssueKey) {}

  private final Map<String, JsonNode> fields;
  // (made when a mapping writes one: most messages carry neither)
  private Map<String, JsonNode> documents = Map.of();
  private List<Link> links = List.of();
  private Move move;

  /** Updates of about {@code expected} fields (a message's: most mappings write one). */
  CollectedUpdates(int expected) {
    this.fields = new SmallMap<>(expected);
  }

  /** The links to make; read-only. */
  List<Link> links() {
    return links;
  }

  Map<String, JsonNode> fields() {
    return fields;
  }

  /** Rich-text documents beside text values of {@link #fields()}, by field id; read-only. */
  Map<String, JsonNode> documents() {
    return documents;
  }

  /**
   * Puts a partner's document beside each text value a mapping wrote to its target fields: the
   * tracker writes it where the text is still the document's.
   */
  void document(Set<String> targets, JsonNode document) {
    if (document == null) {
      return;
    }
    for (String field : targets) {
      JsonNode value = fields.get(field);
      if (value != null && value.isTextual()) {
        if (documents.isEmpty()) {
          documents = new LinkedHashMap<>();
        }
        documents.put(field, document);
      }
    }
  }

  /** The status move asked for, or null. */
  Move move() {
    return move;
  }

  FieldUpdates forMapping(String mappingId, Set<String> targets) {
    return new FieldUpdates() {
      @Override
      public void set(String field, JsonNode value) {
        fields.put(field, MappingResults.written(mappingId, targets, field, value));
      }

      @Override
      public void transitionTo(String status, List<String> via, Map<String, JsonNode> screen) {
        MappingResults.target(mappingId, targets, "status");
        move = new Move(status, via == null ? List.of() : List.copyOf(via),
            screen == null ? Map.of() : Map.copyOf(screen));
      }

      @Override
      public void link(String type, boolean outward, String otherIssueKey) {
        MappingResults.target(mappingId, targets, "issuelinks");
        if (links.isEmpty()) {
          links = new ArrayList<>();
        }
        links.add(new Link(type, outward, otherIssueKey));
      }
    };
  }
}
