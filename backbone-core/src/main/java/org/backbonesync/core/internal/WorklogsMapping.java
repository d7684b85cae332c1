package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.ProblemReporter;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * {@code worklogs}: work logged on an issue (started, time spent, comment), its edits and
 * deletions reach the partner issue, without touching either issue's estimates; each synced
 * worklog is linked to its partner, so a resync or a retry never logs work twice. The engine
 * runs this type itself (see {@link WorklogSync}). The copy is logged by the partner's sync user,
 * so its comment starts with the author: {@code "author": "text"} (the default) names them as
 * text, {@code "user"} mentions the partner site's user that the synchronization's {@code user}
 * mappings find (their name as text when none is found), {@code "anonymous"} names nobody.
 * Settings: {@code {"author": "text", "authorPrefix": "{author}: "}} (the defaults).
 */
final class WorklogsMapping extends ContentMapping {
  static final String DEFAULT_PREFIX = "{author}: ";
  static final Set<String> AUTHOR = Set.of("text", "user", "anonymous");

  WorklogsMapping() {
    super("worklogs", "Worklogs");
  }

  @Override
  boolean supports(FieldSchema field) {
    return "worklog".equals(field.items()) || "worklog".equals(field.id());
  }

  @Override
  public void validate(MappingCheck check, ProblemReporter problems) {
    JsonNode settings = check.definitionA().settings();
    refuseUnknown(settings, Set.of("author", "authorPrefix"), problems);
    JsonNode author = settings.get("author");
    if (author != null && !(author.isTextual() && AUTHOR.contains(author.asText()))) {
      problems.report("settings.author",
          "must be \"text\", \"user\" or \"anonymous\", was " + author);
    }
    JsonNode prefix = settings.get("authorPrefix");
    if (prefix != null && !prefix.isTextual()) {
      problems.report("settings.authorPrefix", "must be a string, was " + prefix);
    } else if (prefix != null && author != null && author.asText().equals("anonymous")
        && prefix.asText().contains("{author}")) {
      problems.report("settings.authorPrefix", "names the author, but \"author\" is"
          + " \"anonymous\"; was " + prefix);
    }
  }
}
