package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.ProblemReporter;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * {@code attachments}: files attached to an issue reach the partner issue, streamed (never whole in
 * memory) and checked against their SHA-256; a file whose content is there already is linked, not
 * copied again. Deleting an attachment deletes its copy on the partner only when it was attached
 * by a person on the side that deletes it. The engine runs this type itself (see {@link
 * AttachmentSync}). Settings, all optional: {@code {"maxSize": 10485760, "mimeTypes": ["image/*",
 * "application/pdf"], "fileNames": ".*\\.(png|pdf)"}}; a file that fails one is not synced.
 */
final class AttachmentsMapping extends ContentMapping {
  AttachmentsMapping() {
    super("attachments", "Attachments");
  }

  @Override
  boolean supports(FieldSchema field) {
    return "attachment".equals(field.items()) || "attachment".equals(field.id());
  }

  @Override
  public void validate(MappingCheck check, ProblemReporter problems) {
    JsonNode settings = check.definitionA().settings();
    refuseUnknown(settings, Set.of("maxSize", "mimeTypes", "fileNames"), problems);
    JsonNode max = settings.get("maxSize");
    if (max != null && (!max.canConvertToExactIntegral() || !max.canConvertToLong()
        || max.asLong() < 1)) {
      problems.report("settings.maxSize", "must be a positive number of bytes, was " + max);
    }
    JsonNode types = settings.get("mimeTypes");
    if (types != null && (!types.isArray() || types.isEmpty())) {
      problems.report("settings.mimeTypes", "must be a non-empty array like [\"image/*\"]");
    }
    JsonNode names = settings.get("fileNames");
    if (names != null) {
      try {
        Pattern.compile(names.asText());
      } catch (PatternSyntaxException e) {
        problems.report("settings.fileNames", "is not a regular expression: " + e.getDescription());
      }
    }
  }
}
