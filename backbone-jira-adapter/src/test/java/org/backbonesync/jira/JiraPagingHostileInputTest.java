package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.backbonesync.jira.HostileOrigin.Answer;
import org.backbonesync.spi.tracker.IssueTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Jira adapter against a Jira whose pages lie: lists that are not lists, counters and
 * tokens that never let a loop end. Each case asserts the refusal's text, which names the
 * request and what was wrong, and that the adapter stopped.
 */
class JiraPagingHostileInputTest {
  private static final String SECRET = "s3cret-token-4711";

  private final List<HostileOrigin> origins = new ArrayList<>();

  @AfterEach
  void close() {
    origins.forEach(HostileOrigin::close);
  }

  private HostileOrigin http() {
    HostileOrigin o = HostileOrigin.http();
    origins.add(o);
    return o;
  }

  /** A project on a site that never waits or retries: each hostile answer is seen once. */
  private static IssueTracker pa(HostileOrigin jira, JiraFlavour flavour) {
    return JiraSite.builder(jira.url()).flavour(flavour)
        .credentials(flavour == JiraFlavour.CLOUD
            ? JiraCredentials.apiToken("sync@example.com", SECRET)
            : JiraCredentials.personalAccessToken(SECRET))
        .httpClient(HostileOrigin.client())
        .requestsPerSecond(0)
        .endpointRequestsPerSecond(0, 1)
        .issueWritesPerSecond(0, 1)
        .maxAttempts(1)
        .timeout(Duration.ofSeconds(10))
        .sleeper(d -> fail("asked to wait " + d))
        .build().project("PA");
  }

  // ------------------------------------------------------------------ lists that are not lists

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", value = {
      "{\"total\":500} => missing",
      "{\"total\":500,\"values\":null} => null",
      "{\"total\":500,\"values\":{\"a\":1}} => an object",
      "{\"total\":500,\"values\":\"x\"} => a string"})
  void aChangelogPageWithoutAnArrayIsRefusedNamingTheField(String laterPage, String kind) {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/3/issue/PA-1/changelog", r -> r.query().startsWith("startAt=0&")
        ? Answer.json("{\"startAt\":0,\"total\":500,\"values\":[]}") : Answer.json(laterPage));
    IssueTracker pa = pa(jira, JiraFlavour.CLOUD);

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.changelog("PA-1", 0));

    assertEquals("GET /rest/api/3/issue/PA-1/changelog answered a page whose \"values\" is "
        + kind + ", not an array", e.getMessage());
    assertEquals("values", e.field());
    assertEquals("GET /rest/api/3/issue/PA-1/changelog", e.request());
    assertEquals("PA-1", e.issueKey());
  }
}
