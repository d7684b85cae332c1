package org.backbonesync.core;

import static org.backbonesync.core.AdminText.cut;
import static org.backbonesync.core.AdminText.member;
import static org.backbonesync.core.AdminText.shown;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.internal.BeyondDoubleAsDecimal;
import org.backbonesync.spi.internal.ParserPlace;
import org.backbonesync.spi.message.StrictJson;

/**
 * The admin REST's request bodies read into typed requests (a resync, an import's rows, whether
 * to ignore a pair's incoming changes), strictly: every problem named with its JSON path, unknown
 * properties and wrong types refused, the import's rows counted before they are built.
 */
final class AdminBodies {
  private static final Set<String> RESYNC_FIELDS =
      Set.of("jql", "fieldMappings", "responsibility", "sendStatusField");
  private static final Set<String> IMPORT_FIELDS = Set.of("id", "connectorKey",
      "localIssueKey", "remoteIssueKey",
      "firstSyncDate", "lastOutgoingChange", "lastChangeSeen", "outgoingMessageSequenceId",
      "lastIncomingChange", "incomingMessageSequenceId", "incomingChangesIgnored");

  /** The ranges of an import's numbers, as the row check enforces them (SyncInfoImportCheck). */
  private static final String TIMES = "a time in epoch milliseconds, from 0 to a day after now";
  private static final String SEQUENCE_IDS = "a sequence id, from 0 to " + Integer.MAX_VALUE;
  private static final String ANY_ID = "an id, at most " + Long.MAX_VALUE + "; it is ignored";

  private final JsonMapper mapper;
  private final int maxImportRows;
  /** Reads a whole body; numbers with a fraction or an exponent as written (see below). */
  private final ObjectReader reader;
  /** Reads one element of an array at a time: the trailing check is done for the whole body. */
  private final ObjectReader elementReader;

  AdminBodies(JsonMapper mapper, int maxImportRows) {
    this.mapper = mapper;
    this.maxImportRows = maxImportRows;
    // A double would show 1e400 as "Infinity" in a refusal: decimals keep the value given.
    this.reader = mapper.readerFor(JsonNode.class)
        .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .without(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES);
    this.elementReader = reader.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** {@code {"incomingChangesIgnored": true|false}}, nothing else. */
  boolean ignoredRequest(String body) {
    JsonNode json = parse(body);
    if (!json.isObject()) {
      throw notA("the request must be a JSON object", "a JSON object", json);
    }
    List<ConfigurationProblem> problems = new ArrayList<>();
    unknown("$", json, Set.of("incomingChangesIgnored"), problems);
    JsonNode value = json.get("incomingChangesIgnored");
    if (value == null || value.isNull()) {
      problems.add(new ConfigurationProblem("$.incomingChangesIgnored", "is required"));
    }
    boolean ignored = bool("$.incomingChangesIgnored", value, problems);
    if (!problems.isEmpty()) {
      throw new AdminException(400, "bad request", problems);
    }
    return ignored;
  }


  JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw required(body);
    }
    try (JsonParser p = new BeyondDoubleAsDecimal(mapper.createParser(body))) {
      try {
        return reader.readTree(p);
      } catch (JsonProcessingException e) {
        throw malformed(e, p, body);
      }
    } catch (IOException e) {
      throw unreadable(e);
    }
  }

  private static AdminException required(String body) {
    return new AdminException(400, "a JSON body is required", List.of(new ConfigurationProblem(
        "$", "is required, was " + (body == null ? "none" : shown(body)))));
  }

  private static AdminException unreadable(IOException e) {
    String problem = "could not be read: " + e.getClass().getSimpleName();
    return new AdminException(400, "the body " + problem,
        List.of(new ConfigurationProblem("$", problem)));
  }

  /** The body is JSON, but not the kind of value the route takes. */
  private static AdminException notA(String message, String kind, JsonNode json) {
    return new AdminException(400, message,
        List.of(new ConfigurationProblem("$", "must be " + kind + ", was " + shown(json))));
  }

  /**
   * A refusal of the parser, at its line, column and JSON path; a number over the length limit
   * also as written, cut after 40 characters, as the configuration, messages and webhooks show
   * it (it said only "Number value length (151) exceeds the maximum allowed (100)").
   */
  private static AdminException malformed(JsonProcessingException e, JsonParser p, String body) {
    var at = e.getLocation() != null ? e.getLocation() : p.currentLocation();
    // (past a few levels, the first ones and the depth: a body nested 200 deep is no path)
    String where = ConfigurationJsonReader.path(p.getParsingContext());
    String reason = cut(StrictJson.reason(e), 300) + (e instanceof StreamConstraintsException
        limit ? ParserPlace.longNumber(limit, p, body, 40) : "");
    return new AdminException(400, "malformed JSON at line " + (at == null ? "?" : at.getLineNr())
        + ", column " + (at == null ? "?" : at.getColumnNr()) + ": " + reason,
        List.of(new ConfigurationProblem(where, reason)));
  }


  ResyncRequest resyncRequest(String body) {
    JsonNode json = parse(body);
    List<ConfigurationProblem> problems = new ArrayList<>();
    if (!json.isObject()) {
      throw notA("the resync request must be a JSON object", "a JSON object", json);
    }
    unknown("$", json, RESYNC_FIELDS, problems);
    String jql = text("$.jql", json.get("jql"), problems);
    if (jql != null && jql.isBlank()) {
      // (null or absent means every issue; an empty condition is a mistake, not "all")
      problems.add(new ConfigurationProblem("$.jql", "is empty; leave it out (or null) to"
          + " resync every issue"));
      jql = null;
    } else if (jql != null && jql.length() > SyncAdminHandler.MAX_JQL_LENGTH) {
      problems.add(new ConfigurationProblem("$.jql", "is " + jql.length()
          + " characters long; at most " + SyncAdminHandler.MAX_JQL_LENGTH));
      jql = null;
    }
    List<String> ids = new ArrayList<>();
    JsonNode list = json.get("fieldMappings");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        problems.add(new ConfigurationProblem("$.fieldMappings", "must be an array of ids"));
      } else if (list.size() > ResyncRequest.MAX_FIELD_MAPPING_IDS) {
        // (ResyncRequest refuses it too; here before each of a long list is read)
        problems.add(new ConfigurationProblem("$.fieldMappings", "has " + list.size()
            + " ids; at most " + ResyncRequest.MAX_FIELD_MAPPING_IDS));
      } else {
        for (int i = 0; i < list.size(); i++) {
          // a null, or an id of another type, is refused here at its index, in the body's
          // order, and stands in as a text (ResyncRequest refuses a typed caller's null alike)
          JsonNode item = list.get(i);
          String id = item.isNull() ? null : text("$.fieldMappings[" + i + "]", item, problems);
          if (item.isNull()) {
            problems.add(ResyncRequest.nullId(i));
          }
          ids.add(id == null ? "" : id);
        }
      }
    }
    boolean responsibility = bool("$.responsibility", json.get("responsibility"), problems);
    boolean status = bool("$.sendStatusField", json.get("sendStatusField"), problems);
    ResyncRequest request = null;
    try { // (also beside other problems: every one is named at once)
      request = new ResyncRequest(jql, ids, responsibility, status);
    } catch (AdminException refused) {
      problems.addAll(refused.problems());
    }
    if (!problems.isEmpty()) {
      throw new AdminException(400, "bad resync request", problems);
    }
    return request;
  }

  /**
   * The rows of an import body, read one at a time so that a body of many rows is refused at
   * {@link Builder#maxImportRows} without building them all.
   */
  ImportBody importRows(String body, String connectorKey) {
    if (body == null || body.isBlank()) {
      throw required(body);
    }
    List<ConfigurationProblem> problems = new ArrayList<>();
    List<SyncInfoImport> rows = new ArrayList<>();
    try (JsonParser p = new BeyondDoubleAsDecimal(mapper.createParser(body))) {
      try {
        if (p.nextToken() != JsonToken.START_ARRAY) {
          throw notA("the sync information to import must be a JSON array", "a JSON array",
              reader.readTree(p));
        }
        for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
          if (i == maxImportRows) {
            throw new AdminException(413, "an import takes at most " + maxImportRows
                + " rows (maxImportRows); split it", List.of(new ConfigurationProblem("$",
                    "has more than " + maxImportRows + " rows (read up to $[" + i + "])")));
          }
          rows.add(row("$[" + i + "]", elementReader.readValue(p), connectorKey, problems));
        }
        if (p.nextToken() != null) {
          String problem = "has content after the array: " + shown(p.getText());
          throw new AdminException(400, "malformed JSON at line "
              + p.currentTokenLocation().getLineNr() + ", column "
              + p.currentTokenLocation().getColumnNr() + ": content after the array",
              List.of(new ConfigurationProblem("$", problem)));
        }
      } catch (JsonProcessingException e) {
        throw malformed(e, p, body);
      }
    } catch (IOException e) {
      throw unreadable(e);
    }
    return new ImportBody(rows, problems);
  }

  private static SyncInfoImport row(String at, JsonNode row, String connectorKey,
      List<ConfigurationProblem> problems) {
    if (!row.isObject()) {
      problems.add(new ConfigurationProblem(at, "must be an object"));
      return null;
    }
    unknown(at, row, IMPORT_FIELDS, problems);
    // A row as GET returns it: its id is the exporting store's (ignored), its connector this one.
    number(at + ".id", row.get("id"), ANY_ID, problems);
    String rowConnector = text(at + ".connectorKey", row.get("connectorKey"), problems);
    if (rowConnector != null && !rowConnector.equals(connectorKey)) {
      problems.add(new ConfigurationProblem(at + ".connectorKey", "is " + shown(rowConnector)
          + ", not the connector of the path, " + shown(connectorKey)
          + "; leave it out or make it the same"));
    }
    return new SyncInfoImport(
        text(at + ".localIssueKey", row.get("localIssueKey"), problems),
        text(at + ".remoteIssueKey", row.get("remoteIssueKey"), problems),
        number(at + ".firstSyncDate", row.get("firstSyncDate"), TIMES, problems),
        number(at + ".lastOutgoingChange", row.get("lastOutgoingChange"), TIMES, problems),
        number(at + ".lastChangeSeen", row.get("lastChangeSeen"), TIMES, problems),
        number(at + ".outgoingMessageSequenceId", row.get("outgoingMessageSequenceId"),
            SEQUENCE_IDS, problems),
        number(at + ".lastIncomingChange", row.get("lastIncomingChange"), TIMES, problems),
        number(at + ".incomingMessageSequenceId", row.get("incomingMessageSequenceId"),
            SEQUENCE_IDS, problems),
        row.hasNonNull("incomingChangesIgnored")
            ? bool(at + ".incomingChangesIgnored", row.get("incomingChangesIgnored"), problems)
            : null);
  }

  /** The rows of an import body, and the problems of its shape (unknown properties, types). */
  record ImportBody(List<SyncInfoImport> rows, List<ConfigurationProblem> problems) {}

  private static void unknown(String at, JsonNode node, Set<String> known,
      List<ConfigurationProblem> problems) {
    node.fieldNames().forEachRemaining(name -> {
      if (!known.contains(name)) {
        problems.add(new ConfigurationProblem(at + member(name), "unknown property"));
      }
    });
  }

  private static String text(String path, JsonNode v, List<ConfigurationProblem> problems) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      problems.add(new ConfigurationProblem(path, "must be a string, was " + shown(v)));
      return null;
    }
    return v.asText();
  }

  /**
   * A whole number as JSON writes one (no fraction, no exponent) that fits a long; the row check
   * refuses those out of the field's own range.
   *
   * @param range the field's range in words, for a number too large for a long
   */
  private static Long number(String path, JsonNode v, String range,
      List<ConfigurationProblem> problems) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber()) {
      problems.add(new ConfigurationProblem(path, "must be a whole number, was " + shown(v)));
      return null;
    }
    if (!v.canConvertToLong()) {
      problems.add(new ConfigurationProblem(path, "is out of range: " + shown(v)
          + " (" + range + ")"));
      return null;
    }
    return v.longValue();
  }

  private static boolean bool(String path, JsonNode v, List<ConfigurationProblem> problems) {
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      problems.add(new ConfigurationProblem(path, "must be true or false, was " + shown(v)));
      return false;
    }
    return v.asBoolean();
  }
}
