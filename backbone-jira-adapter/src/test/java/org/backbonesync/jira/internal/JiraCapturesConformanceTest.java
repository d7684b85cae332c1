package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conformance with real Jira: the adapter reads what Jira really sends, every capture of the
 * folder {@code -Dbackbone.jiraFixtures} names (CI passes the captures it keeps) that holds
 * something the adapter reads, parsed by the same code that reads live answers, with the quirks
 * of Jira's REST API (offsets without a colon, changelog items without fieldId, histories out of
 * order, {@code values} vs {@code histories}, createmeta variants). {@link JiraAnswersTest} checks
 * the same on the project's own answers in every build.
 */
@RealJiraCaptures
class JiraCapturesConformanceTest {
  private static final String CLOUD_FIELDS = "go-atlassian/jira/v3/mocks/get-fields.json";

  /** Issues as GET /issue or a search page sends them: file, flavour. */
  static Stream<Arguments> issues() {
    List<Arguments> out = new ArrayList<>();
    for (String f : Fixtures.list("jrjc/json/issue")) {
      // the two JIRA 4.x files use a field format no supported Jira sends any more
      if (!f.endsWith("/valid-with-labels.json") && !f.endsWith("/valid-without-labels.json")) {
        out.add(Arguments.of(f, JiraFlavour.SERVER));
      }
    }
    out.add(Arguments.of("go-atlassian/jira/v3/mocks/get-issue.json", JiraFlavour.CLOUD));
    out.add(Arguments.of("go-atlassian/jira/v3/mocks/get-issue-v2.json", JiraFlavour.CLOUD));
    out.add(Arguments.of("openapi/examples/getIssue.response-200.json", JiraFlavour.CLOUD));
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("issues")
  void everyIssueFixtureParses(String file, JiraFlavour flavour) {
    JsonNode json = Fixtures.json(file);
    checkIssue(file, json, Fixtures.wireFor(json, flavour, CLOUD_FIELDS), flavour);
  }

  /** Search pages: file, flavour. Each of their issues parses like a single one. */
  static Stream<Arguments> searchPages() {
    return Stream.of(
        Arguments.of("jrjc/json/search/issues1.json", JiraFlavour.SERVER),
        Arguments.of("jrjc/json/search/many-issues.json", JiraFlavour.SERVER),
        Arguments.of("go-atlassian/jira/mocks/issue-search-v2.json", JiraFlavour.CLOUD),
        Arguments.of("go-atlassian/jira/v3/mocks/search-issues.json", JiraFlavour.CLOUD),
        Arguments.of("go-atlassian/jira/mocks/get-epic-issues.json", JiraFlavour.CLOUD),
        Arguments.of("openapi/examples/searchAndReconsileIssuesUsingJql.response-200.json",
            JiraFlavour.CLOUD),
        Arguments.of("openapi/examples/searchForIssuesUsingJql.response-200.json",
            JiraFlavour.CLOUD));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("searchPages")
  void everyIssueOfEverySearchPageParses(String file, JiraFlavour flavour) {
    JsonNode page = Fixtures.json(file);
    assertFalse(page.path("issues").isEmpty(), file);
    JiraWire wire = Fixtures.wireFor(page, flavour, CLOUD_FIELDS);
    for (JsonNode issue : page.path("issues")) {
      checkIssue(file + " " + issue.path("key").asText(), issue, wire, flavour);
    }
  }

  private static void checkIssue(String where, JsonNode json, JiraWire wire, JiraFlavour flavour) {
    TrackedIssue issue = wire.issue(json);
    JsonNode f = json.path("fields");
    assertEquals(json.path("key").asText(), issue.key(), where);
    if (f.path("created").isTextual()) {
      assertEquals(Fixtures.millis(f.path("created").asText()), issue.created(), where);
    }
    if (f.path("updated").isTextual()) {
      assertEquals(Fixtures.millis(f.path("updated").asText()), issue.updated(), where);
    } else if (f.path("updated").isNumber()) {
      assertEquals(f.path("updated").asLong(), issue.updated(), where + ": epoch millis");
    }
    if (f.path("summary").isTextual()) {
      assertEquals(f.path("summary").asText(), issue.field("summary").asText(), where);
    }
    if (f.path("issuetype").has("name")) {
      assertEquals(f.path("issuetype").path("name").asText(), issue.issueType(), where);
    }
    JsonNode assignee = f.path("assignee");
    if (assignee.isObject()) {
      String expected = flavour == JiraFlavour.CLOUD && assignee.hasNonNull("accountId")
          ? assignee.path("accountId").asText() : assignee.path("name").asText();
      assertEquals(expected, issue.field("assignee").asText(), where + " assignee");
    }
    if (f.path("labels").isArray() && !f.path("labels").isEmpty()) {
      assertEquals(f.path("labels"), issue.field("labels"), where + " labels");
    }
    JsonNode description = f.path("description");
    if (description.isTextual()) {
      assertEquals(description.asText(), issue.field("description").asText(), where);
    } else if (Adf.isDocument(description)) {
      String wiki = issue.field("description").asText();
      for (String text : texts(description)) {
        assertTrue(wiki.contains(text), where + ": description lost \"" + text + "\": " + wiki);
      }
    }
    JsonNode histories = json.path("changelog").path("histories");
    if (histories.isArray()) {
      List<ChangelogEntry> entries = wire.changelog(histories);
      Set<String> ids = new HashSet<>();
      histories.forEach(h -> ids.add(h.path("id").asText()));
      assertEquals(ids.size(), entries.size(), where + " changelog entries");
      for (int i = 1; i < entries.size(); i++) {
        assertTrue(entries.get(i - 1).timestamp() <= entries.get(i).timestamp(), where);
      }
      for (ChangelogEntry e : entries) {
        for (FieldChange c : e.items()) {
          assertFalse(c.field().isBlank(), where + " changelog item without field");
        }
      }
    }
  }

  /** The text of an ADF document's text nodes. */
  private static List<String> texts(JsonNode node) {
    List<String> out = new ArrayList<>();
    if ("text".equals(node.path("type").asText()) && node.hasNonNull("text")) {
      out.add(node.path("text").asText().strip());
    }
    node.path("content").forEach(c -> out.addAll(texts(c)));
    out.removeIf(String::isEmpty);
    return out;
  }

  @Test
  void theSameIssueReadFromRestV3AndV2GivesTheSameText() {
    JsonNode v3 = Fixtures.json("go-atlassian/jira/v3/mocks/get-issue.json");
    JsonNode v2 = Fixtures.json("go-atlassian/jira/v3/mocks/get-issue-v2.json");
    String fromAdf = Fixtures.wireFor(v3, JiraFlavour.CLOUD, CLOUD_FIELDS).issue(v3)
        .field("description").asText();
    String wiki = v2.path("fields").path("description").asText();

    String firstParagraph = wiki.substring(0, wiki.indexOf("\n\n"));
    assertEquals(firstParagraph, fromAdf.substring(0, fromAdf.indexOf("\n\n")),
        "bold text and the non-breaking space after it");
    assertTrue(fromAdf.contains("sadsadsad"), "the panel's text is kept: " + fromAdf);
  }

  @Test
  void oldServerChangelogsWithoutFieldIdAndOutOfOrderAreSortedAndNamed() {
    JsonNode issue = Fixtures.json("jrjc/json/issue/valid-5.0-with-changelog.json");
    JiraWire wire = Fixtures.wireFor(issue, JiraFlavour.SERVER, CLOUD_FIELDS);

    List<ChangelogEntry> entries = wire.changelog(issue.path("changelog").path("histories"));

    // 10003 has the same time as 10001 and comes after 10002 in the file
    assertEquals(List.of("10000", "10001", "10003", "10002"),
        entries.stream().map(ChangelogEntry::id).toList());
    assertEquals(List.of("summary", "issuetype", "priority", "description", "customfield_10001",
            "duedate", "customfield_10002", "customfield_10000"),
        entries.get(3).items().stream().map(FieldChange::field).toList(),
        "custom fields found by their names");
    assertEquals("Modified text field value", entries.get(3).items().get(7).to());
    assertEquals("user2", entries.get(3).author());
    assertNull(entries.get(2).author(), "an anonymous change");
    assertEquals(Fixtures.millis("2012-04-12T14:28:44.079+0200"), entries.get(1).timestamp());
  }

  @Test
  void cloudChangelogItemsCarryTheirFieldId() {
    JsonNode page = Fixtures.json("go-atlassian/jira/mocks/get-epic-issues.json");
    JiraWire wire = Fixtures.wireFor(page, JiraFlavour.CLOUD, CLOUD_FIELDS);

    List<ChangelogEntry> entries =
        wire.changelog(page.path("issues").get(0).path("changelog").path("histories"));

    assertEquals("customfield_10020", entries.get(0).items().get(0).field(), "Sprint");
  }

  @Test
  void theChangelogEndpointPagesItsEntriesUnderValues() {
    JsonNode page = Fixtures.json("openapi/examples/getChangeLogs.response-200.json");
    JiraWire wire = new JiraWire(JiraFlavour.CLOUD, cloudFields());

    List<ChangelogEntry> entries = wire.changelog(page.path("values"));

    assertEquals(page.path("values").size(), entries.size());
    assertEquals("5b10a2844c20165700ede21g", entries.get(0).author());
    assertFalse(entries.get(0).items().isEmpty());
    JsonNode first = page.path("values").get(0).path("items").get(0);
    assertEquals(first.path("fieldId").asText(), entries.get(0).items().get(0).field());
  }

  private static List<FieldSchema> cloudFields() {
    List<FieldSchema> out = new ArrayList<>();
    Fixtures.json(CLOUD_FIELDS).forEach(f -> out.add(JiraWire.fieldSchema(f)));
    return out;
  }

  @Test
  void commentsOfBothFlavoursWithTheirVisibility() {
    JiraWire cloud = new JiraWire(JiraFlavour.CLOUD, cloudFields());
    JsonNode v3 = Fixtures.json("go-atlassian/jira/v3/mocks/get-issue-comments.json");
    List<Comment> adf = cloud.comments(v3);
    assertEquals(v3.path("comments").size(), adf.size());
    assertTrue(adf.get(0).body().startsWith("Lorem ipsum dolor sit amet"), adf.get(0).body());
    assertEquals("role:Administrators", adf.get(0).visibility());
    assertEquals(Fixtures.millis(v3.path("comments").get(0).path("created").asText()),
        adf.get(0).created());

    JsonNode v2 = Fixtures.json("go-atlassian/jira/v3/mocks/get-issue-comments-v2.json");
    List<Comment> wiki = cloud.comments(v2);
    assertEquals(List.of("adasd", "asdasd"), wiki.subList(0, 2).stream().map(Comment::body)
        .toList());
    assertNull(wiki.get(0).visibility());

    JiraWire server = new JiraWire(JiraFlavour.SERVER, List.of());
    List<Comment> onServer = server.comments(Fixtures.json("jrjc/json/issue/valid-visibility.json")
        .path("fields").path("comment"));
    assertEquals(List.of("10020 admin role:Administrators some comment",
            "10021 wseliga null a comment by user",
            "10022 wseliga group:jira-users a comment viewable only by jira-users",
            "10050 admin null Comment for *avatar1*!"),
        onServer.stream().map(c -> c.id() + " " + c.author() + " " + c.visibility() + " "
            + c.body()).toList());
    List<Comment> anonymous = server.comments(Fixtures.json(
        "jrjc/json/issue/valid-anonymous-comment.json").path("fields").path("comment"));
    assertNull(anonymous.get(0).author(), "an anonymous comment has no author");
  }

  @Test
  void transitionsWithTheirTargetAndRequiredFields() {
    for (String file : List.of("go-atlassian/jira/v3/mocks/get-transitions.json",
        "go-jira/testing/mock-data/transitions.json",
        "openapi/examples/getTransitions.response-200.json")) {
      List<Transition> transitions = JiraWire.transitions(Fixtures.json(file));
      assertEquals(List.of("2 Close Issue -> In Progress", "711 QA Review -> Closed"),
          transitions.stream().map(t -> t.id() + " " + t.name() + " -> " + t.toStatus())
              .toList(), file);
      assertEquals(Set.of(), transitions.get(1).requiredFields(), file);
    }
  }

  @Test
  void createMetadataInTheOldExpandedFormAndTheNewPagedForm() {
    JsonNode old = Fixtures.json("jrjc/json/createmeta/valid-with-fields-expanded.json");
    JsonNode type = old.path("projects").get(0).path("issuetypes").get(0);
    CreateMetadata server = JiraWire.createMetadata(type.path("name").asText(), old);
    List<String> required = new ArrayList<>();
    type.path("fields").fields().forEachRemaining(e -> {
      if (e.getValue().path("required").asBoolean()
          && !e.getValue().path("hasDefaultValue").asBoolean()
          && !Set.of("project", "issuetype").contains(e.getKey())) {
        required.add(e.getKey());
      }
    });
    assertFalse(required.isEmpty());
    assertEquals(Set.copyOf(required), server.requiredFields());
    assertTrue(server.fields().containsAll(required));

    JsonNode cloudOld = Fixtures.json("go-atlassian/jira/v3/mocks/get-issue-create-metadata.json");
    JsonNode cloudType = cloudOld.path("projects").get(0).path("issuetypes").get(0);
    CreateMetadata cloud = JiraWire.createMetadata(cloudType.path("name").asText(), cloudOld);
    Set<String> offered = new HashSet<>();
    cloudType.path("fields").fieldNames().forEachRemaining(offered::add);
    offered.removeAll(Set.of("project", "issuetype")); // set by the adapter itself
    assertEquals(offered, cloud.fields());

    JsonNode paged = Fixtures.json("openapi/examples/getCreateIssueMetaIssueTypeId.response-200.json");
    CreateMetadata fresh = JiraWire.createMetadata("Bug", paged);
    assertEquals(Set.of("assignee"), fresh.requiredFields());

    // Server 9 sends the same page under "values"
    JsonNode values = Fixtures.JSON.createObjectNode().set("values", paged.path("fields"));
    assertEquals(Set.of("assignee"), JiraWire.createMetadata("Bug", values).requiredFields());
  }

  @Test
  void attachmentsFromIssueFieldsUploadAnswersAndMetadata() {
    JiraWire server = new JiraWire(JiraFlavour.SERVER, List.of());
    JsonNode a = Fixtures.json("jrjc/json/attachment/valid.json");
    Attachment parsed = server.attachment(a);
    assertEquals(a.path("filename").asText(), parsed.filename());
    assertEquals(a.path("size").asLong(), parsed.size());
    assertEquals(a.path("mimeType").asText(), parsed.mimeType());
    assertEquals(Fixtures.millis(a.path("created").asText()), parsed.created());
    assertNull(server.attachment(Fixtures.json("jrjc/json/attachment/valid-anonymousAuthor.json"))
        .author());

    JiraWire cloud = new JiraWire(JiraFlavour.CLOUD, List.of());
    JsonNode uploaded = Fixtures.json("go-atlassian/jira/v3/mocks/get-attachments.json");
    assertTrue(uploaded.isArray(), "an upload answers with an array");
    Attachment first = cloud.attachment(uploaded.get(0));
    assertEquals(uploaded.get(0).path("id").asText(), first.id());
    assertEquals(uploaded.get(0).path("author").path("accountId").asText(), first.author());
    JsonNode numericId = Fixtures.json("openapi/examples/getIssue.response-200.json")
        .path("fields").path("attachment").get(0);
    assertEquals("10000", cloud.attachment(numericId).id(), "ids come as numbers too");
  }

  @Test
  void issueLinksSeenFromTheIssue() {
    JsonNode issue = Fixtures.json("jrjc/json/issue/valid-all-expanded.json");
    JsonNode raw = issue.path("fields").path("issuelinks");
    List<IssueLink> links = JiraWire.links(issue.path("key").asText(), raw);
    assertEquals(raw.size(), links.size());
    for (int i = 0; i < raw.size(); i++) {
      JsonNode l = raw.get(i);
      IssueLink parsed = links.get(i);
      assertEquals(l.path("type").path("name").asText(), parsed.type());
      if (l.has("outwardIssue")) {
        assertEquals(issue.path("key").asText(), parsed.outwardIssue());
        assertEquals(l.path("outwardIssue").path("key").asText(), parsed.inwardIssue());
      } else {
        assertEquals(l.path("inwardIssue").path("key").asText(), parsed.outwardIssue());
        assertEquals(issue.path("key").asText(), parsed.inwardIssue());
      }
    }
  }

  @Test
  void fieldListsGiveSchemasAndRichTextFields() {
    for (String file : List.of(CLOUD_FIELDS, "go-jira/testing/mock-data/all_fields.json",
        "openapi/examples/getFields.response-200.json")) {
      JsonNode list = Fixtures.json(file);
      List<FieldSchema> fields = new ArrayList<>();
      list.forEach(f -> fields.add(JiraWire.fieldSchema(f)));
      assertEquals(list.size(), fields.size(), file);
      fields.forEach(f -> assertFalse(f.id().isBlank(), file));
    }
    JiraWire cloud = new JiraWire(JiraFlavour.CLOUD, cloudFields());
    assertTrue(cloud.richText("description"));
    assertFalse(cloud.richText("summary"));
    Fixtures.json(CLOUD_FIELDS).forEach(f -> {
      if (f.path("schema").path("custom").asText().endsWith(":textarea")) {
        assertTrue(cloud.richText(f.path("id").asText()), f.path("id").asText());
      }
    });
  }

  @Test
  void theFlavourFromServerInfo() {
    assertEquals(JiraFlavour.CLOUD,
        JiraSession.flavourOf(Fixtures.json("go-atlassian/jira/v3/mocks/server-info.json")));
    assertEquals(JiraFlavour.CLOUD,
        JiraSession.flavourOf(Fixtures.json("openapi/examples/getServerInfo.response-200.json")));
    assertEquals(JiraFlavour.SERVER,
        JiraSession.flavourOf(Fixtures.json("jrjc/json/serverInfo/valid.json")));
    assertEquals(JiraFlavour.SERVER,
        JiraSession.flavourOf(Fixtures.json("jrjc/json/serverInfo/valid-for-anonymous.json")));
    assertEquals(JiraFlavour.SERVER, JiraSession.flavourOf(Fixtures.JSON.createObjectNode()
        .put("deploymentType", "DataCenter").put("version", "9.12.0")));
  }

  @Test
  void theSyncUserAndItsTimeZoneFromMyself() {
    URI site = URI.create("https://example.com");
    JsonNode cloud = Fixtures.json("go-atlassian/jira/v3/mocks/get-myselft.json");
    assertEquals("5b86be50b8e3cb5895860d6d", JiraWire.userIdOf(cloud, JiraFlavour.CLOUD));
    assertEquals(ZoneId.of("America/Guatemala"), JiraSession.zoneOf(cloud, site));

    JsonNode server = Fixtures.json("jrjc/json/user/valid-5.0.json");
    assertEquals("wseliga", JiraWire.userIdOf(server, JiraFlavour.SERVER));
    assertEquals(ZoneId.of("Europe/Warsaw"), JiraSession.zoneOf(server, site));

    JsonNode noZone = Fixtures.json("jrjc/json/user/valid.json");
    assertEquals(JiraSession.UNKNOWN_ZONE, JiraSession.zoneOf(noZone, site),
        "no zone: a margin that cannot miss a change");
    assertEquals("uuid-accountId-admin", JiraWire.userIdOf(
        Fixtures.json("jrjc/json/user/valid-with-accountId.json"), JiraFlavour.CLOUD));
  }

  @Test
  void everyErrorBodyBecomesAMessageNamingTheFieldsAndTheirErrors() {
    Map<String, List<String>> expected = Map.of(
        "jrjc/json/error/valid.json", List.of("field customfield_10000: abcfsd"),
        "jrjc/json/error/valid2.json", List.of("a", "b", "xxx"),
        "jrjc/json/error/valid3.json", List.of("field ab: aa", "field cd: bb"),
        "jrjc/json/error/valid4.json", List.of("a", "b", "field a: y", "field c: z"),
        "jrjc/json/issueLinks/links-disabled-error.json",
        List.of("Issue linking is currently disabled."),
        "openapi/examples/createIssue.response-400.json", List.of("Field 'priority' is required"),
        "go-atlassian/jira/v3/mocks/validate-project-error-message.json",
        List.of("field projectKey: A project with that project key already exists."));
    expected.forEach((file, parts) -> {
      String summary = JiraHttp.refused("POST", URI.create("https://jira.example.com/rest/api/2/issue"),
          new JiraHttp.Response(400, Fixtures.json(file), Map.of()), null).getMessage();
      assertTrue(summary.startsWith("Jira refused POST /rest/api/2/issue (HTTP 400)"), summary);
      for (String part : parts) {
        assertTrue(summary.contains(part), file + ": " + summary);
      }
    });
  }
}
