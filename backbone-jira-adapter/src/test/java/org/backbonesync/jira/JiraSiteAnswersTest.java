package org.backbonesync.jira;

import static org.backbonesync.jira.internal.JiraAnswers.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.CreateMetadata;
import org.backbonesync.spi.tracker.FieldChange;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.spi.tracker.IssueLink;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.Transition;
import org.junit.jupiter.api.Test;

/**
 * A {@link JiraSite} reading the project's own Jira answers over HTTP ({@link CannedJira}): the
 * Server site's project GH and the Cloud site's project SEED, through the same calls the engine
 * makes. What is checked here is what only the whole path shows: search pages followed by offset
 * and by token, create metadata in the form each Jira has, the flavour and the sync user asked
 * of the site, and Jira's refusals reaching the caller.
 */
class JiraSiteAnswersTest {
  private static final String SEED_SYNC = "712020:0b6a1c5e-8d2f-4f7a-9c31-5e2b7d4a9f10";
  private static final String CLOUD_TOKEN = "CgdTRUVELTgQrp2Bwu8yGgQI6AcQAQ";

  // ------------------------------------------------------------------ change detection

  /**
   * Server pages by offset; each next page is asked from one issue before it, so that it goes
   * on after the last issue read even when an issue read before has left the results.
   */
  @Test
  void aServerPollReadsEveryPageByOffsetAndSearchesInTheSyncUsersZone() {
    try (CannedJira jira = CannedJira.start()
        .answer("GET", "/rest/api/2/myself", "server/myself.json")
        .answer("GET", "/rest/api/2/field", "server/fields.json")
        .answer("GET", "/rest/api/2/search", "startAt", "0", "server/search-page-1.json")
        .answer("GET", "/rest/api/2/search", "startAt", "1", "server/search-page-2.json")) {
      IssueTracker gh = jira.site(JiraFlavour.SERVER).project("GH");
      long since = at("2025-04-01T00:00:00Z");

      ChangePage first = gh.findUpdatedSince(since, null, 2, null);
      ChangePage last = gh.findUpdatedSince(since, null, 2, first.nextPageToken());

      assertEquals(List.of("GH-14", "GH-15"), keys(first));
      assertEquals("1~s04dade7eb7a277ac~2:1743576330007:GH-15", first.nextPageToken(),
          "one page read; the next goes on after GH-15, the second issue");
      assertEquals(List.of("GH-17"), keys(last), "GH-15, read before, is left out");
      assertFalse(last.hasNext(), "startAt 1 plus two issues reaches the total of 3");
      IssueChanges gh14 = first.issues().get(0);
      assertEquals(List.of(new FieldChange("summary", "Shade motor hums",
          "Shade cloth motor hums but does not move")), gh14.changelog().get(0).items());
      assertEquals(List.of(), gh14.comments(), "the search says it has no comments: none to ask");
      assertEquals(List.of(), gh14.attachments());
      TrackedIssue gh17 = last.issues().get(0).issue();
      assertEquals("backbone:seeds-greenhouse:GH:SEED-3", gh17.originMarker(),
          "an issue the sync created carries its origin marker");
      assertEquals("sync-bot", gh17.creator());

      List<CannedJira.Request> searches = jira.requests("GET", "/rest/api/2/search");
      assertEquals(List.of("0", "1"), searches.stream().map(r -> r.query().get("startAt"))
          .toList());
      assertEquals(List.of("2", "3"), searches.stream().map(r -> r.query().get("maxResults"))
          .toList(), "one more, for the issue before the offset");
      assertEquals("project = \"GH\" AND updated >= \"2025-04-01 02:00\""
              + " ORDER BY updated ASC, key ASC", searches.get(0).query().get("jql"),
          "midnight UTC written as 02:00, in Berlin where the sync user is");
    }
  }

  @Test
  void aCloudPollReadsPagesByTokenUntilTheLastOne() {
    try (CannedJira jira = CannedJira.start()
        .answer("GET", "/rest/api/3/myself", "cloud/myself.json")
        .answer("GET", "/rest/api/3/field", "cloud/fields.json")
        .answer("GET", "/rest/api/3/search/jql", "nextPageToken", null,
            "cloud/search-jql-page-1.json")
        .answer("GET", "/rest/api/3/search/jql", "nextPageToken", CLOUD_TOKEN,
            "cloud/search-jql-page-2.json")) {
      IssueTracker seed = jira.site(JiraFlavour.CLOUD).project("SEED");
      long since = at("2025-05-06T00:00:00Z");

      ChangePage first = seed.findUpdatedSince(since, null, 2, null);
      ChangePage last = seed.findUpdatedSince(since, null, 2, first.nextPageToken());

      assertEquals(List.of("SEED-7", "SEED-8"), keys(first));
      assertEquals("1~s63bd49d0a78f824c~" + CLOUD_TOKEN, first.nextPageToken(),
          "one page read, the fingerprint held on to, and Jira's token");
      assertEquals(List.of("SEED-9"), keys(last));
      assertFalse(last.hasNext(), "isLast, and no token");
      IssueChanges seed7 = first.issues().get(0);
      assertEquals(List.of("10513", "10520", "10528"),
          seed7.changelog().stream().map(ChangelogEntry::id).toList());
      assertEquals(Arrays.asList(null, "role:Administrators", "group:seed-bank-staff"),
          seed7.comments().stream().map(Comment::visibility).toList());
      assertEquals(List.of("drawer12-hygrometer.png"),
          seed7.attachments().stream().map(Attachment::filename).toList());
      assertTrue(seed7.issue().field("description").asText().startsWith("*Humidity*\u00a0in"),
          "ADF read as wiki markup");
      TrackedIssue seed9 = last.issues().get(0).issue();
      assertEquals("backbone:seeds-greenhouse:SEED:GH-12", seed9.originMarker());
      assertEquals(SEED_SYNC, seed9.creator());

      List<CannedJira.Request> searches = jira.requests("GET", "/rest/api/3/search/jql");
      assertEquals(Arrays.asList(null, CLOUD_TOKEN),
          searches.stream().map(r -> r.query().get("nextPageToken")).toList());
      assertEquals("*all", searches.get(0).query().get("fields"),
          "the search gives only ids unless asked for the fields");
      assertTrue(searches.get(0).query().get("jql").contains("updated >= \"2025-05-05 21:00\""),
          "in Sao Paulo, the sync user's zone: " + searches.get(0).query().get("jql"));
    }
  }

  private static List<String> keys(ChangePage page) {
    return page.issues().stream().map(c -> c.issue().key()).toList();
  }

  // ------------------------------------------------------------------ the site

  @Test
  void theFlavourAndTheSignedInUserAreAskedOfTheSite() {
    try (CannedJira cloud = CannedJira.start()
        .answer("GET", "/rest/api/2/serverInfo", "cloud/serverInfo.json")
        .answer("GET", "/rest/api/3/myself", "cloud/myself.json")) {
      JiraSite site = cloud.site(null);

      assertEquals(JiraFlavour.CLOUD, site.flavour());
      assertEquals(SEED_SYNC, site.signedInUser());
      assertEquals(List.of("GET /rest/api/2/serverInfo", "GET /rest/api/3/myself"),
          requests(cloud));
    }
    try (CannedJira server = CannedJira.start()
        .answer("GET", "/rest/api/2/serverInfo", "server/serverInfo-without-deployment-type.json")
        .answer("GET", "/rest/api/2/myself", "server/myself.json")) {
      JiraSite site = server.site(null);

      assertEquals(JiraFlavour.SERVER, site.flavour());
      assertEquals("sync-bot", site.signedInUser());
    }
  }

  /** A poll asks Jira's clock from the serverTime of /serverInfo, in the site's API version. */
  @Test
  void theServerTimeIsJirasClockFromServerInfo() {
    try (CannedJira cloud = CannedJira.start()
        .answer("GET", "/rest/api/3/serverInfo", "cloud/serverInfo.json")) {
      IssueTracker seed = cloud.site(JiraFlavour.CLOUD).project("SEED");

      assertEquals(OptionalLong.of(at("2025-05-09T19:10:00.112Z")), seed.serverTime());
      assertEquals(List.of("GET /rest/api/3/serverInfo"), requests(cloud));
    }
    try (CannedJira server = CannedJira.start()
        .answer("GET", "/rest/api/2/serverInfo", "server/serverInfo-without-deployment-type.json")) {
      IssueTracker gh = server.site(JiraFlavour.SERVER).project("GH");

      assertEquals(OptionalLong.of(at("2016-09-05T09:48:03.562Z")), gh.serverTime());
    }
  }

  private static List<String> requests(CannedJira jira) {
    return jira.requests().stream().map(r -> r.method() + " " + r.path()).toList();
  }

  // ------------------------------------------------------------------ create metadata

  @Test
  void onServerTheCreateScreenComesFromTheOldExpandedCreatemeta() {
    try (CannedJira jira = CannedJira.start()
        .answer("GET", "/rest/api/2/project/GH", "server/project.json")
        .answer("GET", "/rest/api/2/issue/createmeta", "server/createmeta-expanded.json")) {
      CreateMetadata bug = jira.site(JiraFlavour.SERVER).project("GH").createMetadata("Bug");

      assertEquals(Set.of("summary", "customfield_10300"), bug.requiredFields());
      assertTrue(bug.onScreen("duedate"));
      Map<String, String> asked = jira.requests("GET", "/rest/api/2/issue/createmeta").get(0)
          .query();
      assertEquals("GH", asked.get("projectKeys"));
      assertEquals("10004", asked.get("issuetypeIds"), "Bug's id from the project");
      assertEquals("projects.issuetypes.fields", asked.get("expand"));
    }
  }

  @Test
  void onServer9WithoutTheOldCreatemetaThePagedOneIsRead() {
    try (CannedJira jira = CannedJira.start()
        .answer("GET", "/rest/api/2/project/GH", "server/project.json")
        .refuse("GET", "/rest/api/2/issue/createmeta", 404, null)
        .answer("GET", "/rest/api/2/issue/createmeta/GH/issuetypes/10004",
            "server/createmeta-values.json")) {
      CreateMetadata bug = jira.site(JiraFlavour.SERVER).project("GH").createMetadata("Bug");

      assertEquals(Set.of("summary", "customfield_10300"), bug.requiredFields());
      assertEquals(Set.of("summary", "reporter", "priority", "description", "labels",
          "components", "duedate", "customfield_10300"), bug.fields());
    }
  }

  @Test
  void onCloudEveryPageOfTheCreateScreenIsRead() {
    String path = "/rest/api/3/issue/createmeta/SEED/issuetypes/10003";
    try (CannedJira jira = CannedJira.start()
        .answer("GET", "/rest/api/3/project/SEED", "cloud/project.json")
        .answer("GET", path, "startAt", "0", "cloud/createmeta-issuetype-page-1.json")
        .answer("GET", path, "startAt", "3", "cloud/createmeta-issuetype-page-2.json")) {
      CreateMetadata bug = jira.site(JiraFlavour.CLOUD).project("SEED").createMetadata("Bug");

      assertEquals(Set.of("summary", "description", "customfield_10041", "reporter"),
          bug.fields());
      assertEquals(Set.of("summary", "customfield_10041"), bug.requiredFields());
      assertEquals(List.of("0", "3"), jira.requests("GET", path).stream()
          .map(r -> r.query().get("startAt")).toList(), "the site gave 3 fields a page");
    }
  }

  // ------------------------------------------------------------------ one issue

  @Test
  void aServerIssueWithItsCommentsTransitionsAttachmentsLinksAndChangelog() {
    try (CannedJira jira = CannedJira.start()
        .answer("GET", "/rest/api/2/field", "server/fields.json")
        .answer("GET", "/rest/api/2/issue/GH-12", "server/issue.json")
        .answer("GET", "/rest/api/2/issue/GH-12/comment", "server/comments.json")
        .answer("GET", "/rest/api/2/issue/GH-12/transitions", "server/transitions.json")) {
      IssueTracker gh = jira.site(JiraFlavour.SERVER).project("GH");

      assertEquals("Drip line in the North house floods bed 4 at night",
          gh.issue("GH-12").orElseThrow().field("summary").asText());
      assertEquals(List.of("30101", "30107", "30110"),
          gh.comments("GH-12").stream().map(Comment::id).toList());
      assertEquals(List.of("Open", "Resolved"),
          gh.transitions("GH-12").stream().map(Transition::toStatus).toList());
      assertEquals(List.of("valve-log.csv", "bed4-puddle.jpg"),
          gh.attachments("GH-12").stream().map(Attachment::filename).toList(),
          "oldest first, though Jira listed the photo first");
      assertEquals(List.of(new IssueLink("10840", "Blocks", "GH-12", "GH-15"),
          new IssueLink("10822", "Relates", "GH-3", "GH-12")), gh.links("GH-12"));
      assertEquals(List.of("20415", "20417", "20421"),
          gh.changelog("GH-12", at("2025-04-01T00:00:00Z")).stream().map(ChangelogEntry::id)
              .toList(), "the entries since April, from the issue's expanded changelog");
    }
  }

  @Test
  void aCloudIssueWithItsCommentsChangelogAndAnUpload() {
    try (CannedJira jira = CannedJira.start()
        .answer("GET", "/rest/api/3/field", "cloud/fields.json")
        .answer("GET", "/rest/api/3/issue/SEED-7", "cloud/issue-v3.json")
        .answer("GET", "/rest/api/3/issue/SEED-7/comment", "cloud/comments.json")
        .answer("GET", "/rest/api/3/issue/SEED-7/changelog", "cloud/changelog.json")
        .answer("POST", "/rest/api/3/issue/SEED-7/attachments", "cloud/upload-answer.json")) {
      IssueTracker seed = jira.site(JiraFlavour.CLOUD).project("SEED");

      assertEquals("Batch B-2291 came from a new supplier, _Verdant Seals_.",
          seed.issue("SEED-7").orElseThrow().field("customfield_10040").asText());
      assertEquals("Seals from batch *B-2291* do not close fully.",
          seed.comments("SEED-7").get(1).body());
      assertEquals(List.of("10520", "10528"),
          seed.changelog("SEED-7", at("2025-05-08T00:00:00Z")).stream()
              .map(ChangelogEntry::id).toList(), "from the changelog endpoint's values");
      Attachment uploaded = seed.upload("SEED-7", "seal-batch-B-2291.pdf", "application/pdf",
          new ByteArrayInputStream("%PDF-1.7".getBytes(StandardCharsets.US_ASCII)));
      assertEquals("10093", uploaded.id());
      assertEquals(at("2025-05-09T19:05:12.450Z"), uploaded.created());
    }
  }

  // ------------------------------------------------------------------ refusals

  @Test
  void aRefusedEditNamesTheFieldsJiraComplainedAbout() {
    try (CannedJira jira = CannedJira.start()
        .answer("GET", "/rest/api/2/field", "server/fields.json")
        .refuse("PUT", "/rest/api/2/issue/GH-12", 400, "errors/field-errors.json")
        .refuse("GET", "/rest/api/2/issue/GH-99", 404, "errors/messages-only.json")) {
      IssueTracker gh = jira.site(JiraFlavour.SERVER).project("GH");

      JiraException refused = assertThrows(JiraException.class,
          () -> gh.updateIssue("GH-12", Map.of("duedate", text("11/04/2025"))));

      assertEquals(400, refused.status());
      assertEquals("GH-12", refused.issueKey());
      assertEquals(Map.of("customfield_10300", "Greenhouse is required.",
          "duedate", "Error parsing date string: 11/04/2025"), refused.fieldErrors());
      assertEquals(Optional.empty(), gh.issue("GH-99"), "an issue Jira does not show is absent");
    }
  }

  @Test
  void aRefusedCreateOnCloudSaysWhichFieldsAreMissingOrWrong() {
    try (CannedJira jira = CannedJira.start()
        .answer("GET", "/rest/api/3/project/SEED", "cloud/project.json")
        .answer("GET", "/rest/api/3/field", "cloud/fields.json")
        .refuse("POST", "/rest/api/3/issue", 400, "cloud/create-issue-400.json")) {
      IssueTracker seed = jira.site(JiraFlavour.CLOUD).project("SEED");

      JiraException refused = assertThrows(JiraException.class, () -> seed.createIssue(
          new IssueCreate("Bug", Map.of("summary", text("Drawer 13 humidity"),
              "priority", text("Urgent")), null)));

      assertEquals("Jira refused POST /rest/api/3/issue (HTTP 400): field customfield_10041:"
          + " Drawer is required.; field priority: The priority 'Urgent' does not exist; choose"
          + " one of High, Medium, Low.", refused.getMessage());
      assertNull(refused.issueKey());
    }
  }

  private static JsonNode text(String value) {
    return JsonNodeFactory.instance.textNode(value);
  }
}
