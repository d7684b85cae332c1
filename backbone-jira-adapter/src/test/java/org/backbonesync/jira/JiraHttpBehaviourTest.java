package org.backbonesync.jira;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.FakeJiraServer.Fault;
import org.backbonesync.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How the adapter behaves on the wire: rate limits and Retry-After, backoff for server errors
 * and timeouts, what is retried and what is not, typed errors, the request budget shared by the
 * projects of a site, and credentials kept out of everything printed. Waits move the manual
 * clock through the site's sleeper and are recorded; nothing sleeps.
 */
class JiraHttpBehaviourTest {
  private FakeSite site;

  @AfterEach
  void stop() {
    if (site != null) {
      site.close();
    }
  }

  private FakeSite site(FakeJiraServer.Flavour flavour, Consumer<JiraSite.Builder> adjust) {
    site = new FakeSite(flavour, ManualClock.startingAt2026(), p -> { }, s -> { }, adjust);
    return site;
  }

  /** An issue made directly in the project, read once so the session is warmed up. */
  private String warmIssue() {
    String key = site.project.create("Printer on fire");
    site.tracker.issue(key);
    site.server.clearRequests();
    site.waits.clear();
    return key;
  }

  private long hits(String method, String pathPart) {
    return site.server.count(method, pathPart);
  }

  /** What a metrics listener hears: every answer, by a bounded endpoint template, and 429s. */
  @Test
  void aRequestListenerHearsEveryAnswerAndEachRateLimitWithItsReason() {
    List<String> heard = new java.util.ArrayList<>();
    site(FakeJiraServer.Flavour.CLOUD, b -> b.timeout(Duration.ofMillis(500))
        .requestListener(new JiraRequestListener() {
      @Override
      public void answered(String method, String endpoint, int status, Duration took) {
        heard.add(method + " " + endpoint + " " + status);
      }

      @Override
      public void rateLimited(String method, String endpoint, int status, String reason) {
        heard.add("limited " + endpoint + " " + reason);
      }

      @Override
      public void unanswered(String method, String endpoint, String why, Duration took) {
        heard.add("unanswered " + endpoint + " " + why);
      }
    }));
    String key = warmIssue();
    heard.clear();
    site.server.enqueue(Fault.rateLimited(1));
    site.server.enqueue(Fault.status(429, Map.of("Retry-After", "1", "RateLimit-Reason",
        "Jira Burst <script>"), ""));

    site.tracker.issue(key);
    site.tracker.addComment(key, "toner is low");
    site.server.enqueue(Fault.stall()); // no answer within the timeout; the retry is answered
    site.tracker.issue(key);

    assertEquals(List.of(
        "GET /rest/api/3/issue/{key} 429", "limited /rest/api/3/issue/{key} jira-burst-based",
        "GET /rest/api/3/issue/{key} 429", "limited /rest/api/3/issue/{key} other",
        "GET /rest/api/3/issue/{key} 200",
        "POST /rest/api/3/issue/{key}/comment 201",
        "unanswered /rest/api/3/issue/{key} timeout", "GET /rest/api/3/issue/{key} 200"),
        heard);
  }

  @Test
  void a429IsRetriedAfterTheSecondsJiraAsksFor() {
    site(FakeJiraServer.Flavour.CLOUD, b -> { });
    String key = warmIssue();
    site.server.enqueue(Fault.rateLimited(7));

    Optional<TrackedIssue> issue = site.tracker.issue(key);

    assertEquals("Printer on fire", issue.orElseThrow().field("summary").asText());
    assertEquals(List.of(Duration.ofSeconds(7)), site.waits);
    assertEquals(2, hits("GET", "/issue/" + key));
  }

  @Test
  void without_RetryAfter_theRateLimitResetInstantIsHonoured() {
    site(FakeJiraServer.Flavour.CLOUD, b -> { });
    String key = warmIssue();
    Instant reset = site.clock.instant().plusSeconds(12);
    site.server.enqueue(Fault.status(429, Map.of("X-RateLimit-Reset", reset.toString()),
        "{\"errorMessages\":[\"Rate limit exceeded.\"]}"));

    site.tracker.issue(key);

    assertEquals(List.of(Duration.ofSeconds(12)), site.waits);
  }

  /**
   * Jira Cloud documents its reset as {@code yyyy-MM-ddTHH:mmZ}, to the minute without seconds,
   * which {@code Instant.parse} refuses: read so, the wait Jira gave was lost and the request
   * backed off at a guess instead.
   */
  @Test
  void theRateLimitResetIsReadInJirasOwnFormToTheMinute() {
    site(FakeJiraServer.Flavour.CLOUD, b -> { });
    String key = warmIssue();
    Instant reset = site.clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MINUTES)
        .plusSeconds(60);
    String minute = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
        .withZone(java.time.ZoneOffset.UTC).format(reset);
    site.server.enqueue(Fault.status(429, Map.of("X-RateLimit-Reset", minute,
        "RateLimit-Reason", "jira-quota-tenant-based"),
        "{\"errorMessages\":[\"Rate limit exceeded.\"]}"));

    Instant before = site.clock.instant();

    site.tracker.issue(key);

    assertEquals(List.of(Duration.between(before, reset)), site.waits,
        minute + " is the moment to go again");
    assertEquals(2, hits("GET", "/issue/" + key));
  }

  @Test
  void a503WithRetryAfterIsRetriedEvenForAPost() {
    site(FakeJiraServer.Flavour.SERVER, b -> { });
    warmIssue();
    site.server.enqueue(Fault.status(503, Map.of("Retry-After", "3"), "").on("/issue"));

    String key = site.tracker.createIssue(new IssueCreate("Task",
        Map.of("summary", text("Order toner")), null));

    assertEquals(List.of(Duration.ofSeconds(3)), site.waits);
    assertEquals(2, site.project.allIssues().size(), "created once");
    assertEquals("Order toner", site.project.value(key, "summary").asText());
  }

  @Test
  void aRetryAfterLongerThanTheCapIsNotWaitedButReportedWithTheWait() {
    site(FakeJiraServer.Flavour.CLOUD, b -> b.maxRetryAfter(Duration.ofSeconds(30)));
    String key = warmIssue();
    site.server.enqueue(Fault.rateLimited(600));

    RetriableException e = assertThrows(RetriableException.class, () -> site.tracker.issue(key));

    assertEquals(Optional.of(Duration.ofSeconds(600)), e.retryAfter(),
        "the engine schedules the retry instead of blocking a thread for ten minutes");
    assertTrue(e.getMessage().contains("answered 429 (jira-burst-based)"), e.getMessage());
    assertEquals(List.of(), site.waits);
  }

  @Test
  void serverErrorsOnAReadAreRetriedWithGrowingJitteredBackoff() {
    site(FakeJiraServer.Flavour.SERVER, b -> b.maxAttempts(4)
        .backoff(Duration.ofMillis(400), Duration.ofSeconds(30)));
    String key = warmIssue();
    for (int i = 0; i < 3; i++) {
      site.server.enqueue(Fault.serverError());
    }

    site.tracker.issue(key);

    assertEquals(4, hits("GET", "/issue/" + key));
    assertEquals(3, site.waits.size());
    long[] caps = {400, 800, 1600};
    for (int i = 0; i < 3; i++) {
      long ms = site.waits.get(i).toMillis();
      assertTrue(ms >= caps[i] / 2 && ms <= caps[i], "wait " + i + " was " + ms + " ms");
    }
  }

  @Test
  void afterTheLastAttemptAServerErrorIsARetriableFailureNamingTheRequest() {
    site(FakeJiraServer.Flavour.SERVER, b -> b.maxAttempts(2));
    String key = warmIssue();
    site.server.enqueue(Fault.serverError());
    site.server.enqueue(Fault.serverError());

    RetriableException e = assertThrows(RetriableException.class, () -> site.tracker.issue(key));

    assertTrue(e.getMessage().startsWith("GET /rest/api/2/issue/" + key + " answered 500"),
        e.getMessage());
    assertTrue(e.getMessage().contains("Internal server error"), e.getMessage());
    assertEquals(500, assertInstanceOf(JiraTransientException.class, e).status(),
        "the status as a field, for a host that must not show the message");
  }

  /**
   * A 503 or 429 without a {@code Retry-After} is given up after the attempts as a failure that
   * carries its status, as a 5xx does (a health check shows it without Jira's text).
   */
  @Test
  void aRateLimitWithoutAWaitIsGivenUpWithItsStatus() {
    site(FakeJiraServer.Flavour.CLOUD, b -> b.maxAttempts(2));
    String key = warmIssue();
    for (int status : new int[] {503, 503, 429, 429}) {
      site.server.enqueue(Fault.status(status, Map.of(), "{\"errorMessages\": [\"busy\"]}"));
    }

    JiraTransientException unavailable = assertThrows(JiraTransientException.class,
        () -> site.tracker.issue(key));
    JiraTransientException limited = assertThrows(JiraTransientException.class,
        () -> site.tracker.issue(key));

    assertEquals(503, unavailable.status());
    assertEquals(429, limited.status());
    assertTrue(limited.getMessage().startsWith("GET /rest/api/3/issue/" + key + " answered 429"),
        limited.getMessage());
  }

  /**
   * Jira Cloud answers an edit or a transition 409 when a conflicting update of the issue came
   * at the same time (an automation rule, say): nothing was applied, and the same request goes
   * through a moment later. A refusal for good stopped the pair until an admin retried it.
   */
  @Test
  void aConflictingUpdateIsTriedAgainAndThenLeftToTheEngineToRetry() {
    site(FakeJiraServer.Flavour.CLOUD, b -> b.maxAttempts(3)
        .backoff(Duration.ofMillis(400), Duration.ofSeconds(30)));
    String key = warmIssue();
    Fault conflict = Fault.status(409, Map.of(), "{\"errorMessages\":[\"Another change to"
        + " this issue was being saved; try again.\"],\"errors\":{}}").on("/issue/" + key);
    site.server.enqueue(conflict);
    site.server.enqueue(conflict);

    site.tracker.updateIssue(key, Map.of("summary", text("Printer on fire, again")));

    assertEquals("Printer on fire, again", site.project.value(key, "summary")
        .asText());
    assertEquals(3, hits("PUT", "/issue/" + key));
    assertEquals(2, site.waits.size(), "backed off twice");

    for (int i = 0; i < 3; i++) {
      site.server.enqueue(conflict);
    }
    RetriableException e = assertThrows(RetriableException.class,
        () -> site.tracker.updateIssue(key, Map.of("summary", text("Printer fixed"))));
    assertTrue(e.isRetriable());
    assertEquals("PUT /rest/api/3/issue/" + key + " answered 409: Another change to this issue"
        + " was being saved; try again. (a conflicting update; tried again later)",
        e.getMessage());
    assertEquals("Printer on fire, again", site.project.value(key, "summary")
        .asText());
  }

  @Test
  void aServerErrorOnACreateIsNotResentBecauseTheIssueMayExist() {
    site(FakeJiraServer.Flavour.CLOUD, b -> { });
    warmIssue();
    site.server.enqueue(Fault.serverError().on("/issue"));

    assertThrows(RetriableException.class, () -> site.tracker.createIssue(new IssueCreate("Task",
        Map.of("summary", text("Order toner")), "PB:PB-7")));

    assertEquals(1, hits("POST", "/issue"), "one POST; the engine looks for the origin marker"
        + " before creating again");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FakeJiraServer.Flavour.class)
  void anIssueIsFoundByItsOriginMarkerEvenWhereJiraDoesNotIndexTheProperty(
      FakeJiraServer.Flavour flavour) {
    site = new FakeSite(flavour, ManualClock.startingAt2026(), p -> { },
        s -> s.originPropertyIndexed(false), b -> { });
    String copy = site.tracker.createIssue(new IssueCreate("Task",
        Map.of("summary", text("Order toner")), "PB:PB-7"));
    site.clock.advance(Duration.ofMinutes(1));
    site.project.as("alice").create("made by a person since");
    site.tracker.createIssue(new IssueCreate("Task", Map.of("summary", text("another copy")),
        "PB:PB-9"));
    site.server.clearRequests();

    assertEquals(Optional.of(copy), site.tracker.findByOriginMarker("PB:PB-7"));
    assertEquals(Optional.empty(), site.tracker.findByOriginMarker("PB:PB-8"));
    assertEquals(4, hits("GET", "/search"), "per marker: the JQL Jira refuses, then one page of"
        + " the sync user's newest issues");
  }

  @Test
  void whereJiraIndexesTheOriginPropertyOneSearchFindsTheIssue() {
    site(FakeJiraServer.Flavour.CLOUD, b -> { });
    String copy = site.tracker.createIssue(new IssueCreate("Task",
        Map.of("summary", text("Order toner")), "PB:PB-7"));
    site.server.clearRequests();

    assertEquals(Optional.of(copy), site.tracker.findByOriginMarker("PB:PB-7"));
    assertEquals(1, hits("GET", "/search"));
  }

  @Test
  void severalMarkersAreLookedUpInOneSearchWhereJiraIndexesTheProperty() {
    site(FakeJiraServer.Flavour.CLOUD, b -> { });
    String first = site.tracker.createIssue(new IssueCreate("Task",
        Map.of("summary", text("Order toner")), "PB:PB-7"));
    String second = site.tracker.createIssue(new IssueCreate("Task",
        Map.of("summary", text("Order paper")), "PB:PB-\"8\\"));
    site.server.clearRequests();

    Map<String, String> found = site.tracker.findByOriginMarkers(
        List.of("PB:PB-7", "PB:PB-\"8\\", "PB:PB-9"));

    assertEquals(Map.of("PB:PB-7", first, "PB:PB-\"8\\", second), found);
    assertEquals(2, hits("GET", "/search"), "one search by JQL; as PB:PB-9 is not found, one"
        + " page of the sync user's newest issues");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(FakeJiraServer.Flavour.class)
  void severalMarkersWhereJiraDoesNotIndexThePropertyCostOneLookThroughTheNewest(
      FakeJiraServer.Flavour flavour) {
    site = new FakeSite(flavour, ManualClock.startingAt2026(), p -> { },
        s -> s.originPropertyIndexed(false), b -> { });
    String first = site.tracker.createIssue(new IssueCreate("Task",
        Map.of("summary", text("Order toner")), "PB:PB-7"));
    String second = site.tracker.createIssue(new IssueCreate("Task",
        Map.of("summary", text("Order paper")), "PB:PB-8"));
    site.server.clearRequests();

    Map<String, String> found =
        site.tracker.findByOriginMarkers(List.of("PB:PB-7", "PB:PB-8", "PB:PB-9"));

    assertEquals(Map.of("PB:PB-7", first, "PB:PB-8", second), found);
    assertEquals(2, hits("GET", "/search"), "the JQL Jira refuses, then one page for all three");
  }

  @Test
  void anExistingIssueIsMarkedAndFoundByItsMarker() {
    site(FakeJiraServer.Flavour.SERVER, b -> { });
    String key = warmIssue();
    site.server.clearRequests();

    assertTrue(site.tracker.setOriginMarker(key, "PB:PB-7"));

    assertEquals(1, hits("PUT", "/issue/" + key + "/properties/backboneSync"));
    assertEquals(Optional.of(key), site.tracker.findByOriginMarker("PB:PB-7"));
    assertEquals("PB:PB-7", site.project.issue(key).orElseThrow().originMarker());
  }

  @Test
  void aDroppedConnectionOnAReadIsRetried() {
    site(FakeJiraServer.Flavour.CLOUD, b -> { });
    String key = warmIssue();
    site.server.enqueue(Fault.drop());

    assertEquals(key, site.tracker.issue(key).orElseThrow().key());
    assertEquals(2, hits("GET", "/issue/" + key), "sent again (by the JDK client or by us)");
  }

  @Test
  void aCreateWhoseConnectionDropsIsNotSentAgain() {
    site(FakeJiraServer.Flavour.SERVER, b -> { });
    warmIssue();
    site.server.enqueue(Fault.drop().on("/issue"));

    RetriableException e = assertThrows(RetriableException.class, () -> site.tracker.createIssue(
        new IssueCreate("Task", Map.of("summary", text("Order toner")), "PB:PB-7")));

    assertTrue(e.getMessage().startsWith("POST /rest/api/2/issue failed"), e.getMessage());
    assertEquals(1, hits("POST", "/issue"));
  }

  @Test
  void aStalledReadTimesOutAndIsRetried() {
    site(FakeJiraServer.Flavour.SERVER, b -> b.timeout(Duration.ofMillis(300)));
    String key = warmIssue();
    site.server.enqueue(Fault.stall());

    assertEquals(key, site.tracker.issue(key).orElseThrow().key());
    assertEquals(2, hits("GET", "/issue/" + key));
    site.server.releaseStalled();
  }

  @Test
  void aValidationErrorIsATypedExceptionNamingTheFieldAndIsNotRetried() {
    site(FakeJiraServer.Flavour.CLOUD, b -> { });
    String key = warmIssue();
    site.server.enqueue(Fault.status(400, Map.of(),
        "{\"errorMessages\":[],\"errors\":{\"priority\":\"Priority name 'Urgent' is not valid\"}}")
        .on("/issue/" + key));

    JiraException e = assertThrows(JiraException.class,
        () -> site.tracker.updateIssue(key, Map.of("priority", text("Urgent"))));

    assertEquals(400, e.status());
    assertEquals(Map.of("priority", "Priority name 'Urgent' is not valid"), e.fieldErrors());
    assertEquals("Jira refused PUT /rest/api/3/issue/" + key + " (HTTP 400): field priority:"
        + " Priority name 'Urgent' is not valid", e.getMessage());
    assertFalse(e.isRetriable());
    assertEquals(1, hits("PUT", "/issue/" + key));
  }

  @Test
  void theFakeRefusesAnUnknownValueAsJiraDoes() {
    site(FakeJiraServer.Flavour.SERVER, b -> { });
    String key = warmIssue();

    JiraException e = assertThrows(JiraException.class,
        () -> site.tracker.updateIssue(key, Map.of("priority", text("Urgent"))));

    assertTrue(e.fieldErrors().containsKey("priority"), e.getMessage());
    assertTrue(e.getMessage().contains("Urgent"), e.getMessage());
  }

  @Test
  void wrongCredentialsAreRefusedOnceWithoutTheSecretInTheMessage() {
    site = new FakeSite(FakeJiraServer.Flavour.CLOUD, ManualClock.startingAt2026(), p -> { },
        s -> { }, b -> b.credentials(JiraCredentials.apiToken("sync@example.com",
            "wrong-token-123")));

    JiraException e = assertThrows(JiraException.class, () -> site.tracker.issueTypes());

    assertEquals(401, e.status());
    assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong-token-123"));
    assertEquals(1, site.server.requests().size());
  }

  /**
   * A file that comes slowly but steadily (a large one, a slow link, a partner's download feeding
   * the upload) is attached however long it takes: only a stall fails it. The client's request
   * timeout runs until the answer's headers, so it bounded the whole transfer (ten times the
   * timeout), and a file slower than that could never be attached.
   */
  @Test
  void aSlowButSteadyUploadIsAttachedAndOnlyAStallFailsIt() {
    site(FakeJiraServer.Flavour.CLOUD, b -> b.timeout(Duration.ofSeconds(1)));
    String key = warmIssue();
    CountDownLatch done = new CountDownLatch(1);
    try {
      // 90 pieces, one every 120 ms: 10.8 s in all, past the 10 s that ten timeouts gave; each
      // pause far from the 1 s a stall takes, so a loaded machine does not make one
      Attachment attached = site.tracker.upload(key, "scan.bin", "application/octet-stream",
          new Dripping(90, Duration.ofMillis(120), 90, done));

      assertEquals(90 * 1024, attached.size());
      assertEquals(List.of(90L * 1024), site.project.attachments(key).stream()
          .map(Attachment::size).toList());

      RetriableException e = assertThrows(RetriableException.class, () -> site.tracker.upload(
          key, "stuck.bin", "application/octet-stream",
          new Dripping(90, Duration.ofMillis(120), 3, done)));
      assertEquals("POST /rest/api/3/issue/" + key + "/attachments timed out on "
          + site.server.url().toString().replaceAll("/$", "") + " (the upload stalled, no bytes"
          + " went out for longer than the timeout (1 s))", e.getMessage());
      assertEquals(1, site.project.attachments(key).size(), "nothing attached");
    } finally {
      done.countDown();
    }
  }

  /**
   * A file of 1 KiB pieces, each after a pause; after {@code flowing} pieces it stalls until the
   * test ends.
   */
  private static final class Dripping extends InputStream {
    private final int pieces;
    private final Duration pause;
    private final int flowing;
    private final CountDownLatch done;
    private int sent;

    Dripping(int pieces, Duration pause, int flowing, CountDownLatch done) {
      this.pieces = pieces;
      this.pause = pause;
      this.flowing = flowing;
      this.done = done;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      if (sent == pieces) {
        return -1;
      }
      try {
        if (done.await(sent < flowing ? pause.toMillis() : 60_000, TimeUnit.MILLISECONDS)) {
          throw new IOException("the test ended");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      int n = Math.min(length, 1024);
      java.util.Arrays.fill(into, offset, offset + n, (byte) ('a' + sent % 26));
      sent += n == 1024 ? 1 : 0;
      return n;
    }
  }

  /**
   * Jira Server and Data Center, after a few failed sign-ins, refuse every basic-auth request of
   * the user with 403 and X-Authentication-Denied-Reason until a CAPTCHA is answered: the
   * refusal says so, not that a permission is missing.
   */
  @Test
  void aCaptchaDemandIsReportedAsDeniedAuthenticationNotAMissingPermission()
      throws IOException {
    List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    HttpServer jira = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    jira.createContext("/", ex -> {
      asked.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
      byte[] page = "<html><body>Forbidden</body></html>".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/html;charset=UTF-8");
      ex.getResponseHeaders().set("X-Authentication-Denied-Reason", "CAPTCHA_CHALLENGE;"
          + " login-url=http://127.0.0.1:" + ex.getLocalAddress().getPort() + "/login.jsp");
      ex.sendResponseHeaders(403, page.length);
      ex.getResponseBody().write(page);
      ex.close();
    });
    jira.start();
    try {
      IssueTracker tracker = JiraSite.builder(URI.create("http://127.0.0.1:"
              + jira.getAddress().getPort()))
          .flavour(JiraFlavour.SERVER).credentials(JiraCredentials.password("sync-bot",
              "s3cret-pass"))
          .requestsPerSecond(0).build().project("PA");

      JiraException e = assertThrows(JiraException.class, tracker::issueTypes);

      assertEquals(403, e.status());
      assertEquals("Jira refused GET /rest/api/2/project/PA (HTTP 403): authentication denied"
          + " (CAPTCHA_CHALLENGE): Jira wants a CAPTCHA answered after failed sign-ins; sign in"
          + " once in a browser as the sync user, or use a personal access token",
          e.getMessage());
      assertFalse(e.isRetriable());
      assertEquals(List.of("GET /rest/api/2/project/PA"), asked, "not sent again");
    } finally {
      jira.stop(0);
    }
  }

  @Test
  void aBodyThatIsNotJsonIsReportedNotReadAsEmpty() throws IOException {
    HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    proxy.createContext("/", ex -> {
      byte[] page = "<html>Please log in</html>".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/html");
      ex.sendResponseHeaders(200, page.length);
      ex.getResponseBody().write(page);
      ex.close();
    });
    proxy.start();
    try {
      IssueTracker tracker = JiraSite.builder(URI.create("http://127.0.0.1:"
              + proxy.getAddress().getPort()))
          .flavour(JiraFlavour.SERVER).credentials(JiraCredentials.personalAccessToken("t"))
          .requestsPerSecond(0).build().project("PA");

      RetriableException e = assertThrows(RetriableException.class, tracker::issueTypes);

      assertTrue(e.getMessage().contains("answered 200 with a body that is not JSON"),
          e.getMessage());
      assertTrue(e.getMessage().contains("text/html"), e.getMessage());
    } finally {
      proxy.stop(0);
    }
  }

  @Test
  void theRequestBudgetIsSharedByTheProjectsOfASite() {
    ManualClock clock = ManualClock.startingAt2026();
    site = new FakeSite(FakeJiraServer.Flavour.SERVER, clock, p -> { }, s -> { },
        b -> b.requestsPerSecond(5));
    String key = site.project.create("Printer on fire");
    IssueTracker second = site.site.project("PA"); // another connector on the same site
    site.tracker.issue(key); // the session's first requests
    site.waits.clear();
    Instant start = clock.instant();

    for (int i = 0; i < 5; i++) {
      site.tracker.issue(key);
      second.issue(key);
    }

    Duration waited = site.waits.stream().reduce(Duration.ZERO, Duration::plus);
    assertEquals(Duration.ofMillis(2000), Duration.between(start, clock.instant()),
        "ten requests at five per second, after the slot the previous request took");
    assertEquals(waited, Duration.between(start, clock.instant()));
  }

  @Test
  void theFlavourIsDetectedFromServerInfo() {
    for (FakeJiraServer.Flavour flavour : FakeJiraServer.Flavour.values()) {
      FakeSite fake = new FakeSite(flavour, ManualClock.startingAt2026(), p -> { }, s -> { },
          s -> { });
      try {
        fake.project.create("Printer on fire");
        JiraSite detected = JiraSite.builder(fake.server.url())
            .credentials(flavour == FakeJiraServer.Flavour.CLOUD
                ? JiraCredentials.apiToken("sync@example.com", FakeSite.SECRET)
                : JiraCredentials.personalAccessToken(FakeSite.SECRET))
            .requestsPerSecond(0).build();

        assertEquals("Printer on fire", detected.project("PA").issue("PA-1").orElseThrow()
            .field("summary").asText());
        assertEquals(flavour == FakeJiraServer.Flavour.CLOUD ? JiraFlavour.CLOUD
            : JiraFlavour.SERVER, detected.flavour());
        assertEquals(1, fake.server.count("GET", "/serverInfo"));
      } finally {
        fake.close();
      }
    }
  }

  @Test
  void aHostSignerAuthenticatesEveryRequest() {
    List<String> signed = new ArrayList<>();
    site = new FakeSite(FakeJiraServer.Flavour.SERVER, ManualClock.startingAt2026(), p -> { },
        s -> { }, b -> b.credentials(JiraCredentials.signedBy((request, method, uri) -> {
          signed.add(method + " " + uri.getPath());
          request.setHeader("Authorization", "Bearer " + FakeSite.SECRET);
        })));
    String key = site.project.create("Printer on fire");

    site.tracker.issue(key);

    assertTrue(signed.contains("GET /rest/api/2/issue/" + key), signed.toString());
    assertTrue(site.server.requests().stream().allMatch(r -> FakeSite.SYNC_USER.equals(r.user())),
        "every request authenticated as the sync user");
  }

  @Test
  void secretsStayOutOfToStringLogsAndExceptions() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    List<String> printed = new ArrayList<>();
    try {
      site(FakeJiraServer.Flavour.CLOUD, b -> b.maxAttempts(2));
      String key = warmIssue();
      site.server.enqueue(Fault.serverError());
      site.server.enqueue(Fault.serverError());
      printed.add(assertThrows(RetriableException.class, () -> site.tracker.issue(key))
          .getMessage());
      printed.add(assertThrows(JiraException.class,
          () -> site.tracker.updateIssue(key, Map.of("priority", text("Urgent")))).toString());
      printed.add(site.site.toString());
      printed.add(site.tracker.toString());
      printed.add(JiraCredentials.apiToken("sync@example.com", FakeSite.SECRET).toString());
      printed.add(JiraCredentials.personalAccessToken(FakeSite.SECRET).toString());
      printed.add(JiraCredentials.password("sync", FakeSite.SECRET).toString());
    } finally {
      System.setErr(err);
    }
    printed.add(captured.toString(StandardCharsets.UTF_8));
    String basic = java.util.Base64.getEncoder().encodeToString(
        ("sync@example.com:" + FakeSite.SECRET).getBytes(StandardCharsets.UTF_8));
    for (String text : printed) {
      assertFalse(text.contains(FakeSite.SECRET), text);
      assertFalse(text.contains(basic), text);
    }
    assertTrue(printed.get(4).contains("api token for sync@example.com"), printed.get(4));
  }

  @Test
  void cloudDownloadsFollowTheMediaRedirectAndStream() throws IOException {
    site(FakeJiraServer.Flavour.CLOUD, b -> { });
    String key = site.project.create("Printer on fire");
    byte[] photo = new byte[200_000];
    new java.util.Random(3).nextBytes(photo);
    site.project.upload(key, "smoke.jpg", "image/jpeg", new java.io.ByteArrayInputStream(photo));
    String id = site.tracker.attachments(key).get(0).id();

    try (InputStream in = site.tracker.download(id)) {
      assertEquals(photo.length, in.readAllBytes().length);
    }
    assertEquals(1, site.server.count("GET", "/media/"), "followed the 303 to the media store");
  }

  @Test
  void aDownloadRedirectedToAnotherHostGoesThereWithoutTheCredentials() throws Exception {
    List<String> mediaAuth = new ArrayList<>();
    HttpServer media = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    media.createContext("/blob", ex -> {
      mediaAuth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      byte[] body = "the bytes".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    HttpServer jira = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    // the media store is another origin: "localhost" instead of the site's 127.0.0.1
    jira.createContext("/rest/api/3/attachment/content/10", ex -> {
      ex.getResponseHeaders().set("Location", "http://localhost:" + media.getAddress().getPort()
          + "/blob?token=signed");
      ex.sendResponseHeaders(303, -1);
      ex.close();
    });
    media.start();
    jira.start();
    try {
      IssueTracker tracker = JiraSite.builder(URI.create("http://127.0.0.1:"
              + jira.getAddress().getPort()))
          .flavour(JiraFlavour.CLOUD)
          .credentials(JiraCredentials.apiToken("sync@example.com", FakeSite.SECRET))
          .requestsPerSecond(0).build().project("PA");

      try (InputStream in = tracker.download("10")) {
        assertEquals("the bytes", new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
      assertEquals(List.of("null"), mediaAuth, "no Authorization header off the site");
    } finally {
      jira.stop(0);
      media.stop(0);
    }
  }
}
