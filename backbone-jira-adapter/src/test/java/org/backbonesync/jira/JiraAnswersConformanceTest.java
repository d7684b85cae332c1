package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.backbonesync.jira.internal.Fixtures;
import org.backbonesync.jira.internal.JiraAnswers;
import org.backbonesync.jira.internal.RealJiraCaptures;
import org.junit.jupiter.api.Test;

/**
 * Conformance of the project's own Jira answers ({@link JiraAnswers}) with real Jira, so that
 * the tests built on them stay true: the Cloud answers fit the response schemas of Jira Cloud's
 * OpenAPI document, and the answers hold nothing that the real captures in the folder {@code
 * -Dbackbone.jiraFixtures} names do not have.
 */
@RealJiraCaptures
class JiraAnswersConformanceTest {
  /** Custom field ids differ from site to site. */
  private static final Predicate<String> CUSTOM_FIELDS = p -> p.contains(".customfield_");

  @Test
  void theCloudAnswersFitJiraCloudsOpenApiDocument() {
    String api = "/rest/api/3";
    List<String> problems = new ArrayList<>();
    fits("GET", api + "/serverInfo", 200, "cloud/serverInfo.json", problems);
    fits("GET", api + "/serverInfo", 200, "cloud/serverInfo-without-deployment-type.json",
        problems);
    fits("GET", api + "/myself", 200, "cloud/myself.json", problems);
    fits("GET", api + "/field", 200, "cloud/fields.json", problems);
    fits("GET", api + "/project/{projectIdOrKey}", 200, "cloud/project.json", problems);
    fits("GET", api + "/issue/{issueIdOrKey}", 200, "cloud/issue-v3.json", problems);
    fits("GET", api + "/issue/{issueIdOrKey}", 200, "cloud/issue-v2.json", problems);
    fits("GET", api + "/search/jql", 200, "cloud/search-jql-page-1.json", problems);
    fits("GET", api + "/search/jql", 200, "cloud/search-jql-page-2.json", problems);
    fits("GET", api + "/issue/{issueIdOrKey}/changelog", 200, "cloud/changelog.json", problems);
    fits("GET", api + "/issue/{issueIdOrKey}/comment", 200, "cloud/comments.json", problems);
    fits("GET", api + "/issue/{issueIdOrKey}/transitions", 200, "cloud/transitions.json",
        problems);
    for (String page : List.of("cloud/createmeta-issuetype-page-1.json",
        "cloud/createmeta-issuetype-page-2.json")) {
      fits("GET", api + "/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}", 200, page,
          problems);
    }
    fits("POST", api + "/issue/{issueIdOrKey}/attachments", 200, "cloud/upload-answer.json",
        problems);
    fits("POST", api + "/issue", 400, "cloud/create-issue-400.json", problems);
    for (String error : List.of("errors/field-errors.json", "errors/messages-only.json",
        "errors/messages-and-field-errors.json", "errors/field-errors-without-messages.json")) {
      fits("POST", api + "/issue", 400, error, problems);
    }

    assertEquals(List.of(), problems);
  }

  private static void fits(String method, String specPath, int status, String answer,
      List<String> problems) {
    Shapes.openApiViolations(method, specPath, status, JiraAnswers.json(answer))
        .forEach(v -> problems.add(answer + " " + v));
  }

  @Test
  void theCloudIssuesHoldNoFieldValuesRealCloudIssuesDoNot() {
    List<JsonNode> real = new ArrayList<>();
    issuesOf("go-atlassian/jira/v3/mocks/search-issues.json").forEach(real::add);
    issuesOf("go-atlassian/jira/mocks/get-epic-issues.json").forEach(real::add);
    real.add(Fixtures.json("go-atlassian/jira/v3/mocks/get-issue.json"));
    real.add(Fixtures.json("go-atlassian/jira/v3/mocks/get-issue-v2.json"));
    real.add(Fixtures.json("openapi/examples/getIssue.response-200.json"));
    List<JsonNode> realFields = real.stream().map(i -> i.path("fields")).toList();
    // The nodes of an ADF document follow the ADF schema and vary with what people write; the
    // captures hold few of them. Visibility's identifier is in the OpenAPI document's schema.
    Predicate<String> ignored = CUSTOM_FIELDS
        .or(p -> p.matches(".*\\.(description|environment|body)\\.content\\b.*"))
        .or(p -> p.endsWith(".visibility.identifier"));
    List<String> problems = new ArrayList<>();

    for (String answer : List.of("cloud/issue-v3.json", "cloud/issue-v2.json")) {
      like(answer, JiraAnswers.json(answer).path("fields"), realFields, ignored, problems);
    }
    for (String page : List.of("cloud/search-jql-page-1.json", "cloud/search-jql-page-2.json")) {
      for (JsonNode issue : JiraAnswers.json(page).path("issues")) {
        like(page, issue.path("fields"), realFields, ignored, problems);
      }
    }

    assertEquals(List.of(), problems);
  }

  @Test
  void theServerAnswersHoldNothingRealServerAnswersDoNot() {
    // The captures come mostly from JIRA 5: users without a key, no creator, no deploymentType
    // (the OpenAPI document has it); they never asked for entity properties. Error keys and the
    // fields of a transition are field ids, which differ from site to site.
    Predicate<String> ignored = CUSTOM_FIELDS
        .or(p -> p.matches(".*\\b(author|updateAuthor|assignee|reporter|creator|lead)\\.key")
            || p.equals("$.key") /* myself */)
        .or(p -> p.endsWith(".timeZone") || p.endsWith("creator.name"))
        .or(p -> p.equals("$.deploymentType"))
        .or(p -> p.equals("$.properties") || p.startsWith("$.issues[].properties"))
        .or(p -> p.startsWith("$.errors.") || FIELD_MAP_ENTRY.test(p));
    List<JsonNode> realIssues = new ArrayList<>();
    for (String f : List.of("valid-all-expanded.json", "valid-visibility.json", "jrjc49.json",
        "valid-5.0-with-changelog.json", "valid-unassigned-no-time-tracking.json",
        "subtasks-5.json")) {
      realIssues.add(Fixtures.json("jrjc/json/issue/" + f));
    }
    issuesOf("jrjc/json/search/many-issues.json").forEach(realIssues::add);
    issuesOf("go-atlassian/jira/mocks/issue-search-v2.json").forEach(realIssues::add);
    List<String> problems = new ArrayList<>();

    like("server/issue.json", JiraAnswers.json("server/issue.json"), realIssues, ignored,
        problems);
    ObjectNode realPage = ((ObjectNode) Fixtures.json("jrjc/json/search/many-issues.json"));
    realPage.set("issues", new ObjectMapper().valueToTree(realIssues));
    for (String page : List.of("server/search-page-1.json", "server/search-page-2.json")) {
      like(page, JiraAnswers.json(page), List.of(realPage), ignored, problems);
    }
    like("server/comments.json", JiraAnswers.json("server/comments.json"),
        List.of(Fixtures.json("jrjc/json/issue/valid-visibility.json").path("fields")
            .path("comment")), ignored, problems);
    JsonNode realTransitions = Fixtures.json("go-jira/testing/mock-data/transitions.json");
    List<JsonNode> realCreatemeta = List.of(
        Fixtures.json("jrjc/json/createmeta/valid-with-fields-expanded.json"),
        Fixtures.json("go-atlassian/jira/v3/mocks/get-issue-create-metadata.json"));
    List<JsonNode> realFieldEntries = new ArrayList<>();
    realTransitions.path("transitions").forEach(t -> t.path("fields").forEach(
        realFieldEntries::add));
    realCreatemeta.forEach(c -> c.path("projects").forEach(p -> p.path("issuetypes").forEach(
        t -> t.path("fields").forEach(realFieldEntries::add))));
    for (String answer : List.of("server/transitions.json", "server/transitions-without-to.json")) {
      JsonNode transitions = JiraAnswers.json(answer);
      like(answer, transitions, List.of(realTransitions), ignored, problems);
      transitions.path("transitions").forEach(t -> likeEach(answer, t.path("fields"),
          realFieldEntries, ignored, problems));
    }
    for (String answer : List.of("server/myself.json", "server/myself-without-time-zone.json")) {
      like(answer, JiraAnswers.json(answer), List.of(Fixtures.json("jrjc/json/user/valid-5.0.json"),
          Fixtures.json("jrjc/json/user/valid.json")), ignored, problems);
    }
    for (String answer : List.of("server/serverInfo.json",
        "server/serverInfo-without-deployment-type.json")) {
      like(answer, JiraAnswers.json(answer), List.of(Fixtures.json("jrjc/json/serverInfo/valid.json"),
          Fixtures.json("go-atlassian/jira/v3/mocks/server-info.json")), ignored, problems);
    }
    JsonNode createmeta = JiraAnswers.json("server/createmeta-expanded.json");
    like("server/createmeta-expanded.json", createmeta, realCreatemeta, ignored, problems);
    createmeta.path("projects").forEach(p -> p.path("issuetypes").forEach(t -> likeEach(
        "server/createmeta-expanded.json", t.path("fields"), realFieldEntries, ignored,
        problems)));
    like("server/fields.json", JiraAnswers.json("server/fields.json"),
        List.of(Fixtures.json("go-jira/testing/mock-data/all_fields.json"),
            Fixtures.json("go-atlassian/jira/v3/mocks/get-fields.json")), ignored, problems);
    like("server/project.json", JiraAnswers.json("server/project.json"),
        List.of(Fixtures.json("jrjc/json/project/project-jira-5-0.json"),
            Fixtures.json("go-jira/testing/mock-data/project.json")), ignored, problems);
    for (String error : List.of("errors/field-errors.json", "errors/messages-only.json",
        "errors/messages-and-field-errors.json", "errors/field-errors-without-messages.json")) {
      like(error, JiraAnswers.json(error), List.of(Fixtures.json("jrjc/json/error/valid4.json")),
          ignored, problems);
    }

    assertEquals(List.of(), problems);
  }

  /**
   * An entry of a map keyed by field id (a transition's or an issue type's fields): compared by
   * {@link #likeEach} with every real entry, whatever its id, since ids differ between sites.
   */
  private static final Predicate<String> FIELD_MAP_ENTRY = p -> p.matches(
      "\\$\\.(transitions\\[]|projects\\[]\\.issuetypes\\[])\\.fields\\.[^.]+");

  /** Each value of a map keyed by field id against every real entry. */
  private static void likeEach(String what, JsonNode fieldMap, List<JsonNode> realEntries,
      Predicate<String> ignored, List<String> problems) {
    fieldMap.fields().forEachRemaining(e -> like(what + " fields." + e.getKey(), e.getValue(),
        realEntries, ignored, problems));
  }

  private static void like(String what, JsonNode answer, List<JsonNode> real,
      Predicate<String> ignored, List<String> problems) {
    Shapes.unlikeRealAnswers(answer, real, ignored).forEach(v -> problems.add(what + " " + v));
  }

  private static List<JsonNode> issuesOf(String searchPage) {
    List<JsonNode> out = new ArrayList<>();
    Fixtures.json(searchPage).path("issues").forEach(out::add);
    return out;
  }
}
