package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.MappingSide;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.mapping.ProblemReporter;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.TrackerUser;

/**
 * {@code user}: a user field (assignee, reporter, a user picker) between two trackers whose users
 * have different ids. The sending side exports the user's id, display name and e-mail address;
 * the receiving side finds its own user through the table's rows first, then by {@code matchBy}
 * ({@code email}, the default; {@code id}; or {@code name}), then the fallback user. A user found
 * nowhere is an error naming them, never a silent empty field. Settings:
 *
 * <pre>{@code
 * {"matchBy": "email", "rows": [{"a": "alice", "b": "5b10ac8d82e05b22cc7d4ef5"}],
 *  "fallback": {"a": "sync-a", "b": "sync-b"}}
 * }</pre>
 */
public final class UserMapping implements FieldMappingProvider {
  private static final Set<String> MATCH_BY = Set.of("email", "id", "name");

  @Override
  public String type() {
    return "user";
  }

  @Override
  public String displayName() {
    return "User";
  }

  @Override
  public boolean supportsSource(FieldSchema field) {
    return "user".equals(field.type());
  }

  @Override
  public boolean supportsTarget(FieldSchema field) {
    return "user".equals(field.type());
  }

  @Override
  public void validate(MappingCheck check, ProblemReporter problems) {
    JsonNode settings = check.definitionA().settings();
    settings.fieldNames().forEachRemaining(name -> {
      if (!Set.of("matchBy", "rows", "fallback").contains(name)) {
        problems.report("settings." + name, "unknown setting of user");
      }
    });
    JsonNode matchBy = settings.get("matchBy");
    if (matchBy != null && (!matchBy.isTextual() || !MATCH_BY.contains(matchBy.asText()))) {
      problems.report("settings.matchBy", "must be one of " + MATCH_BY + ", was " + matchBy);
    }
    JsonNode rows = settings.path("rows");
    if (settings.has("rows") && !rows.isArray()) {
      problems.report("settings.rows", "must be an array of {\"a\": ..., \"b\": ...}");
    }
    for (int i = 0; rows.isArray() && i < rows.size(); i++) {
      for (String side : List.of("a", "b")) {
        JsonNode v = rows.get(i).get(side);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
          problems.report("settings.rows[" + i + "]." + side, "must be a user id, was " + v);
        }
      }
    }
    JsonNode fallback = settings.get("fallback");
    if (fallback != null && !fallback.isObject()) {
      problems.report("settings.fallback", "must be an object {\"a\": ..., \"b\": ...}");
    }
  }

  @Override
  public OutgoingFieldMapping outgoing(MappingDefinition definition) {
    String field = definition.localField();
    return new OutgoingFieldMapping() {
      @Override
      public Set<String> sourceFields() {
        return Set.of(field);
      }

      @Override
      public JsonNode exportValue(TrackedIssue issue, MappingContext context) {
        JsonNode id = issue.field(field);
        if (id.isNull()) {
          return NullNode.getInstance();
        }
        ObjectNode user = JsonNodeFactory.instance.objectNode().put("id", id.asText());
        Optional<TrackerUser> known = context.tracker().user(id.asText());
        known.ifPresent(u -> user.put("name", u.displayName()).put("email", u.email()));
        return user;
      }
    };
  }

  @Override
  public IncomingFieldMapping incoming(MappingDefinition definition) {
    MappingSide local = definition.side();
    String field = definition.localField();
    JsonNode settings = definition.settings();
    String matchBy = settings.path("matchBy").asText("email");
    Map<String, String> table = new HashMap<>();
    for (JsonNode row : settings.path("rows")) {
      table.put(row.path(local.other().key()).asText(), row.path(local.key()).asText());
    }
    JsonNode fallbackNode = settings.path("fallback").get(local.key());
    String fallback = fallbackNode == null || fallbackNode.isNull() ? null : fallbackNode.asText();
    return new IncomingUser(field, matchBy, table, fallback, definition.id());
  }

  /** Writes a user matched by a table row, by id, name or e-mail, or the fallback user. */
  private static final class IncomingUser implements IncomingFieldMapping {
    private final String field;
    private final String matchBy;
    private final Map<String, String> table;
    private final String fallback;
    private final String id;

    IncomingUser(String field, String matchBy, Map<String, String> table, String fallback,
        String id) {
      this.field = field;
      this.matchBy = matchBy;
      this.table = table;
      this.fallback = fallback;
      this.id = id;
    }

    @Override
    public Set<String> targetFields() {
      return Set.of(field);
    }

    @Override
    public void importValue(JsonNode value, FieldUpdates updates, MappingContext context) {
      if (value.isNull()) {
        updates.set(field, NullNode.getInstance());
        return;
      }
      String remoteId = value.path("id").asText();
      String found = table.get(remoteId);
      if (found == null) {
        found = match(value, context).orElse(fallback);
      }
      if (found == null) {
        throw new SyncException("user \"" + value.path("name").asText(remoteId) + "\" <"
            + value.path("email").asText("no e-mail") + "> (id " + remoteId + ") has no match by "
            + matchBy + " in " + context.connectorKey() + " and field mapping " + id
            + " has no row or fallback user for it", null, context.connectorKey(), null, id);
      }
      updates.set(field, JsonNodeFactory.instance.textNode(found));
    }

    private Optional<String> match(JsonNode user, MappingContext context) {
      String wanted = switch (matchBy) {
        case "id" -> user.path("id").asText(null);
        case "name" -> user.path("name").asText(null);
        default -> user.path("email").asText(null);
      };
      if (wanted == null || wanted.isBlank()) {
        return Optional.empty();
      }
      if (matchBy.equals("id")) {
        return context.tracker().user(wanted).map(TrackerUser::id);
      }
      List<TrackerUser> candidates = context.tracker().findUsers(wanted).stream()
          .filter(u -> wanted.equalsIgnoreCase(
              matchBy.equals("name") ? u.displayName() : u.email()))
          .toList();
      if (candidates.size() > 1) {
        throw new SyncException(candidates.size() + " users of " + context.connectorKey()
            + " have the " + matchBy + " \"" + wanted + "\": "
            + candidates.stream().map(TrackerUser::id).toList() + "; add a row for the user",
            null, context.connectorKey(), null, id);
      }
      return candidates.stream().findFirst().map(TrackerUser::id);
    }

    @Override
    public String toString() {
      return "user(" + field + " by " + matchBy.toLowerCase(Locale.ROOT) + ")";
    }
  }
}
