package org.backbonesync.jira;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import org.backbonesync.jira.internal.Fixtures;
import org.backbonesync.jira.internal.RealJiraCaptures;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Conformance of the fake Jira server with real Jira: its Cloud answers fit the response schemas
 * of Jira Cloud's OpenAPI document, and its answers (Server, and issue field values on Cloud)
 * hold nothing that the real captures in the folder {@code -Dbackbone.jiraFixtures} names do not
 * have.
 */
@RealJiraCaptures
class FakeJiraConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Custom field ids differ from site to site. */
  private static final Predicate<String> CUSTOM_FIELDS = p -> p.contains(".customfield_");

  private final HttpClient http = HttpClient.newHttpClient();
  private FakeSite site;

  @AfterEach
  void stop() {
    if (site != null) {
      site.close();
    }
  }

  /** A site with one issue that has a bit of everything, and a second one it links to. */
  private FakeSite siteWithAnIssue(FakeJiraServer.Flavour flavour) {
    site = new FakeSite(flavour, ManualClock.startingAt2026(),
        p -> p.user("alice", "Alice Archer", "alice@example.com"), s -> { }, s -> { });
    var alice = site.project.as("alice");
    String key = alice.create("Printer on fire");
    String other = alice.create("Order toner");
    alice.edit(key, "description", "It smokes.\n\nA lot.");
    alice.edit(key, "labels", strings("hardware"));
    alice.edit(key, "assignee", text("alice"));
    alice.edit(key, "priority", text("High"));
    alice.addComment(key, "Have you tried turning it off?");
    alice.addComment(key, "Only admins see this", "role:Administrators");
    alice.upload(key, "smoke.txt", "text/plain",
        new ByteArrayInputStream("smoke".getBytes(StandardCharsets.UTF_8)));
    alice.createLink("Blocks", other, key);
    return site;
  }

  private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    return send("GET", pathAndQuery, null, 200);
  }

  private JsonNode send(String method, String pathAndQuery, String body, int status)
      throws IOException, InterruptedException {
    String auth = site.flavour == FakeJiraServer.Flavour.CLOUD
        ? "Basic " + Base64.getEncoder().encodeToString(
            (site.project.user() + "@example.com:" + FakeSite.SECRET)
                .getBytes(StandardCharsets.UTF_8))
        : "Bearer " + FakeSite.SECRET;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(site.server.url() + pathAndQuery))
        .header("Authorization", auth).header("Accept", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, r.statusCode(), method + " " + pathAndQuery + ": " + r.body());
    return r.body().isEmpty() ? null : JSON.readTree(r.body());
  }

  private static void fitsSpec(String method, String specPath, int status, JsonNode body,
      List<String> problems) {
    Shapes.openApiViolations(method, specPath, status, body)
        .forEach(v -> problems.add(method + " " + specPath + " " + v));
  }

  private static void likeReal(String what, JsonNode fake, List<JsonNode> real,
      Predicate<String> ignored, List<String> problems) {
    Shapes.unlikeRealAnswers(fake, real, ignored).forEach(v -> problems.add(what + " " + v));
  }

  private static List<JsonNode> issuesOf(String... searchPages) {
    List<JsonNode> out = new ArrayList<>();
    for (String page : searchPages) {
      Fixtures.json(page).path("issues").forEach(out::add);
    }
    return out;
  }

  @Test
  void cloudAnswersFitJiraCloudsOpenApiDocumentAndRealIssues() throws Exception {
    siteWithAnIssue(FakeJiraServer.Flavour.CLOUD);
    List<String> problems = new ArrayList<>();
    String api = "/rest/api/3";

    JsonNode issue = get(api + "/issue/PA-1?fields=*all&properties=backboneSync&expand=changelog");
    fitsSpec("GET", api + "/issue/{issueIdOrKey}", 200, issue, problems);
    List<JsonNode> realIssues = new ArrayList<>(issuesOf(
        "go-atlassian/jira/v3/mocks/search-issues.json",
        "go-atlassian/jira/mocks/get-epic-issues.json"));
    realIssues.add(Fixtures.json("go-atlassian/jira/v3/mocks/get-issue.json"));
    realIssues.add(Fixtures.json("openapi/examples/getIssue.response-200.json"));
    // none of the Cloud captures has a link; links look the same on every flavour
    realIssues.add(JSON.createObjectNode().set("fields", JSON.createObjectNode().set("issuelinks",
        Fixtures.json("jrjc/json/issue/valid-all-expanded.json").path("fields")
            .path("issuelinks"))));
    likeReal("issue", issue.path("fields"),
        realIssues.stream().map(i -> i.path("fields")).toList(), CUSTOM_FIELDS, problems);

    JsonNode search = get(api + "/search/jql?jql=project%20%3D%20PA&maxResults=1&fields=*all"
        + "&expand=changelog");
    fitsSpec("GET", api + "/search/jql", 200, search, problems);
    JsonNode lastPage = get(api + "/search/jql?jql=project%20%3D%20PA&maxResults=1&fields=*all"
        + "&nextPageToken=" + search.path("nextPageToken").asText());
    fitsSpec("GET", api + "/search/jql", 200, lastPage, problems);

    fitsSpec("GET", api + "/issue/{issueIdOrKey}/changelog", 200,
        get(api + "/issue/PA-1/changelog?startAt=0&maxResults=100"), problems);
    fitsSpec("GET", api + "/issue/{issueIdOrKey}/transitions", 200,
        get(api + "/issue/PA-1/transitions?expand=transitions.fields"), problems);
    fitsSpec("GET", api + "/issue/{issueIdOrKey}/comment", 200,
        get(api + "/issue/PA-1/comment?orderBy=created&maxResults=100&startAt=0"), problems);
    fitsSpec("GET", api + "/myself", 200, get(api + "/myself"), problems);
    fitsSpec("GET", api + "/field", 200, get(api + "/field"), problems);
    fitsSpec("GET", api + "/project/{projectIdOrKey}", 200, get(api + "/project/PA"), problems);
    fitsSpec("GET", api + "/priority", 200, get(api + "/priority"), problems);
    fitsSpec("GET", api + "/resolution", 200, get(api + "/resolution"), problems);
    fitsSpec("GET", api + "/issueLinkType", 200, get(api + "/issueLinkType"), problems);
    fitsSpec("GET", api + "/project/{projectIdOrKey}/statuses", 200,
        get(api + "/project/PA/statuses"), problems);
    fitsSpec("GET", api + "/serverInfo", 200, get("/rest/api/2/serverInfo"), problems);
    String typeId = get(api + "/project/PA").path("issueTypes").get(0).path("id").asText();
    fitsSpec("GET", api + "/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}", 200,
        get(api + "/issue/createmeta/PA/issuetypes/" + typeId), problems);
    JsonNode refused = send("POST", api + "/issue", "{\"fields\": {\"project\": {\"key\": \"PA\"},"
        + " \"issuetype\": {\"id\": \"" + typeId + "\"}, \"nosuchfield\": \"x\"}}", 400);
    fitsSpec("POST", api + "/issue", 400, refused, problems);

    assertEquals(List.of(), problems);
  }

  @Test
  void serverAnswersHoldNothingRealServerAnswersDoNot() throws Exception {
    siteWithAnIssue(FakeJiraServer.Flavour.SERVER);
    List<String> problems = new ArrayList<>();
    String api = "/rest/api/2";
    // JRJC's captures never asked for entity properties; Server answers them like Cloud. They
    // come from JIRA 5, before users had a key and a time zone (JIRA 6 added both).
    // Error keys name the fields of the request.
    Predicate<String> userKey = p -> p.matches(".*\\b(author|updateAuthor|assignee|reporter"
        + "|creator)\\.key") || p.equals("$.key") /* myself */;
    Predicate<String> ignored = CUSTOM_FIELDS.or(userKey)
        .or(p -> p.equals("$.properties") || p.startsWith("$.issues[].properties"))
        .or(p -> p.endsWith(".timeZone") || p.startsWith("$.errors."))
        .or(p -> p.endsWith("creator.name")); // a user like reporter; JIRA 5 had no creator

    List<JsonNode> realIssues = new ArrayList<>();
    for (String f : List.of("valid-all-expanded.json", "valid-visibility.json", "jrjc49.json",
        "valid-5.0-with-changelog.json", "valid-unassigned-no-time-tracking.json",
        "subtasks-5.json")) {
      realIssues.add(Fixtures.json("jrjc/json/issue/" + f));
    }
    realIssues.addAll(issuesOf("jrjc/json/search/many-issues.json",
        "go-atlassian/jira/mocks/issue-search-v2.json"));
    JsonNode issue = get(api + "/issue/PA-1?fields=*all&properties=backboneSync&expand=changelog");
    likeReal("issue", issue, realIssues, ignored, problems);

    JsonNode search = get(api + "/search?jql=project%20%3D%20PA&startAt=0&maxResults=1"
        + "&fields=*all&expand=changelog");
    JsonNode realSearch = JSON.createObjectNode().put("startAt", 0).put("maxResults", 50)
        .put("total", 1).put("expand", "").set("issues", JSON.valueToTree(realIssues));
    likeReal("search", search, List.of(realSearch), ignored, problems);

    likeReal("transitions", get(api + "/issue/PA-1/transitions?expand=transitions.fields"),
        List.of(Fixtures.json("go-jira/testing/mock-data/transitions.json")), ignored, problems);
    likeReal("comments", get(api + "/issue/PA-1/comment?orderBy=created&maxResults=100"),
        List.of(Fixtures.json("jrjc/json/issue/valid-visibility.json").path("fields")
            .path("comment")), ignored, problems);
    likeReal("myself", get(api + "/myself"), List.of(Fixtures.json("jrjc/json/user/valid-5.0.json"),
        Fixtures.json("jrjc/json/user/valid.json")), ignored, problems);
    likeReal("createmeta", get(api + "/issue/createmeta?projectKeys=PA&expand="
            + "projects.issuetypes.fields"),
        List.of(Fixtures.json("jrjc/json/createmeta/valid-with-fields-expanded.json"),
            Fixtures.json("go-atlassian/jira/v3/mocks/get-issue-create-metadata.json")), ignored,
        problems);
    likeReal("field", get(api + "/field"),
        List.of(Fixtures.json("go-jira/testing/mock-data/all_fields.json"),
            Fixtures.json("go-atlassian/jira/v3/mocks/get-fields.json")), ignored, problems);
    likeReal("priority", get(api + "/priority"),
        List.of(Fixtures.json("go-jira/testing/mock-data/all_priorities.json")), ignored,
        problems);
    likeReal("resolution", get(api + "/resolution"),
        List.of(Fixtures.json("go-jira/testing/mock-data/all_resolutions.json")), ignored,
        problems);
    JsonNode typeId = get(api + "/project/PA").path("issueTypes").get(0).path("id");
    JsonNode refused = send("POST", api + "/issue", "{\"fields\": {\"project\": {\"key\": \"PA\"},"
        + " \"issuetype\": {\"id\": \"" + typeId.asText() + "\"}, \"nosuchfield\": \"x\"}}", 400);
    likeReal("error", refused, List.of(Fixtures.json("jrjc/json/error/valid4.json")), ignored,
        problems);

    assertEquals(List.of(), problems);
  }
}
