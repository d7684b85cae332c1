package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.ProblemReporter;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * {@code comments}: new comments, edits and deletions of the comments reach the partner
 * issue; each synced comment is linked to its partner, so a resync or a retry never copies one
 * twice. Comments do not show in a changelog, so the engine runs this type itself (see {@link
 * CommentSync}); the halves here are never called. The copy is written by the partner's sync
 * user, so the author is kept as text in front of the body. A comment with restricted visibility
 * is not synced unless {@code "restricted": "keep"} (then its copy keeps the same visibility); a
 * synced comment that becomes restricted is deleted on the partner. Settings: {@code
 * {"authorPrefix": "{author} wrote:\n", "restricted": "skip"}} (the defaults; an empty prefix
 * for none).
 */
final class CommentsMapping extends ContentMapping {
  static final String DEFAULT_PREFIX = "{author} wrote:\n";

  CommentsMapping() {
    super("comments", "Comments");
  }

  @Override
  boolean supports(FieldSchema field) {
    return "comments-page".equals(field.type());
  }

  @Override
  public void validate(MappingCheck check, ProblemReporter problems) {
    JsonNode settings = check.definitionA().settings();
    refuseUnknown(settings, Set.of("authorPrefix", "restricted"), problems);
    JsonNode prefix = settings.get("authorPrefix");
    if (prefix != null && !prefix.isTextual()) {
      problems.report("settings.authorPrefix", "must be a string, was " + prefix);
    }
    JsonNode restricted = settings.get("restricted");
    if (restricted != null && !(restricted.isTextual()
        && (restricted.asText().equals("skip") || restricted.asText().equals("keep")))) {
      problems.report("settings.restricted", "must be \"skip\" or \"keep\", was " + restricted);
    }
  }
}
