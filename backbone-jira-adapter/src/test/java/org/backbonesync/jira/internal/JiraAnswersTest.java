package org.backbonesync.jira.internal;

import static org.backbonesync.jira.internal.JiraAnswers.at;
import static org.backbonesync.jira.internal.JiraAnswers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.backbonesync.jira.JiraException;
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
 * The adapter reads what Jira sends, on the project's own answers ({@link JiraAnswers}): a Jira
 * Server site "Greenhouse" (GH, REST v2, the sync user in Europe/Berlin) and a Jira Cloud site
 * "Seed bank" (SEED, REST v3 and v2, the sync user in America/Sao_Paulo), parsed by the code that
 * reads live answers, with the quirks of Jira's REST API: offsets without a colon, changelog
 * items without fieldId and out of order, {@code values} vs {@code histories}, ADF vs wiki
 * markup, both forms of create metadata, transitions without {@code to}, anonymous authors.
 */
class JiraAnswersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KENJI = "712020:c4e8f2a6-3b1d-4e9f-8a7c-2d6b5e1f0a93";
  private static final String ANA = "5f3c9e1d2b7a40006a1b2c3d";
  private static final String SEED_SYNC = "712020:0b6a1c5e-8d2f-4f7a-9c31-5e2b7d4a9f10";

  private final JiraWire server = JiraAnswers.wire(JiraFlavour.SERVER);
  private final JiraWire cloud = JiraAnswers.wire(JiraFlavour.CLOUD);

  // ------------------------------------------------------------------ issues

  @Test
  void aServerIssueGivesItsFieldsUsersAndTimes() {
    TrackedIssue gh12 = server.issue(json("server/issue.json"));

    assertEquals("GH-12", gh12.key());
    assertEquals("Bug", gh12.issueType());
    assertEquals("mhollis", gh12.creator(), "users by name on Server");
    assertEquals(at("2025-03-28T16:02:11.904Z"), gh12.created(), "+0100, before the clocks moved");
    assertEquals(at("2025-04-02T06:45:30.007Z"), gh12.updated(), "+0200, after");
    assertNull(gh12.originMarker(), "a person made it");
    assertEquals("Drip line in the North house floods bed 4 at night",
        gh12.field("summary").asText());
    assertEquals("The drip line on bed 4 keeps running after the 22:00 cycle.\n\n"
        + "*Seen:* three nights in a row\n* water pools by the door\n* valve V-3 is warm",
        gh12.field("description").asText(), "wiki markup as Server sends it");
    assertEquals("tokafor", gh12.field("assignee").asText());
    assertEquals("mhollis", gh12.field("reporter").asText());
    assertEquals("High", gh12.field("priority").asText());
    assertEquals("In Progress", gh12.field("status").asText());
    assertEquals(strings("irrigation", "night-shift"), gh12.field("labels"));
    assertEquals(strings("Irrigation"), gh12.field("components"));
    assertEquals(strings("2025.2"), gh12.field("fixVersions"));
    assertEquals("2025-04-11", gh12.field("duedate").asText());
    assertEquals("North house", gh12.field("customfield_10300").asText(), "a select's value");
    assertEquals("Valve V-3 sticks open when the controller restarts.",
        gh12.field("customfield_10301").asText());
    assertEquals("mhollis", gh12.field("customfield_10302").asText(), "a user picker's user");
    assertTrue(gh12.field("resolution").isNull(), "unresolved");
    for (String readElsewhere : List.of("comment", "attachment", "issuelinks", "created",
        "updated", "creator", "project", "watches", "votes")) {
      assertFalse(gh12.fields().containsKey(readElsewhere), readElsewhere);
    }
  }

  @Test
  void aCloudIssueGivesAccountIdsAndItsRichTextAsWikiMarkup() {
    TrackedIssue seed7 = cloud.issue(json("cloud/issue-v3.json"));

    assertEquals("SEED-7", seed7.key());
    assertEquals("Bug", seed7.issueType());
    assertEquals(KENJI, seed7.creator(), "users by account id on Cloud");
    assertEquals(ANA, seed7.field("assignee").asText());
    assertEquals(at("2025-05-06T13:14:55.208Z"), seed7.created(), "-0300");
    assertEquals(at("2025-05-09T19:02:31.774Z"), seed7.updated());
    assertEquals("*Humidity*\u00a0in drawer 12 reads {{78 %}} since the new seals went in.\n\n"
            + "* Checked the hygrometer against drawer 11\n"
            + "* Seals are from batch [B-2291|https://kestrel-mill.atlassian.net/browse/SEED-2]\n\n"
            + "h3. Next steps\n\n"
            + "[~accountid:" + ANA + "] please swap the seals before Friday.\n\n"
            + "{panel:bgColor=#deebff}\nDrawers 1 to 11 read between 38 and 42 %.\n{panel}",
        seed7.field("description").asText(), "marks, a list, a link, a heading, a mention and"
            + " an info panel");
    assertEquals("Batch B-2291 came from a new supplier, _Verdant Seals_.",
        seed7.field("customfield_10040").asText(), "a textarea custom field is ADF too");
    assertEquals("12", seed7.field("customfield_10041").asText());
    assertEquals(strings("humidity", "seals"), seed7.field("labels"));
  }

  @Test
  void theSameIssueReadFromRestV3AndV2GivesTheSameValues() {
    TrackedIssue v3 = cloud.issue(json("cloud/issue-v3.json"));
    TrackedIssue v2 = cloud.issue(json("cloud/issue-v2.json"));

    String wiki = v2.field("description").asText();
    assertEquals(wiki, v3.field("description").asText(), "the same text, bold, the"
        + " non-breaking space after it, the panel and all");
    Map<String, JsonNode> others = new HashMap<>(v3.fields());
    others.remove("description");
    Map<String, JsonNode> othersV2 = new HashMap<>(v2.fields());
    othersV2.remove("description");
    assertEquals(othersV2, others);
    assertEquals(v2.created(), v3.created());
    assertEquals(v2.updated(), v3.updated());
  }

  /** Every issue the answers hold, in a GET or on a search page: where, flavour, JSON. */
  static Stream<Arguments> everyIssue() {
    List<Arguments> out = new ArrayList<>();
    out.add(Arguments.of("server/issue.json", JiraFlavour.SERVER, json("server/issue.json")));
    out.add(Arguments.of("cloud/issue-v3.json", JiraFlavour.CLOUD, json("cloud/issue-v3.json")));
    out.add(Arguments.of("cloud/issue-v2.json", JiraFlavour.CLOUD, json("cloud/issue-v2.json")));
    for (String page : List.of("server/search-page-1.json", "server/search-page-2.json",
        "cloud/search-jql-page-1.json", "cloud/search-jql-page-2.json")) {
      JiraFlavour flavour = page.startsWith("cloud") ? JiraFlavour.CLOUD : JiraFlavour.SERVER;
      json(page).path("issues").forEach(i -> out.add(
          Arguments.of(page + " " + i.path("key").asText(), flavour, i)));
    }
    return out.stream();
  }

  /**
   * Each issue against its own JSON read independently of the adapter: key, times (with Jira's
   * documented pattern), summary, type, assignee, labels, text, and a changelog in time order.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("everyIssue")
  void everyIssueReadsAsItsJsonSays(String where, JiraFlavour flavour, JsonNode json) {
    JiraWire wire = JiraAnswers.wire(flavour);
    TrackedIssue issue = wire.issue(json);
    JsonNode f = json.path("fields");

    assertEquals(json.path("key").asText(), issue.key(), where);
    assertEquals(jiraTime(f.path("created").asText()), issue.created(), where);
    assertEquals(jiraTime(f.path("updated").asText()), issue.updated(), where);
    assertEquals(f.path("summary").asText(), issue.field("summary").asText(), where);
    assertEquals(f.path("issuetype").path("name").asText(), issue.issueType(), where);
    JsonNode assignee = f.path("assignee");
    assertEquals(assignee.isObject() ? assignee.path(flavour == JiraFlavour.CLOUD ? "accountId"
        : "name").asText() : null, issue.field("assignee").textValue(), where + " assignee");
    assertEquals(f.path("labels").isEmpty() ? null : f.path("labels"),
        issue.fields().get("labels"), where + " labels");
    JsonNode description = f.path("description");
    if (description.isTextual()) {
      assertEquals(description.asText(), issue.field("description").asText(), where);
    } else if (Adf.isDocument(description)) {
      for (String text : texts(description)) {
        assertTrue(issue.field("description").asText().contains(text), where + " lost " + text);
      }
    }
    List<ChangelogEntry> entries = wire.changelog(json.path("changelog").path("histories"));
    assertEquals(json.path("changelog").path("total").asInt(), entries.size(), where);
    for (int i = 1; i < entries.size(); i++) {
      assertTrue(entries.get(i - 1).timestamp() <= entries.get(i).timestamp(), where);
    }
  }

  /** A Jira time parsed with the pattern Jira documents, not with the adapter's parser. */
  private static long jiraTime(String value) {
    return OffsetDateTime.parse(value, DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ"))
        .toInstant().toEpochMilli();
  }

  /** The texts of an ADF document's text nodes. */
  private static List<String> texts(JsonNode node) {
    List<String> out = new ArrayList<>();
    if ("text".equals(node.path("type").asText())) {
      out.add(node.path("text").asText().strip());
    }
    node.path("content").forEach(c -> out.addAll(texts(c)));
    out.removeIf(String::isEmpty);
    return out;
  }

  // ------------------------------------------------------------------ changelogs

  @Test
  void aServerChangelogWithoutFieldIdIsNamedSortedAndKeepsAnonymousChanges() {
    List<ChangelogEntry> entries = server.changelog(
        json("server/issue.json").path("changelog").path("histories"));

    // 20417 and 20415 have the same time, and the file lists 20417 first
    assertEquals(List.of("20412", "20415", "20417", "20421"),
        entries.stream().map(ChangelogEntry::id).toList());
    assertEquals(List.of(List.of("customfield_10300", "labels"),
            List.of("assignee", "customfield_10301"), List.of("fixVersions"),
            List.of("issuelinks", "components")),
        entries.stream().map(e -> e.items().stream().map(FieldChange::field).toList()).toList(),
        "custom fields by their names (Greenhouse, Root cause), system fields by the names"
            + " Jira writes in changelogs (Fix Version, Link, Component)");
    assertEquals(Arrays.asList("mhollis", "tokafor", null, "tokafor"),
        entries.stream().map(ChangelogEntry::author).toList(), "an anonymous change");
    assertEquals(at("2025-03-28T16:05:40.112Z"), entries.get(0).timestamp());
    assertEquals(at("2025-04-01T20:13:05.550Z"), entries.get(1).timestamp());
    assertEquals(new FieldChange("customfield_10300", null, "North house"),
        entries.get(0).items().get(0));
    assertEquals(new FieldChange("labels", null, "irrigation night-shift"),
        entries.get(0).items().get(1), "labels space-separated; an empty fromString is none");
    assertEquals(new FieldChange("assignee", "Marta Hollis", "Tunde Okafor"),
        entries.get(1).items().get(0));
  }

  @Test
  void cloudChangelogItemsCarryTheirFieldId() {
    List<ChangelogEntry> embedded = cloud.changelog(
        json("cloud/issue-v3.json").path("changelog").path("histories"));

    assertEquals(List.of("10513", "10520", "10528"),
        embedded.stream().map(ChangelogEntry::id).toList());
    assertEquals(List.of(List.of("customfield_10041"), List.of("assignee", "labels"),
            List.of("customfield_10040", "status")),
        embedded.stream().map(e -> e.items().stream().map(FieldChange::field).toList()).toList());
    assertEquals(List.of(KENJI, ANA, ANA),
        embedded.stream().map(ChangelogEntry::author).toList());
    assertEquals(new FieldChange("status", "To Do", "In Progress"),
        embedded.get(2).items().get(1));
  }

  @Test
  void theChangelogEndpointPagesItsEntriesUnderValues() {
    JsonNode page = json("cloud/changelog.json");

    List<ChangelogEntry> entries = cloud.changelog(page.path("values"));

    assertEquals(3, entries.size());
    assertEquals(cloud.changelog(json("cloud/issue-v3.json").path("changelog")
        .path("histories")), entries, "the same entries as the issue's embedded changelog");
    assertEquals(at("2025-05-08T12:30:00.512Z"), entries.get(1).timestamp());
  }

  // ------------------------------------------------------------------ comments

  @Test
  void serverCommentsWithTheirVisibilityAndAnAnonymousAuthor() {
    List<Comment> comments = server.comments(json("server/comments.json"));

    assertEquals(List.of(
            "30101 mhollis null Moved the timer to 21:30 for tonight.",
            "30107 tokafor role:Developers Controller log attached; V-3 stays open after a"
                + " restart.",
            "30110 null group:greenhouse-staff Night guard here: the floor by the door is wet"
                + " again."),
        comments.stream().map(c -> c.id() + " " + c.author() + " " + c.visibility() + " "
            + c.body()).toList());
    Comment edited = comments.get(1);
    assertEquals(at("2025-04-01T05:10:12.345Z"), edited.created());
    assertEquals(at("2025-04-01T05:12:40.001Z"), edited.updated());
    assertEquals(comments, server.comments(json("server/issue.json").path("fields")
        .path("comment")), "the comments an issue brings along are the same");
  }

  @Test
  void cloudCommentsInAdfWithTheirVisibilityReadAsInRestV2() {
    List<Comment> comments = cloud.comments(json("cloud/comments.json"));

    assertEquals(List.of(
            "10201 null Hygrometer photo attached.",
            "10204 role:Administrators Seals from batch *B-2291* do not close fully.",
            "10209 group:seed-bank-staff Swapped the drawer 12 seals.\n\nWatching it overnight."),
        comments.stream().map(c -> c.id() + " " + c.visibility() + " " + c.body()).toList());
    Comment edited = comments.get(2);
    assertEquals(ANA, edited.author());
    assertEquals(KENJI, edited.updateAuthor(), "Kenji edited Ana's comment");
    assertEquals(at("2025-05-09T19:01:47.330Z"), edited.updated());
    assertEquals(comments, cloud.comments(json("cloud/issue-v2.json").path("fields")
        .path("comment")), "REST v2 sends the same comments as wiki strings");
  }

  // ------------------------------------------------------------------ workflow

  @Test
  void transitionsWithTheirTargetStatusAndRequiredFields() {
    assertEquals(List.of("301 Stop Progress -> Open []", "5 Resolve Issue -> Resolved [resolution]"),
        describe(JiraWire.transitions(json("server/transitions.json"))));
    assertEquals(List.of("11 Back to do -> To Do []", "31 Done -> Done [resolution]"),
        describe(JiraWire.transitions(json("cloud/transitions.json"))));
  }

  @Test
  void aTransitionWithoutToIsTakenToLeadToTheStatusItIsNamedFor() {
    assertEquals(List.of("4 Start Progress -> Start Progress []",
            "5 Resolve Issue -> Resolve Issue [resolution]"),
        describe(JiraWire.transitions(json("server/transitions-without-to.json"))));
  }

  private static List<String> describe(List<Transition> transitions) {
    return transitions.stream().map(t -> t.id() + " " + t.name() + " -> " + t.toStatus() + " "
        + t.requiredFields()).toList();
  }

  // ------------------------------------------------------------------ create metadata

  @Test
  void createMetadataInTheOldExpandedFormAndInServer9sPagedValues() {
    CreateMetadata old = JiraWire.createMetadata("Bug", json("server/createmeta-expanded.json"));

    assertEquals(Set.of("summary", "customfield_10300"), old.requiredFields(),
        "required without a default; project and issue type are the adapter's own");
    assertEquals(Set.of("summary", "reporter", "priority", "description", "labels", "components",
        "duedate", "customfield_10300"), old.fields());
    assertEquals(Set.of(), JiraWire.createMetadata("Task",
        json("server/createmeta-expanded.json")).fields(), "an issue type it does not list");

    CreateMetadata paged = JiraWire.createMetadata("Bug", json("server/createmeta-values.json"));
    assertEquals(old, paged, "Server 9 sends the same screen as a page under values");
    assertEquals(Map.of("issuetype", List.of("Bug"), "project", List.of("Greenhouse"),
            "priority", List.of("High", "Medium", "Low"),
            "components", List.of("Irrigation", "Climate"),
            "customfield_10300", List.of("North house", "South house", "Nursery")),
        JiraWire.allowedValues(json("server/createmeta-values.json")));
  }

  @Test
  void cloudCreateMetadataComesInPagesOfFields() {
    CreateMetadata first = JiraWire.createMetadata("Bug",
        json("cloud/createmeta-issuetype-page-1.json"));
    CreateMetadata second = JiraWire.createMetadata("Bug",
        json("cloud/createmeta-issuetype-page-2.json"));

    assertEquals(Set.of("summary"), first.fields());
    assertEquals(Set.of("summary"), first.requiredFields());
    assertEquals(Set.of("description", "customfield_10041", "reporter"), second.fields());
    assertEquals(Set.of("customfield_10041"), second.requiredFields(), "reporter has a default");
  }

  // ------------------------------------------------------------------ attachments and links

  @Test
  void attachmentsOfAnIssueAndOfUploadAnswers() {
    JsonNode listed = json("server/issue.json").path("fields").path("attachment");
    Attachment photo = server.attachment(listed.get(0));
    Attachment log = server.attachment(listed.get(1));
    assertEquals(new Attachment("10310", "valve-log.csv", "text/csv", 18342, "mhollis",
        at("2025-03-28T16:04:02.310Z")), log);
    assertEquals(new Attachment("10312", "bed4-puddle.jpg", "image/jpeg", 482113, null,
        at("2025-04-01T04:58:47Z")), photo, "no author: uploaded anonymously");

    JsonNode uploaded = json("cloud/upload-answer.json");
    assertTrue(uploaded.isArray(), "an upload answers with an array");
    assertEquals(new Attachment("10093", "seal-batch-B-2291.pdf", "application/pdf", 120455, ANA,
        at("2025-05-09T19:05:12.450Z")), cloud.attachment(uploaded.get(0)));
    assertEquals(new Attachment("10094", "drawer12-after.png", "image/png", 91377, KENJI,
            at("2025-05-09T19:06:30Z")),
        cloud.attachment(json("cloud/upload-answer-numbers.json").get(0)),
        "id and created as numbers, as Atlassian's published examples write them");
  }

  /**
   * An attachment whose answer lists no size, or none the engine can hold it to, is of unknown
   * size (-1: the engine measures it as it reads it). Read as 0, every download of it failed.
   */
  @Test
  void anAttachmentWithoutAWholeSizeIsOfUnknownSize() throws Exception {
    for (String size : List.of("", ", \"size\": null", ", \"size\": \"120\"",
        ", \"size\": -5", ", \"size\": 1.5", ", \"size\": 99999999999999999999")) {
      Attachment a = server.attachment(JSON.readTree("{\"id\": \"7\", \"filename\": \"f.txt\""
          + size + "}"));
      assertEquals(-1, a.size(), size);
    }
    assertEquals(0, server.attachment(JSON.readTree(
        "{\"id\": \"7\", \"filename\": \"empty.txt\", \"size\": 0}")).size());
  }

  @Test
  void aLinkSeenFromEachOfItsIssues() {
    List<IssueLink> fromGh12 = JiraWire.links("GH-12",
        json("server/issue.json").path("fields").path("issuelinks"));
    List<IssueLink> fromGh15 = JiraWire.links("GH-15",
        json("server/search-page-1.json").path("issues").get(1).path("fields")
            .path("issuelinks"));

    assertEquals(List.of(new IssueLink("10840", "Blocks", "GH-12", "GH-15"),
        new IssueLink("10822", "Relates", "GH-3", "GH-12")), fromGh12);
    assertEquals(List.of(fromGh12.get(0)), fromGh15, "GH-15 sees the same link: GH-12 blocks it");
  }

  // ------------------------------------------------------------------ site

  @Test
  void fieldListsGiveSchemasAndTheRichTextFields() {
    Map<String, FieldSchema> fields = server.schemas();
    assertEquals(24, fields.size());
    assertEquals("user", fields.get("customfield_10302").type());
    assertEquals("Greenhouse", fields.get("customfield_10300").name());
    assertTrue(server.richText("description"));
    assertTrue(server.richText("customfield_10301"), "a textarea custom field");
    assertFalse(server.richText("customfield_10300"));
    assertFalse(server.richText("summary"));
    assertTrue(cloud.richText("customfield_10040"));
    assertFalse(cloud.richText("customfield_10041"));
  }

  @Test
  void theFlavourFromServerInfo() {
    assertEquals(JiraFlavour.CLOUD, JiraSession.flavourOf(json("cloud/serverInfo.json")));
    assertEquals(JiraFlavour.CLOUD,
        JiraSession.flavourOf(json("cloud/serverInfo-without-deployment-type.json")),
        "by Cloud's version 1001");
    assertEquals(JiraFlavour.SERVER, JiraSession.flavourOf(json("server/serverInfo.json")));
    assertEquals(JiraFlavour.SERVER,
        JiraSession.flavourOf(json("server/serverInfo-without-deployment-type.json")));
    ObjectNode dataCenter = ((ObjectNode) json("server/serverInfo.json"))
        .put("deploymentType", "DataCenter");
    assertEquals(JiraFlavour.SERVER, JiraSession.flavourOf(dataCenter));
  }

  @Test
  void theSyncUserAndItsTimeZoneFromMyself() {
    URI site = URI.create("https://jira.kestrel-mill.example");
    JsonNode onServer = json("server/myself.json");
    assertEquals("sync-bot", JiraWire.userIdOf(onServer, JiraFlavour.SERVER));
    assertEquals(ZoneId.of("Europe/Berlin"), JiraSession.zoneOf(onServer, site));

    JsonNode onCloud = json("cloud/myself.json");
    assertEquals(SEED_SYNC, JiraWire.userIdOf(onCloud, JiraFlavour.CLOUD));
    assertEquals(ZoneId.of("America/Sao_Paulo"), JiraSession.zoneOf(onCloud, site));

    JsonNode noZone = json("server/myself-without-time-zone.json");
    assertEquals("sync-bot", JiraWire.userIdOf(noZone, JiraFlavour.SERVER));
    assertEquals(JiraSession.UNKNOWN_ZONE, JiraSession.zoneOf(noZone, site),
        "no zone: a margin that cannot miss a change");
  }

  // ------------------------------------------------------------------ errors

  @Test
  void everyErrorBodyBecomesAMessageNamingTheFieldsAndTheirErrors() {
    assertEquals("Jira refused POST /rest/api/2/issue (HTTP 400): field customfield_10300:"
            + " Greenhouse is required.; field duedate: Error parsing date string: 11/04/2025",
        refused("errors/field-errors.json", 400).getMessage());
    assertEquals("Jira refused POST /rest/api/2/issue (HTTP 404): Issue does not exist or you"
            + " do not have permission to see it.",
        refused("errors/messages-only.json", 404).getMessage());
    JiraException both = refused("errors/messages-and-field-errors.json", 400);
    assertEquals(List.of("The sync user may not change the Fix Version/s of released versions.",
        "Comments on this issue are restricted."), both.errorMessages());
    assertEquals(Map.of("labels", "The label 'night shift' contains spaces, which labels may not"
        + " have."), both.fieldErrors());
    assertEquals(Map.of("resolution", "Resolution is required for the transition Resolve"
        + " Issue."), refused("errors/field-errors-without-messages.json", 400).fieldErrors());
    JiraException onCloud = refused("cloud/create-issue-400.json", 400);
    assertEquals(List.of(), onCloud.errorMessages());
    assertEquals(Set.of("customfield_10041", "priority"), onCloud.fieldErrors().keySet());
    assertTrue(onCloud.getMessage().endsWith("field customfield_10041: Drawer is required.;"
        + " field priority: The priority 'Urgent' does not exist; choose one of High, Medium,"
        + " Low."), onCloud.getMessage());
  }

  private static JiraException refused(String answer, int status) {
    return JiraHttp.refused("POST", URI.create("https://jira.kestrel-mill.example/rest/api/2/issue"),
        new JiraHttp.Response(status, json(answer), Map.of()), null);
  }

  private static JsonNode strings(String... values) {
    return JSON.valueToTree(List.of(values));
  }
}
