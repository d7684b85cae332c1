package org.backbonesync.core.internal;

import java.util.Set;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.mapping.ProblemReporter;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * {@code links}: issue links between synced issues (field {@code issuelinks} on both sides). A
 * link made on one side is made between the partners, with the link type translated through the
 * optional table ({@code rows} and {@code default}, as {@code correlation}; the same name without
 * one); a link removed on one side is removed on the other when the sync made or paired it. A
 * link to an issue that is not synced is skipped and logged; it is made later, when that issue is
 * synced. Links travel as operations, not values, so the engine runs this type itself (see
 * {@link LinkSync}); the halves here are never called.
 */
public final class LinksMapping implements FieldMappingProvider {
  @Override
  public String type() {
    return "links";
  }

  @Override
  public String displayName() {
    return "Issue links";
  }

  @Override
  public boolean supportsSource(FieldSchema field) {
    return field.id().equals("issuelinks");
  }

  @Override
  public boolean supportsTarget(FieldSchema field) {
    return field.id().equals("issuelinks");
  }

  @Override
  public void validate(MappingCheck check, ProblemReporter problems) {
    if (check.definitionA().settings().has("rows")) {
      CorrelationMapping.validateTable(check, problems, type(), Set.of("rows", "default"));
    } else {
      check.definitionA().settings().fieldNames().forEachRemaining(name ->
          problems.report("settings." + name, "unknown setting of links (rows, default)"));
    }
  }

  @Override
  public OutgoingFieldMapping outgoing(MappingDefinition definition) {
    throw new UnsupportedOperationException("links are synced by the engine itself");
  }

  @Override
  public IncomingFieldMapping incoming(MappingDefinition definition) {
    throw new UnsupportedOperationException("links are synced by the engine itself");
  }
}
