package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.tracker.TrackedIssue;

/** The mapping types every engine knows. */
public final class BuiltInMappings {
  private static final List<FieldMappingProvider> ALL = List.of(
      new PassthroughMapping(), new CorrelationMapping(), new ToTextMapping(),
      new ConstantMapping(), new UserMapping(), new StatusMapping(), new CommentsMapping(),
      new LinksMapping(), new AttachmentsMapping(), new WorklogsMapping());

  private BuiltInMappings() {}

  /** One instance of each built-in provider (they are stateless). */
  public static List<FieldMappingProvider> all() {
    return ALL;
  }

  /** What an incoming half does with a value (see {@link IncomingFieldMapping#importValue}). */
  @FunctionalInterface
  interface Import {
    void apply(JsonNode value, FieldUpdates updates, MappingContext context);
  }

  /**
   * The incoming half most types share the shape of: it writes {@code fields} as {@code how}
   * says, and logs show it as {@code description}.
   */
  static IncomingFieldMapping writing(Set<String> fields, Import how, String description) {
    return new IncomingFieldMapping() {
      @Override
      public Set<String> targetFields() {
        return fields;
      }

      @Override
      public void importValue(JsonNode value, FieldUpdates updates, MappingContext context) {
        how.apply(value, updates, context);
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }

  /** The outgoing half most types share: the local field's value as it is. */
  static OutgoingFieldMapping readField(MappingDefinition definition) {
    String field = definition.localField();
    Set<String> fields = Set.of(field);
    return new OutgoingFieldMapping() {
      @Override
      public Set<String> sourceFields() {
        return fields;
      }

      @Override
      public JsonNode exportValue(
          TrackedIssue issue, MappingContext context) {
        return issue.field(field);
      }

      @Override
      public String toString() {
        return "read(" + field + ")";
      }
    };
  }
}
