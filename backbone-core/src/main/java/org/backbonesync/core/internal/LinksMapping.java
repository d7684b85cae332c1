package org.backbonesync.core.internal;

import java.util.Set;
import org.backbonesync.spi.mapping.MappingCheck;
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
final class LinksMapping extends ContentMapping {
  LinksMapping() {
    super("links", "Issue links");
  }

  @Override
  boolean supports(FieldSchema field) {
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
}
