package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.mapping.ProblemReporter;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * A mapping type whose content travels as operations of a content flow (comments, attachments,
 * worklogs, issue links): the engine runs it itself, so its halves are never called. The type
 * names the field it syncs on both sides and checks its settings; the flow does the rest.
 */
abstract class ContentMapping implements FieldMappingProvider {
  private final String type;
  private final String displayName;

  ContentMapping(String type, String displayName) {
    this.type = type;
    this.displayName = displayName;
  }

  /** Whether the field is the one this content lives in. */
  abstract boolean supports(FieldSchema field);

  @Override
  public final String type() {
    return type;
  }

  @Override
  public final String displayName() {
    return displayName;
  }

  @Override
  public final boolean supportsSource(FieldSchema field) {
    return supports(field);
  }

  @Override
  public final boolean supportsTarget(FieldSchema field) {
    return supports(field);
  }

  /** Reports each setting not among {@code known}. */
  final void refuseUnknown(JsonNode settings, Set<String> known, ProblemReporter problems) {
    settings.fieldNames().forEachRemaining(name -> {
      if (!known.contains(name)) {
        problems.report("settings." + name, "unknown setting of " + type);
      }
    });
  }

  @Override
  public final OutgoingFieldMapping outgoing(MappingDefinition definition) {
    throw new UnsupportedOperationException(type + " are synced by the engine itself");
  }

  @Override
  public final IncomingFieldMapping incoming(MappingDefinition definition) {
    throw new UnsupportedOperationException(type + " are synced by the engine itself");
  }
}
