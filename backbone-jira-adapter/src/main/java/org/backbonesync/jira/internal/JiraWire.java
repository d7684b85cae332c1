package org.backbonesync.jira.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import org.backbonesync.jira.JiraAnswerException;
import org.backbonesync.jira.JiraFlavour;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.FieldChange;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueLink;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.Transition;
import org.backbonesync.spi.tracker.Worklog;

/**
 * Jira's JSON to the tracker port's values and back, for one project of one site: field values
 * by their schema (names, users, options, rich text), issues, changelogs, comments, create
 * metadata, transitions, links and attachments. Reads defensively: Jira versions differ in what
 * they send (see JIRA-API.md), so absent keys and nulls are expected everywhere, except for
 * ids and keys: something without one cannot be paired or found again, so it is refused ({@link
 * #id}) rather than read as {@code ""}.
 */
public final class JiraWire {
  static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** The issue entity property holding the origin marker of an issue the sync created. */
  public static final String ORIGIN_PROPERTY = "backboneSync";

  /** Fields read through their own calls, or not field values at all. */
  private static final Set<String> NOT_VALUES = Set.of("comment", "attachment", "issuelinks",
      "worklog", "timetracking", "watches", "votes", "subtasks", "project", "issuetype",
      "created", "updated", "lastViewed", "creator", "progress", "aggregateprogress",
      "aggregatetimespent", "aggregatetimeestimate", "aggregatetimeoriginalestimate",
      "statuscategorychangedate", "thumbnail", "workratio");
  private static final Set<String> NAMED = Set.of("priority", "status", "issuetype",
      "resolution", "component", "version", "securitylevel", "project");

  private final JiraFlavour flavour;
  private final Map<String, FieldSchema> schemas;
  private final Map<String, String> idsByName = new LinkedHashMap<>();
  private final UnaryOperator<String> scrub;

  /** Reads answers read apart from a site, whose credentials no refusal can show (tests). */
  public JiraWire(JiraFlavour flavour, List<FieldSchema> fields) {
    this(flavour, fields, UnaryOperator.identity());
  }

  /**
   * @param scrub blots the site's credentials out of a value Jira sent before a refusal shows
   *     it: a Jira that echoes them into a key or a time must not get them into a message
   */
  public JiraWire(JiraFlavour flavour, List<FieldSchema> fields, UnaryOperator<String> scrub) {
    this.scrub = scrub;
    this.flavour = flavour;
    Map<String, FieldSchema> byId = new LinkedHashMap<>();
    for (FieldSchema f : fields) {
      byId.put(f.id(), f);
      if (f.name() != null) {
        idsByName.putIfAbsent(f.name().toLowerCase(Locale.ROOT), f.id());
      }
    }
    this.schemas = byId;
    // Names Jira writes in changelogs for fields whose display name differs.
    idsByName.putIfAbsent("link", "issuelinks");
    idsByName.putIfAbsent("attachment", "attachment");
    idsByName.putIfAbsent("fix version", "fixVersions");
    idsByName.putIfAbsent("version", "versions");
    idsByName.putIfAbsent("component", "components");
  }

  public JiraFlavour flavour() {
    return flavour;
  }

  public Map<String, FieldSchema> schemas() {
    return schemas;
  }

  // ------------------------------------------------------------------ reference data

  /** A field of {@code GET /field}, as a schema (allowed values left unknown). */
  public static FieldSchema fieldSchema(JsonNode f) {
    JsonNode schema = f.path("schema");
    String type = text(schema.path("type"));
    String custom = text(schema.path("custom"));
    if (custom == null && f.path("custom").asBoolean(false)) {
      custom = "custom";
    }
    return new FieldSchema(id(f, "id", "a field of the site"), text(f.path("name")),
        type == null ? "any" : type, text(schema.path("items")), custom, null);
  }

  /** A user's id: the account id on Cloud, the user name on Server. */
  public String userId(JsonNode user) {
    return userIdOf(user, flavour);
  }

  static String userIdOf(JsonNode user, JiraFlavour flavour) {
    if (user == null || !user.isObject()) {
      return null;
    }
    String accountId = text(user.path("accountId"));
    String name = text(user.path("name"));
    if (flavour == JiraFlavour.CLOUD) {
      return accountId != null ? accountId : name;
    }
    return name != null ? name : text(user.path("key"));
  }

  // ------------------------------------------------------------------ field values

  /** Whether the field holds rich text: ADF on Cloud, wiki markup on Server. */
  public boolean richText(String fieldId) {
    if (fieldId.equals("description") || fieldId.equals("environment")) {
      return true;
    }
    FieldSchema s = schemas.get(fieldId);
    return s != null && s.custom() != null && s.custom().endsWith(":textarea");
  }

  /** A field's Jira value to its normalized form. */
  public JsonNode fromWire(String fieldId, JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return NullNode.getInstance();
    }
    if (Adf.isDocument(value)) {
      String wiki = Adf.toWiki(value);
      return wiki.isEmpty() ? NullNode.getInstance() : JSON.textNode(wiki);
    }
    FieldSchema schema = schemas.get(fieldId);
    boolean user = schema != null
        && ("user".equals(schema.type()) || "user".equals(schema.items()));
    if (fieldId.equals("parent")) {
      String key = text(value.path("key"));
      return key == null ? NullNode.getInstance() : JSON.textNode(key);
    }
    if (value.isArray()) {
      if (value.isEmpty()) {
        return NullNode.getInstance();
      }
      ArrayNode out = JSON.arrayNode();
      value.forEach(v -> out.add(scalar(v, user)));
      return out;
    }
    if (value.isTextual() && value.asText().isEmpty()) {
      return NullNode.getInstance();
    }
    return scalar(value, user);
  }

  private JsonNode scalar(JsonNode v, boolean user) {
    if (!v.isObject()) {
      return v;
    }
    if (user || v.has("accountId") || v.has("emailAddress") || v.has("displayName") && v.has("name")
        && !v.has("value")) {
      String id = userId(v);
      return id == null ? NullNode.getInstance() : JSON.textNode(id);
    }
    JsonNode child = v.path("child");
    if (v.hasNonNull("value") && child.hasNonNull("value")) {
      // a cascading select's option with a child option of it
      return JSON.objectNode().put("value", v.path("value").asText())
          .put("child", child.path("value").asText());
    }
    for (String key : List.of("value", "name", "key", "id")) {
      if (v.hasNonNull(key)) {
        return JSON.textNode(v.path(key).asText());
      }
    }
    return v;
  }

  /**
   * A normalized value to what Jira takes in {@code fields} of a create or an edit, with a
   * partner's rich-text document beside it (null for none): on Cloud, a rich-text field gets the
   * document where the text is still its wiki markup ({@link Adf#documentFor}), else the text's
   * own document.
   */
  public JsonNode toWire(String fieldId, JsonNode value, JsonNode document) {
    if (document != null && value != null && value.isTextual() && richText(fieldId)
        && flavour == JiraFlavour.CLOUD) {
      ObjectNode doc = Adf.documentFor(value.asText(), document);
      if (doc != null) {
        return doc;
      }
    }
    return toWire(fieldId, value);
  }

  /** A normalized value to what Jira takes in {@code fields} of a create or an edit. */
  public JsonNode toWire(String fieldId, JsonNode value) {
    FieldSchema s = schemas.get(fieldId);
    String type = s == null ? "any" : s.type();
    boolean empty = value == null || value.isNull();
    if (type.equals("array")) {
      ArrayNode out = JSON.arrayNode();
      if (!empty) {
        for (JsonNode item : value.isArray() ? value : JSON.arrayNode().add(value)) {
          out.add(scalarToWire(s.items(), item));
        }
      }
      return out;
    }
    if (empty) {
      return NullNode.getInstance();
    }
    if (richText(fieldId) && flavour == JiraFlavour.CLOUD && value.isTextual()) {
      return Adf.fromWiki(value.asText());
    }
    if (fieldId.equals("parent")) {
      return JSON.objectNode().put("key", value.asText());
    }
    return scalarToWire(type, value);
  }

  private JsonNode scalarToWire(String type, JsonNode value) {
    if (CASCADING.equals(type)) {
      return cascadingToWire(value);
    }
    if (type == null || !value.isTextual()) {
      return value;
    }
    if (type.equals("user")) {
      return JSON.objectNode().put(flavour == JiraFlavour.CLOUD ? "accountId" : "name",
          value.asText());
    }
    if (type.equals("option")) {
      return JSON.objectNode().put("value", value.asText());
    }
    if (NAMED.contains(type)) {
      return JSON.objectNode().put("name", value.asText());
    }
    return value;
  }

  /** The schema type of a cascading select ({@code cascadingselect}): an option and its child. */
  private static final String CASCADING = "option-with-child";

  /**
   * A cascading select's value as Jira takes it: {@code "A"} (an option without a child) as
   * {@code {"value":"A"}}, {@code {"value":"A","child":"A1"}} as {@code
   * {"value":"A","child":{"value":"A1"}}}; anything else as it is, for Jira to judge.
   */
  private static JsonNode cascadingToWire(JsonNode value) {
    if (value.isTextual()) {
      return JSON.objectNode().put("value", value.asText());
    }
    if (!value.isObject() || !value.path("value").isTextual()) {
      return value;
    }
    ObjectNode out = JSON.objectNode().put("value", value.path("value").asText());
    JsonNode child = value.path("child");
    if (child.isTextual()) {
      out.putObject("child").put("value", child.asText());
    } else if (!child.isMissingNode() && !child.isNull()) {
      out.set("child", child);
    }
    return out;
  }

  // ------------------------------------------------------------------ issues

  /** An issue of a GET or a search, with its normalized field values. */
  public TrackedIssue issue(JsonNode issue) {
    JsonNode fields = issue.path("fields");
    Map<String, JsonNode> values = new LinkedHashMap<>();
    Map<String, JsonNode> documents = new LinkedHashMap<>();
    fields.fields().forEachRemaining(e -> {
      if (!NOT_VALUES.contains(e.getKey())) {
        JsonNode v = fromWire(e.getKey(), e.getValue());
        if (!v.isNull()) {
          values.put(e.getKey(), v);
          if (v.isTextual() && Adf.isDocument(e.getValue())
              && Adf.holdsMoreThan(v.asText(), e.getValue())) {
            documents.put(e.getKey(), e.getValue());
          }
        }
      }
    });
    String marker = originMarker(issue);
    long created = time(fields, "created", "an issue", scrub);
    long updated = fields.hasNonNull("updated") ? time(fields, "updated", "an issue", scrub)
        : created;
    String type = text(fields.path("issuetype").path("name"));
    return new TrackedIssue(key(issue, "an issue", scrub), type == null ? "" : type,
        userId(fields.path("creator").isObject() ? fields.path("creator")
            : fields.path("reporter")), created, updated, marker, values, documents,
        text(issue.path("id")));
  }

  /** The origin marker an issue (or a search result) carries in its property, or null. */
  static String originMarker(JsonNode issue) {
    return text(issue.path("properties").path(ORIGIN_PROPERTY).path("origin"));
  }

  /**
   * Changelog histories to entries oldest first, sorted by time and numeric id (Jira does not
   * promise an order) and without repeats.
   */
  public List<ChangelogEntry> changelog(JsonNode histories) {
    return changelog(histories, h -> created(h, scrub));
  }

  /**
   * {@link #changelog(JsonNode)}, each entry's time from {@code created}: for entries whose
   * time was read already, as {@link #created} reads it.
   */
  List<ChangelogEntry> changelog(JsonNode histories, ToLongFunction<JsonNode> created) {
    Map<String, ChangelogEntry> byId = new LinkedHashMap<>();
    for (JsonNode h : histories) {
      String id = id(h, "id", "a changelog entry");
      List<FieldChange> items = new ArrayList<>();
      for (JsonNode item : h.path("items")) {
        String field = fieldIdOf(item);
        if (field != null) {
          items.add(new FieldChange(field, text(item.path("fromString")),
              text(item.path("toString"))));
        }
      }
      byId.putIfAbsent(id, new ChangelogEntry(id, userId(h.path("author")),
          created.applyAsLong(h), items));
    }
    List<ChangelogEntry> sorted = new ArrayList<>(byId.values());
    sorted.sort(Comparator.comparingLong(ChangelogEntry::timestamp)
        .thenComparingLong(e -> numeric(e.id())));
    return sorted;
  }

  /** A changelog entry's time, its {@code created}: see {@link #time}. */
  static long created(JsonNode history, UnaryOperator<String> scrub) {
    return time(history, "created", "a changelog entry", scrub);
  }

  /** The field id of a changelog item: its fieldId, or (old Server) its name looked up. */
  String fieldIdOf(JsonNode item) {
    String id = text(item.path("fieldId"));
    if (id != null) {
      return id;
    }
    String name = text(item.path("field"));
    if (name == null) {
      return null;
    }
    if (schemas.containsKey(name)) {
      return name;
    }
    return idsByName.getOrDefault(name.toLowerCase(Locale.ROOT), name);
  }

  /** The issue's comments from a comments page. */
  public List<Comment> comments(JsonNode page) {
    List<Comment> out = new ArrayList<>();
    for (JsonNode c : page.path("comments")) {
      JsonNode body = c.path("body");
      String text = Adf.isDocument(body) ? Adf.toWiki(body) : body.asText("");
      JsonNode vis = c.path("visibility");
      String visibility = vis.isObject() && text(vis.path("value")) != null
          ? vis.path("type").asText("role") + ":" + vis.path("value").asText()
          : internal(c) ? INTERNAL : null;
      long created = time(c, "created", "a comment", scrub);
      long updated = c.hasNonNull("updated") ? time(c, "updated", "a comment", scrub) : created;
      JsonNode document = Adf.isDocument(body) && Adf.holdsMoreThan(text, body) ? body : null;
      out.add(new Comment(id(c, "id", "a comment"), userId(c.path("author")), text, created,
          updated, visibility, userId(c.path("updateAuthor")), document));
    }
    return out;
  }

  /**
   * The visibility of a Jira Service Management internal comment (agents only, no customer sees
   * it): Jira sends it with no {@code visibility}, but with {@code "jsdPublic": false} (Cloud) or
   * the comment property {@code sd.public.comment} {@code {"internal": true}}, which is how it is
   * written too.
   */
  public static final String INTERNAL = "jsd:internal";
  /** The comment property Jira Service Management keeps a comment's customer visibility in. */
  private static final String SD_PUBLIC = "sd.public.comment";

  /** Whether a comment is a service desk's internal one ({@link #INTERNAL}). */
  private static boolean internal(JsonNode comment) {
    if (comment.path("jsdPublic").isBoolean() && !comment.path("jsdPublic").booleanValue()) {
      return true;
    }
    for (JsonNode p : comment.path("properties")) { // (with expand=properties)
      if (SD_PUBLIC.equals(p.path("key").asText()) && p.path("value").path("internal")
          .asBoolean(false)) {
        return true;
      }
    }
    return false;
  }

  /** A comment's body and visibility as Jira takes them. */
  public ObjectNode commentBody(String body, String visibility) {
    return commentBody(body, visibility, null);
  }

  /**
   * A comment's body and visibility as Jira takes them, on Cloud with a partner's document
   * where the body is still its wiki markup ({@link Adf#documentFor}).
   */
  public ObjectNode commentBody(String body, String visibility, JsonNode document) {
    ObjectNode out = JSON.objectNode();
    ObjectNode doc = document == null || flavour != JiraFlavour.CLOUD ? null
        : Adf.documentFor(body, document);
    if (doc != null) {
      out.set("body", doc);
    } else if (flavour == JiraFlavour.CLOUD) {
      out.set("body", Adf.fromWiki(body));
    } else {
      out.put("body", body);
    }
    if (INTERNAL.equals(visibility)) {
      // no visibility object: a service desk's internal comment is a comment property
      ObjectNode property = out.putArray("properties").addObject().put("key", SD_PUBLIC);
      property.putObject("value").put("internal", true);
    } else if (visibility != null) {
      int colon = visibility.indexOf(':');
      out.putObject("visibility")
          .put("type", colon > 0 ? visibility.substring(0, colon) : "role")
          .put("value", visibility.substring(colon + 1));
    }
    return out;
  }

  /** The worklogs of a worklog page ({@code worklogs}), their comments as wiki markup. */
  public List<Worklog> worklogs(JsonNode page) {
    List<Worklog> out = new ArrayList<>();
    for (JsonNode w : page.path("worklogs")) {
      JsonNode comment = w.path("comment");
      String text = Adf.isDocument(comment) ? Adf.toWiki(comment) : comment.asText("");
      long created = time(w, "created", "a worklog", scrub);
      long updated = w.hasNonNull("updated") ? time(w, "updated", "a worklog", scrub) : created;
      out.add(new Worklog(id(w, "id", "a worklog"), userId(w.path("author")),
          time(w, "started", "a worklog", scrub), w.path("timeSpentSeconds").asLong(), text,
          updated, userId(w.path("updateAuthor"))));
    }
    return out;
  }

  /**
   * A worklog as Jira takes it: {@code started} in UTC ({@code 2021-01-17T12:34:00.000+0000}),
   * the time spent in seconds, the comment (ADF on Cloud, wiki markup on Server; none when empty).
   */
  public ObjectNode worklogBody(long started, long timeSpentSeconds, String comment) {
    ObjectNode out = JSON.objectNode()
        .put("started", JiraTime.format(started, java.time.ZoneOffset.UTC))
        .put("timeSpentSeconds", timeSpentSeconds);
    if (comment != null && !comment.isEmpty()) {
      if (flavour == JiraFlavour.CLOUD) {
        out.set("comment", Adf.fromWiki(comment));
      } else {
        out.put("comment", comment);
      }
    }
    return out;
  }

  /**
   * An attachment of {@code fields.attachment} or an upload's answer. Its id is its {@code id},
   * or (Jira 4 and 5 send none) the end of its {@code self} link; without either it is refused.
   */
  public Attachment attachment(JsonNode a) {
    String id = idOrSelf(a, "attachment", "an attachment");
    return new Attachment(id, a.path("filename").asText(),
        text(a.path("mimeType")), listedSize(a.path("size")), userId(a.path("author")),
        a.hasNonNull("created") ? time(a, "created", "an attachment", scrub) : 0);
  }

  /**
   * An attachment's {@code size}, or -1 when the answer lists none (or no whole number of bytes):
   * read as 0, the engine held every download of it to 0 bytes and the issue's changes waited for
   * it for good.
   */
  private static long listedSize(JsonNode size) {
    return size.isIntegralNumber() && size.canConvertToLong() && size.asLong() >= 0
        ? size.asLong() : -1;
  }

  /** {@link #links(String, JsonNode, UnaryOperator)} of an answer read apart from a site. */
  public static List<IssueLink> links(String issueKey, JsonNode issuelinks) {
    return links(issueKey, issuelinks, UnaryOperator.identity());
  }

  /**
   * The links of {@code fields.issuelinks}, seen from an issue.
   *
   * @param scrub blots the site's credentials out of a key a refusal shows
   */
  public static List<IssueLink> links(String issueKey, JsonNode issuelinks,
      UnaryOperator<String> scrub) {
    List<IssueLink> out = new ArrayList<>();
    for (JsonNode l : issuelinks) {
      String type = l.path("type").path("name").asText();
      if (l.has("outwardIssue")) {
        out.add(new IssueLink(id(l, "id", "a link of " + issueKey), type, issueKey,
            key(l.path("outwardIssue"), "a link of " + issueKey, scrub)));
      } else if (l.has("inwardIssue")) {
        out.add(new IssueLink(id(l, "id", "a link of " + issueKey), type,
            key(l.path("inwardIssue"), "a link of " + issueKey, scrub), issueKey));
      }
    }
    return out;
  }

  /** The transitions of {@code GET /issue/{key}/transitions?expand=transitions.fields}. */
  public static List<Transition> transitions(JsonNode response) {
    List<Transition> out = new ArrayList<>();
    for (JsonNode t : response.path("transitions")) {
      Set<String> required = new LinkedHashSet<>();
      t.path("fields").fields().forEachRemaining(e -> {
        if (e.getValue().path("required").asBoolean(false)) {
          required.add(e.getKey());
        }
      });
      String to = text(t.path("to").path("name"));
      out.add(new Transition(id(t, "id", "a transition"), t.path("name").asText(),
          to == null ? t.path("name").asText() : to, required));
    }
    return out;
  }

  /**
   * The create screen of an issue type from any create metadata Jira sends: the old {@code
   * projects[].issuetypes[].fields{}} map, or the new paged {@code fields[]} (or {@code values[]}
   * on Server 9).
   */
  public static CreateMetadata createMetadata(String issueType, JsonNode response) {
    Set<String> fields = new LinkedHashSet<>();
    Set<String> required = new LinkedHashSet<>();
    JsonNode list = response.has("fields") ? response.path("fields") : response.path("values");
    if (response.has("projects")) {
      list = JSON.arrayNode();
      for (JsonNode p : response.path("projects")) {
        for (JsonNode t : p.path("issuetypes")) {
          if (issueType.equals(t.path("name").asText())) {
            list = t.path("fields");
          }
        }
      }
    }
    if (list.isObject()) {
      list.fields().forEachRemaining(e -> add(e.getKey(), e.getValue(), fields, required));
    } else {
      for (JsonNode f : list) {
        add(text(f.path("fieldId")) != null ? f.path("fieldId").asText() : f.path("key").asText(),
            f, fields, required);
      }
    }
    fields.removeAll(Set.of("project", "issuetype"));
    required.removeAll(Set.of("project", "issuetype"));
    return new CreateMetadata(issueType, fields, required);
  }

  private static void add(String id, JsonNode f, Set<String> fields, Set<String> required) {
    fields.add(id);
    if (f.path("required").asBoolean(false) && !f.path("hasDefaultValue").asBoolean(false)) {
      required.add(id);
    }
  }

  /** The allowed values named in create metadata, by field id. */
  public static Map<String, List<String>> allowedValues(JsonNode response) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    JsonNode list = response.has("fields") ? response.path("fields") : response.path("values");
    List<JsonNode> all = new ArrayList<>();
    if (list.isObject()) {
      list.forEach(all::add);
    } else {
      list.forEach(all::add);
    }
    for (JsonNode f : all) {
      String id = text(f.path("fieldId")) != null ? f.path("fieldId").asText()
          : f.path("key").asText();
      if (f.has("allowedValues")) {
        List<String> values = new ArrayList<>();
        for (JsonNode v : f.path("allowedValues")) {
          String value = text(v.path("value")) != null ? v.path("value").asText()
              : text(v.path("name"));
          if (value != null) {
            values.add(value);
          }
        }
        out.put(id, values);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  /**
   * An id Jira must send: a non-blank string, or an integer (some answers send numbers).
   *
   * @param what what carries it, for the message, e.g. {@code "an attachment"}
   * @throws JiraAnswerException naming the field and what was there instead
   */
  public static String id(JsonNode parent, String field, String what) {
    String problem = idProblem(parent, field);
    if (problem != null) {
      throw new JiraAnswerException("Jira sent " + what + " whose " + problem, null, field, null);
    }
    return parent.path(field).asText();
  }

  /** What is wrong with an id ({@code "id" is blank, not an id ...}), or null when usable. */
  static String idProblem(JsonNode parent, String field) {
    return idProblem(parent, field, true);
  }

  /**
   * What is wrong with an id, or null when usable.
   *
   * @param integers whether an integer is an id too (not for a user's id, which is a name)
   */
  static String idProblem(JsonNode parent, String field, boolean integers) {
    JsonNode v = parent == null ? MissingNode.getInstance() : parent.path(field);
    if (v.isTextual() && !v.asText().isBlank() || integers && v.isIntegralNumber()) {
      return null;
    }
    return "\"" + field + "\" is " + kind(v)
        + ", not an id (a non-blank string" + (integers ? " or an integer)" : ")");
  }

  /**
   * An id as {@link #id} reads it, or when the field is absent altogether the number a {@code
   * self} link ends with after {@code /resource/} (Jira 4 and 5 send some things without ids).
   */
  public static String idOrSelf(JsonNode parent, String resource, String what) {
    if (parent != null && parent.path("id").isMissingNode()) {
      java.util.regex.Matcher self = java.util.regex.Pattern.compile(".*/"
          + java.util.regex.Pattern.quote(resource) + "/([0-9]{1,18})")
          .matcher(parent.path("self").asText(""));
      if (self.matches()) {
        return self.group(1);
      }
    }
    return id(parent, "id", what);
  }

  /**
   * An issue key Jira must send, e.g. {@code PA-12}, else {@link JiraAnswerException}.
   *
   * @param scrub blots the site's credentials out of the value before the refusal shows it
   */
  public static String key(JsonNode parent, String what, UnaryOperator<String> scrub) {
    JsonNode v = parent == null ? MissingNode.getInstance() : parent.path("key");
    if (v.isTextual() && IssueKeys.isKey(v.asText())) {
      return v.asText();
    }
    throw new JiraAnswerException("Jira sent " + what + " whose \"key\" is "
        + (v.isTextual() && !v.asText().isBlank() ? JiraText.quoted(scrub.apply(v.asText()))
            : kind(v))
        + ", not an issue key like PA-12", null, "key", null);
  }

  /**
   * The list a page of answers holds in {@code field}, which Jira sends as an array.
   *
   * @param request the method and path that answered, for the message
   * @throws JiraAnswerException naming the request and the field when it is not an array
   */
  static JsonNode array(JsonNode page, String field, String request, String issueKey) {
    JsonNode list = page.path(field);
    if (list.isArray()) {
      return list;
    }
    throw new JiraAnswerException(request + " answered a page whose \"" + field + "\" is "
        + (list.isTextual() ? "a string" : kind(list)) + ", not an array", request, field,
        issueKey);
  }

  private static String kind(JsonNode v) {
    if (v.isMissingNode()) {
      return "missing";
    }
    return switch (v.getNodeType()) {
      case NULL -> "null";
      case STRING -> "blank";
      case BOOLEAN -> "a boolean";
      case OBJECT, POJO -> "an object";
      case ARRAY -> "an array";
      case NUMBER -> v.isIntegralNumber() ? "a number" : "a number that is not an integer";
      default -> "not a value";
    };
  }

  static String text(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    String s = node.asText();
    return s.isEmpty() ? null : s;
  }

  /**
   * A Jira time in a field; a number is taken as epoch millis (as the Agile API and some
   * examples send), an absent or empty one as 0.
   *
   * @param what what carries it, for the message, e.g. {@code "a comment"}
   * @param scrub blots the site's credentials out of the value before the refusal shows it
   * @throws JiraAnswerException naming the field and the value (escaped, cut) when it is text
   *     that is not a time (or a time past the range of epoch milliseconds), or a number
   *     beyond a long
   */
  static long time(JsonNode parent, String field, String what, UnaryOperator<String> scrub) {
    JsonNode node = parent.path(field);
    if (node.isNumber()) {
      if (!node.canConvertToLong()) { // asLong would wrap or clamp it to some other time
        throw new JiraAnswerException("Jira sent " + what + " whose \"" + field + "\" is "
            + JiraText.printable(node.asText(), JiraText.MAX) + ", not a time in epoch"
            + " milliseconds", null, field, null);
      }
      return node.asLong();
    }
    String s = text(node);
    if (s == null) {
      return 0;
    }
    try {
      return JiraTime.parse(s);
    } catch (IllegalArgumentException e) {
      throw new JiraAnswerException("Jira sent " + what + " whose \"" + field + "\" is "
          + JiraText.quoted(scrub.apply(s)) + ", not a time like 2026-01-01T10:00:00.000+0000",
          null, field,
          null);
    }
  }

  private static long numeric(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
