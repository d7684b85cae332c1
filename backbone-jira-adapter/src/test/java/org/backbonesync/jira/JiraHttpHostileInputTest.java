package org.backbonesync.jira;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.backbonesync.jira.HostileOrigin.Answer;
import org.backbonesync.jira.JiraRedirectException.Reason;
import org.backbonesync.jira.internal.JiraUrls;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Jira adapter against a hostile or broken Jira and a careless operator: site URLs that
 * would send the credentials in clear text or carry them, redirects to plain http, to another
 * origin, in loops or without a place, answers too large, too deep or with duplicate keys, ids
 * missing, blank or of the wrong type, and searches that ignore their JQL. Each case asserts the
 * refusal's text, and that nothing was written on the Jira side and no credential reached
 * another origin. Secrets are looked for in every message, toString and log line.
 */
class JiraHttpHostileInputTest {
  private static final String EMAIL = "sync@example.com";
  private static final String SECRET = "s3cret-token-4711";
  private static final String BASIC = Base64.getEncoder().encodeToString(
      (EMAIL + ":" + SECRET).getBytes(StandardCharsets.UTF_8));

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

  private HostileOrigin https() {
    HostileOrigin o = HostileOrigin.https();
    origins.add(o);
    return o;
  }

  private static JiraSite site(HostileOrigin jira, JiraFlavour flavour) {
    return site(jira, flavour, b -> { });
  }

  /** A site that never waits or retries: each hostile answer is seen once. */
  private static JiraSite site(HostileOrigin jira, JiraFlavour flavour,
      Consumer<JiraSite.Builder> adjust) {
    JiraSite.Builder b = jira.siteNeverWaiting(flavour, EMAIL, SECRET);
    adjust.accept(b);
    return b.build();
  }

  private static void assertNoSecret(String... texts) {
    for (String t : texts) {
      assertFalse(t.contains(SECRET), t);
      assertFalse(t.contains(BASIC), t);
    }
  }

  private static String searchPage(String... issues) {
    return "{\"startAt\":0,\"maxResults\":50,\"total\":" + issues.length + ",\"issues\":["
        + String.join(",", issues) + "]}";
  }

  // ------------------------------------------------------------------ the site URL

  @Test
  void aPlainHttpSiteOffLoopbackIsRefusedUnlessTheOperatorAllowsIt() {
    JiraSite.Builder lan = JiraSite.builder(URI.create("http://jira.example.com/jira"))
        .credentials(JiraCredentials.personalAccessToken(SECRET));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, lan::build);

    assertEquals("url must be https: http://jira.example.com/jira would send the credentials"
        + " in clear text (plain http is accepted on a loopback host, or with"
        + " allowInsecureHttp(true))", e.getMessage());
    assertEquals("JiraSite[http://jira.example.com/jira]",
        lan.allowInsecureHttp(true).build().toString());
    for (String loopback : List.of("http://127.0.0.1:8080", "http://127.1.2.3",
        "http://localhost:8080", "http://[::1]:8080")) {
      JiraSite.builder(URI.create(loopback)).credentials(JiraCredentials.personalAccessToken(
          SECRET)).build();
    }
    assertThrows(IllegalArgumentException.class, () -> JiraSite.builder(URI.create(
            "http://127.0.0.1.example.com")).credentials(JiraCredentials.personalAccessToken(
            SECRET)).build(), "a name that starts like a loopback address is not one");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", value = {
      "https://sync:s3cret-token-4711@jira.example.com/jira => url must not carry a user name"
          + " or password (give them as credentials), was https://***@jira.example.com/jira",
      "https://s3cret-token-4711@jira.example.com => url must not carry a user name or password"
          + " (give them as credentials), was https://***@jira.example.com",
      "http://sync:s3cret-token-4711@127.0.0.1:8080 => url must not carry a user name or"
          + " password (give them as credentials), was http://***@127.0.0.1:8080",
      "https://sync:s3cret-token-4711@jira_x.example.com => url must be the https URL of the"
          + " site, e.g. https://example.atlassian.net, was https://jira_x.example.com",
      "https://jira.example.com/?token=s3cret-token-4711 => url must not have a query or a"
          + " fragment, was https://jira.example.com/?…",
      "https://jira.example.com/#s3cret-token-4711 => url must not have a query or a fragment,"
          + " was https://jira.example.com/#…",
      "ftp://jira.example.com => url must be the https URL of the site, e.g."
          + " https://example.atlassian.net, was ftp://jira.example.com",
      "jira.example.com => url must be the https URL of the site, e.g."
          + " https://example.atlassian.net, was (not an absolute URL)",
      "mailto:s3cret-token-4711@example.com => url must be the https URL of the site, e.g."
          + " https://example.atlassian.net, was mailto:…",
      "https://jira.example.com:99999/jira => url must have a port from 1 to 65535, was"
          + " https://jira.example.com:99999/jira",
      "https://jira.example.com:0 => url must have a port from 1 to 65535, was"
          + " https://jira.example.com:0"})
  void aSiteUrlThatIsNotAPlainWebAddressIsRefusedWithoutShowingWhatItCarries(String url,
      String refusal) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JiraSite.builder(URI.create(url)));

    assertEquals(refusal, e.getMessage());
    assertNoSecret(e.getMessage(), e.toString());
  }

  @ParameterizedTest
  @EnumSource(value = HttpClient.Redirect.class, names = {"NORMAL", "ALWAYS"})
  void anHttpClientThatFollowsRedirectsItselfIsRefused(HttpClient.Redirect policy) {
    HttpClient following = HttpClient.newBuilder().followRedirects(policy).build();

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JiraSite.builder(URI.create("https://jira.example.com")).httpClient(following));

    assertEquals("httpClient must not follow redirects, its policy was " + policy + ": the"
        + " adapter follows them itself so that the credentials go only to the site",
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, 0, 1023, 1024L * 1024 * 1024 + 1})
  void aResponseLimitOutsideItsRangeIsRefused(long bytes) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JiraSite.builder(URI.create("https://jira.example.com")).maxResponseBytes(bytes));

    assertEquals("maxResponseBytes must be from 1024 to 1073741824, was " + bytes,
        e.getMessage());
  }

  @Test
  void theSameHostOverPlainHttpIsAnotherOrigin() {
    URI site = URI.create("https://jira.example.com/jira");

    assertFalse(JiraUrls.sameOrigin(site, URI.create("http://jira.example.com/jira/x")),
        "same host, default ports: only the scheme differs, and that is enough");
    assertTrue(JiraUrls.downgrade(site, URI.create("http://jira.example.com/jira/x")));
    assertTrue(JiraUrls.sameOrigin(site, URI.create("https://JIRA.example.com:443/other")),
        "the default port spelled out, the host in capitals: the same origin");
    assertFalse(JiraUrls.sameOrigin(site, URI.create("https://jira.example.com:8443/jira")));
    assertFalse(JiraUrls.sameOrigin(site, URI.create("https://media.example.com/jira")));
    assertFalse(JiraUrls.downgrade(URI.create("http://127.0.0.1:1"),
        URI.create("https://127.0.0.1:2")), "going to https is no downgrade");
  }

  // ------------------------------------------------------------------ redirects of API calls

  @Test
  void anApiCallRedirectedFromHttpsToPlainHttpIsRefusedAndTheHttpSideSeesNothing() {
    HostileOrigin jira = https();
    HostileOrigin plain = http();
    jira.on("GET", "/rest/api/2/issue/PA-1",
        Answer.redirect(302, plain.url("/rest/api/2/issue/PA-1?fields=*all")));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraRedirectException e = assertThrows(JiraRedirectException.class, () -> pa.issue("PA-1"));

    assertEquals(Reason.DOWNGRADE, e.reason());
    assertEquals(302, e.status());
    assertEquals(jira.url("/rest/api/2/issue/PA-1?…"), e.from(), "the query is left out");
    assertEquals(plain.url("/rest/api/2/issue/PA-1?…"), e.to());
    assertEquals("GET " + e.from() + " was redirected (HTTP 302) to " + e.to() + ": refused, it"
        + " leaves https: the request, its credentials and the answer would travel in clear"
        + " text", e.getMessage());
    assertFalse(e.isRetriable());
    assertEquals(List.of(), plain.requests(), "nothing sent to the plain http side");
    assertEquals(1, jira.requests().size());
    assertNoSecret(e.getMessage(), e.toString());
  }

  @ParameterizedTest(name = "HTTP {0}")
  @ValueSource(ints = {301, 302, 303, 307, 308})
  void anApiCallIsNotFollowedToAnotherOrigin(int status) {
    HostileOrigin jira = http();
    HostileOrigin other = http(); // same host, another port: another origin
    jira.on("GET", "/rest/api/2/issue/PA-1",
        Answer.redirect(status, other.url("/rest/api/2/issue/PA-1")));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraRedirectException e = assertThrows(JiraRedirectException.class, () -> pa.issue("PA-1"));

    assertEquals(Reason.API_REQUEST, e.reason());
    assertEquals("GET " + jira.url("/rest/api/2/issue/PA-1?…") + " was redirected (HTTP " + status
        + ") to " + other.url("/rest/api/2/issue/PA-1") + ": refused, API requests do not follow"
        + " redirects; if Jira moved, set the site URL to its new address", e.getMessage());
    assertEquals(List.of(), other.requests());
  }

  @Test
  void anApiCallIsNotFollowedEvenOnTheSameOrigin() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/issue/PA-1", Answer.redirect(301, "/rest/api/2/issue/PA-2"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraRedirectException e = assertThrows(JiraRedirectException.class, () -> pa.issue("PA-1"));

    assertEquals(Reason.API_REQUEST, e.reason());
    assertEquals(jira.url("/rest/api/2/issue/PA-2"), e.to());
    assertEquals(1, jira.requests().size());
  }

  @ParameterizedTest(name = "Location: {0}")
  @CsvSource(delimiterString = " => ", value = {
      "/login/SECRET => /login/***",
      "/login/SECRET%2F => /login/***%2F",
      "http://SECRET.example.com/login => http://***.example.com/login"})
  void aRedirectEchoingTheTokenInItsPathOrHostShowsItBlottedOut(String location, String shown) {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/issue/PA-1",
        Answer.redirect(302, location.replace("SECRET", SECRET)));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraRedirectException e = assertThrows(JiraRedirectException.class, () -> pa.issue("PA-1"));

    String to = shown.startsWith("/") ? jira.url(shown) : shown;
    assertEquals(to, e.to());
    assertEquals("GET " + jira.url("/rest/api/2/issue/PA-1?…") + " was redirected (HTTP 302) to "
        + to + ": refused, API requests do not follow redirects; if Jira moved, set the site URL"
        + " to its new address", e.getMessage());
    assertNoSecret(e.getMessage(), e.toString(), e.to(), e.from());
  }

  @Test
  void aDownloadSentToAUrlCarryingTheTokenNeverShowsIt() {
    HostileOrigin jira = http();
    HostileOrigin media = http();
    jira.on("GET", "/rest/api/3/attachment/content/10",
        Answer.redirect(303, media.url("/blob/" + SECRET)));
    jira.on("GET", "/rest/api/3/attachment/content/11",
        Answer.redirect(303, media.url("/loop/" + SECRET)));
    media.on("GET", "/blob/" + SECRET, Answer.json(500, "{}"));
    media.on("GET", "/loop/" + SECRET, Answer.redirect(302, "/loop/" + SECRET));
    IssueTracker pa = site(jira, JiraFlavour.CLOUD).project("PA");

    RetriableException failed = assertThrows(RetriableException.class, () -> pa.download("10"));
    JiraRedirectException loop = assertThrows(JiraRedirectException.class,
        () -> pa.download("11"));

    assertEquals("GET /blob/*** answered 500", failed.getMessage());
    assertEquals(media.url("/loop/***"), loop.from());
    assertNoSecret(failed.getMessage(), loop.getMessage(), loop.toString(), loop.from(),
        loop.to());
    assertEquals(List.of(), media.credentialsSeen());
  }

  @Test
  void aRedirectedCreateIsNotSentAgainAnywhere() {
    HostileOrigin jira = http().serverBasics();
    HostileOrigin other = http();
    jira.on("POST", "/rest/api/2/issue", Answer.redirect(307, other.url("/rest/api/2/issue")));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraRedirectException e = assertThrows(JiraRedirectException.class, () -> pa.createIssue(
        new IssueCreate("Task", Map.of("summary", text("Order toner")), "PB:PB-7")));

    assertTrue(e.getMessage().startsWith("POST " + jira.url("/rest/api/2/issue")
        + " was redirected (HTTP 307) to " + other.url("/rest/api/2/issue")), e.getMessage());
    assertEquals(1, jira.writes().size(), "sent once");
    assertEquals(List.of(), other.requests());
  }

  @ParameterizedTest(name = "[{index}] Location: {0}")
  @CsvSource(delimiterString = " => ", nullValues = "(none)", value = {
      "(none) => without a Location header",
      "'   ' => without a Location header",
      "file:///etc/passwd => with a Location that is not an http(s) URL without a user part:"
          + " file:…",
      "javascript:alert(1) => with a Location that is not an http(s) URL without a user part:"
          + " javascript:…",
      "http://[broken => with a Location that is not an http(s) URL without a user part:"
          + " (not a URL)",
      "https://sync:s3cret-token-4711@127.0.0.1:9/x => with a Location that is not an http(s)"
          + " URL without a user part: https://***@127.0.0.1:9/x"})
  void aRedirectWithoutAUsableLocationIsRefused(String location, String refusal) {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/issue/PA-1", Answer.redirect(302, location));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraRedirectException e = assertThrows(JiraRedirectException.class, () -> pa.issue("PA-1"));

    assertEquals(Reason.NO_LOCATION, e.reason());
    assertEquals("GET " + jira.url("/rest/api/2/issue/PA-1?…") + " answered HTTP 302 " + refusal,
        e.getMessage());
    assertNoSecret(e.getMessage(), String.valueOf(e.to()));
    assertEquals(1, jira.requests().size());
  }

  // ------------------------------------------------------------------ redirects of downloads

  @Test
  void aDownloadSentFromHttpsToPlainHttpIsRefusedBeforeAnythingGoesThere() {
    HostileOrigin jira = https();
    HostileOrigin plain = http();
    jira.on("GET", "/rest/api/3/attachment/content/10",
        Answer.redirect(303, plain.url("/blob?token=signed-by-media")));
    IssueTracker pa = site(jira, JiraFlavour.CLOUD).project("PA");

    JiraRedirectException e = assertThrows(JiraRedirectException.class, () -> pa.download("10"));

    assertEquals(Reason.DOWNGRADE, e.reason());
    assertEquals("GET " + jira.url("/rest/api/3/attachment/content/10") + " was redirected"
        + " (HTTP 303) to " + plain.url("/blob?…") + ": refused, it leaves https: the request,"
        + " its credentials and the answer would travel in clear text", e.getMessage());
    assertFalse(e.getMessage().contains("signed-by-media"), "a signed link is a secret too");
    assertEquals(List.of(), plain.requests());
  }

  @Test
  void aDownloadGoesToAnotherOriginWithoutCredentialsAndNeverTakesThemBack() throws Exception {
    HostileOrigin jira = http();
    HostileOrigin media = http();
    jira.on("GET", "/rest/api/3/attachment/content/10",
        Answer.redirect(303, media.url("/blob/10")));
    // the other origin sends the client back to the site, to a path of its choosing
    media.on("GET", "/blob/10", Answer.redirect(302, jira.url("/rest/api/3/mirror/10")));
    jira.on("GET", "/rest/api/3/mirror/10", Answer.bytes("application/octet-stream",
        "the bytes".getBytes(StandardCharsets.UTF_8)));
    IssueTracker pa = site(jira, JiraFlavour.CLOUD).project("PA");

    try (InputStream in = pa.download("10")) {
      assertEquals("the bytes", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    assertEquals(List.of(), media.credentialsSeen(), "no credentials off the site");
    assertEquals(List.of("Basic " + BASIC), jira.credentialsSeen(),
        "only the first request to the site carried them, not the one the other origin chose");
    assertEquals(2, jira.requests().size());
  }

  @Test
  void aDownloadChainThatLeavesHttpsOnAnotherOriginIsRefusedThere() {
    HostileOrigin jira = https();
    HostileOrigin media = https();
    HostileOrigin plain = http();
    jira.on("GET", "/rest/api/3/attachment/content/10",
        Answer.redirect(303, media.url("/blob/10")));
    media.on("GET", "/blob/10", Answer.redirect(302, plain.url("/blob/10")));
    IssueTracker pa = site(jira, JiraFlavour.CLOUD).project("PA");

    JiraRedirectException e = assertThrows(JiraRedirectException.class, () -> pa.download("10"));

    assertEquals(Reason.DOWNGRADE, e.reason());
    assertEquals(media.url("/blob/10"), e.from());
    assertEquals(plain.url("/blob/10"), e.to());
    assertEquals(List.of(), media.credentialsSeen());
    assertEquals(List.of(), plain.requests());
  }

  @Test
  void aRedirectLoopIsRefusedNamingWhereItCloses() {
    HostileOrigin jira = http();
    HostileOrigin other = http();
    jira.on("GET", "/rest/api/3/attachment/content/10", Answer.redirect(302, other.url("/a")));
    other.on("GET", "/a", Answer.redirect(302, "/b"));
    other.on("GET", "/b", Answer.redirect(302, other.url("/a")));
    IssueTracker pa = site(jira, JiraFlavour.CLOUD).project("PA");

    JiraRedirectException e = assertThrows(JiraRedirectException.class, () -> pa.download("10"));

    assertEquals(Reason.LOOP, e.reason());
    assertEquals("GET " + other.url("/b") + " was redirected (HTTP 302) back to "
        + other.url("/a") + ": refused, a redirect loop", e.getMessage());
    assertEquals(2, other.requests().size());
    assertEquals(List.of(), other.credentialsSeen());
  }

  @Test
  void aResourceRedirectingToItselfIsALoop() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/3/attachment/content/10",
        Answer.redirect(307, "/rest/api/3/attachment/content/10"));
    IssueTracker pa = site(jira, JiraFlavour.CLOUD).project("PA");

    JiraRedirectException e = assertThrows(JiraRedirectException.class, () -> pa.download("10"));

    assertEquals(Reason.LOOP, e.reason());
    assertEquals(1, jira.requests().size());
  }

  @Test
  void moreThanFiveRedirectsAreRefused() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/3/attachment/content/10", Answer.redirect(302, "/hop/1"));
    for (int i = 1; i <= 6; i++) {
      jira.on("GET", "/hop/" + i, Answer.redirect(302, "/hop/" + (i + 1)));
    }
    IssueTracker pa = site(jira, JiraFlavour.CLOUD).project("PA");

    JiraRedirectException e = assertThrows(JiraRedirectException.class, () -> pa.download("10"));

    assertEquals(Reason.TOO_MANY, e.reason());
    assertEquals("GET " + jira.url("/hop/5") + " was redirected (HTTP 302) to "
        + jira.url("/hop/6") + ": refused, more than 5 redirects", e.getMessage());
    assertEquals(6, jira.requests().size());
  }

  @Test
  void aDownloadRedirectWithoutLocationIsRefused() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/3/attachment/content/10", Answer.redirect(303, null));
    IssueTracker pa = site(jira, JiraFlavour.CLOUD).project("PA");

    JiraRedirectException e = assertThrows(JiraRedirectException.class, () -> pa.download("10"));

    assertEquals("GET " + jira.url("/rest/api/3/attachment/content/10") + " answered HTTP 303"
        + " without a Location header", e.getMessage());
    assertNull(e.to());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"plain http on the site's own host and port", "another origin",
      "missing", "not a URL"})
  void aServerAttachmentLinkOffTheSiteIsNotFetched(String link) {
    HostileOrigin jira = https();
    HostileOrigin other = http();
    String content = switch (link) {
      case "another origin" -> "\"" + other.url("/secure/attachment/10/a.txt") + "\"";
      case "missing" -> "null";
      case "not a URL" -> "\"http://[broken\"";
      default -> "\"http://127.0.0.1:" + jira.url().getPort() + "/secure/attachment/10/a.txt\"";
    };
    jira.on("GET", "/rest/api/2/attachment/10", Answer.json("{\"id\":\"10\",\"filename\":"
        + "\"a.txt\",\"content\":" + content + "}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class, () -> pa.download("10"));

    String shown = switch (link) {
      case "another origin" -> "to " + other.url("/secure/attachment/10/a.txt");
      case "missing" -> "missing";
      case "not a URL" -> "that is not a URL";
      default -> "to http://127.0.0.1:" + jira.url().getPort() + "/secure/attachment/10/a.txt";
    };
    assertEquals("Jira sent attachment 10 with a content link " + shown + ", not on the site "
        + jira.url() + ": not fetched (is Jira's base URL the site's?)", e.getMessage());
    assertEquals("content", e.field());
    assertEquals(1, jira.requests().size(), "only the attachment's metadata was asked for");
    assertEquals(List.of(), other.requests());
  }

  // ------------------------------------------------------------------ answers

  @ParameterizedTest(name = "chunked: {0}")
  @ValueSource(booleans = {false, true})
  void anAnswerOverTheByteLimitIsRefusedUnread(boolean chunked) {
    HostileOrigin jira = http();
    String huge = "{\"key\":\"PA-1\",\"fields\":{\"summary\":\"" + "x".repeat(1_000_000) + "\"}}";
    jira.on("GET", "/rest/api/2/issue/PA-1", new Answer(200, chunked
        ? Map.of("Content-Type", "application/json", "X-Chunked", "yes")
        : Map.of("Content-Type", "application/json"), huge.getBytes(StandardCharsets.UTF_8)));
    IssueTracker pa = site(jira, JiraFlavour.SERVER, b -> b.maxResponseBytes(64 * 1024))
        .project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class, () -> pa.issue("PA-1"));

    assertEquals("GET /rest/api/2/issue/PA-1 answered 200 with a body over 65536 bytes"
        + " (JiraSite.Builder.maxResponseBytes): not read", e.getMessage());
    assertFalse(e.isRetriable());
  }

  @Test
  void jsonNestedDeeperThanTheStrictLimitIsRefused() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/issue/PA-1", Answer.json("{\"key\":\"PA-1\",\"fields\":"
        + "{\"summary\":" + "[".repeat(5000) + "]".repeat(5000) + "}}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class, () -> pa.issue("PA-1"));

    assertTrue(e.getMessage().startsWith("GET /rest/api/2/issue/PA-1 answered 200 with JSON that"
        + " is refused: Document nesting depth (201) exceeds the maximum allowed (200"),
        e.getMessage());
  }

  @Test
  void anAnswerWithADuplicateKeyIsRefusedNamingTheKey() {
    HostileOrigin jira = http().serverBasics();
    jira.on("GET", "/rest/api/2/issue/PA-1", Answer.json("{\"key\":\"PA-1\",\"key\":\"PA-2\","
        + "\"fields\":{\"summary\":\"Printer on fire\"}}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class, () -> pa.issue("PA-1"));

    assertEquals("GET /rest/api/2/issue/PA-1 answered 200 with JSON that is refused: Duplicate"
        + " field 'key'", e.getMessage());
    assertEquals("key", e.field());
    assertEquals("GET /rest/api/2/issue/PA-1", e.request());
  }

  @Test
  void aDuplicatedOriginMarkerDoesNotPairEitherIssue() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/search", Answer.json(searchPage("{\"key\":\"PA-7\","
        + "\"properties\":{\"backboneSync\":{\"origin\":\"PB:PB-9\",\"origin\":\"PB:PB-7\"}}}")));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findByOriginMarker("PB:PB-7"));

    assertTrue(e.getMessage().endsWith("Duplicate field 'origin'"), e.getMessage());
    assertEquals(List.of(), jira.writes());
  }

  @Test
  void aSecondDocumentAfterTheAnswerIsRefused() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/issue/PA-1", Answer.json("{\"key\":\"PA-1\"} {\"key\":\"PA-2\"}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class, () -> pa.issue("PA-1"));

    assertTrue(e.getMessage().startsWith("GET /rest/api/2/issue/PA-1 answered 200 with JSON that"
        + " is refused: content after the value"), e.getMessage());
  }

  @Test
  void anEmptyAnswerWhereJsonBelongsIsRefused() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/issue/PA-1", new Answer(200, Map.of(), null));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class, () -> pa.issue("PA-1"));

    assertEquals("GET /rest/api/2/issue/PA-1 answered without a body, where Jira sends JSON",
        e.getMessage());
  }

  /**
   * A 200 whose JSON ends in the middle: a gateway that cut the answer but ended the HTTP
   * message cleanly, with a matching length or chunked. Another try may well get all of it.
   */
  @ParameterizedTest(name = "chunked {0}")
  @ValueSource(booleans = {false, true})
  void jsonCutShortIsWorthAnotherTry(boolean chunked) {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/issue/PA-1", new Answer(200, chunked
        ? Map.of("Content-Type", "application/json", "X-Chunked", "1")
        : Map.of("Content-Type", "application/json"),
        "{\"key\":\"PA-1\",\"fields\":{\"summ".getBytes(StandardCharsets.UTF_8)));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    RetriableException e = assertThrows(RetriableException.class, () -> pa.issue("PA-1"));

    assertEquals("GET /rest/api/2/issue/PA-1 answered 200 with JSON that ends too soon (29"
        + " bytes, application/json): cut off on the way, worth another try", e.getMessage());
  }

  @Test
  void aBodyEndingBeforeItsContentLengthIsWorthAnotherTry() {
    try (SlowOrigin jira = new SlowOrigin(1000, List.of(SlowOrigin.Piece.of(Duration.ZERO,
        "{\"key\":\"PA-1\"}")))) {
      IssueTracker pa = JiraSite.builder(jira.url()).flavour(JiraFlavour.SERVER)
          .credentials(JiraCredentials.personalAccessToken(SECRET))
          .httpClient(HostileOrigin.client()).requestsPerSecond(0).maxAttempts(1)
          .sleeper(d -> fail("asked to wait " + d)).build().project("PA");

      RetriableException e = assertThrows(RetriableException.class, () -> pa.issue("PA-1"));

      assertTrue(e.getMessage().startsWith("GET /rest/api/2/issue/PA-1 failed on "
          + jira.url() + " ("), e.getMessage());
    }
  }

  @Test
  void aRetryAfterBeyondALongIsNotAnOverflow() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/issue/PA-1", new Answer(429, Map.of("Retry-After",
        "99999999999999999999999999", "Content-Type", "application/json"), null));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    RetriableException e = assertThrows(RetriableException.class, () -> pa.issue("PA-1"));

    assertEquals("GET /rest/api/2/issue/PA-1 answered 429", e.getMessage());
    assertEquals(Optional.empty(), e.retryAfter());
  }

  /**
   * A 429 or 503 storm that says "now" (a zero, or a date or reset already past, as a clock
   * ahead of Jira's makes it): each attempt went again at once, and the call failed with a wait
   * of 0 s, which the engine takes as "retry at once" too. It is no wait: backoff decides.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiterString = " => ", value = {
      "Retry-After => 0",
      "Retry-After => 000",
      "Retry-After => Wed, 21 Oct 2015 07:28:00 GMT",
      "X-RateLimit-Reset => 2015-10-21T07:28:00Z"})
  void aRateLimitThatSaysNowIsBackedOffNotHammered(String header, String value) {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/issue/PA-1", new Answer(429, Map.of(header, value,
        "RateLimit-Reason", "jira-quota-global-based"), null));
    List<Duration> waits = new ArrayList<>();
    IssueTracker pa = site(jira, JiraFlavour.SERVER, b -> b.maxAttempts(4)
        .backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)).sleeper(waits::add))
        .project("PA");

    RetriableException e = assertThrows(RetriableException.class, () -> pa.issue("PA-1"));

    assertEquals("GET /rest/api/2/issue/PA-1 answered 429 (jira-quota-global-based)",
        e.getMessage());
    assertFalse(e instanceof JiraRateLimitedException, e.toString());
    assertEquals(Optional.empty(), e.retryAfter(), "the engine backs off too");
    assertEquals(4, jira.requests().size());
    assertEquals(3, waits.size(), waits.toString());
    for (int i = 0; i < 3; i++) {
      assertTrue(waits.get(i).compareTo(Duration.ofMillis(500L << i)) >= 0, waits.toString());
    }
  }

  /**
   * Waits that pass the header checks but overflow a clock's nanoseconds (or the sum with now):
   * each is cut to a day, pauses the site and fails the call as a retriable rate limit.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiterString = " => ", value = {
      "Retry-After => 99999999999",
      "Retry-After => 999999999999",
      "Retry-After => 9000000000",
      "Retry-After => Fri, 31 Dec 9999 23:59:59 GMT",
      "X-RateLimit-Reset => +1000000-01-01T00:00:00Z",
      "X-RateLimit-Reset => +1000000000-12-31T23:59:59Z"})
  void aWaitBeyondAnyClockPausesTheSiteForADay(String header, String value) {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/issue/PA-1", new Answer(429, Map.of(header, value,
        "Content-Type", "application/json"), null));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraRateLimitedException e = assertThrows(JiraRateLimitedException.class,
        () -> pa.issue("PA-1"));
    JiraRateLimitedException held = assertThrows(JiraRateLimitedException.class,
        () -> pa.issue("PA-1"));

    assertEquals("GET /rest/api/2/issue/PA-1 answered 429; retry after 86400 s (the site is"
        + " paused)", e.getMessage());
    assertEquals(Optional.of(Duration.ofDays(1)), e.retryAfter());
    assertEquals(JiraLimitScope.SITE, held.scope());
    assertTrue(held.retryAfter().orElseThrow().compareTo(Duration.ofHours(23)) > 0,
        held.getMessage());
    assertEquals(1, jira.requests().size(), "the second call is held back, not sent");
  }

  // ------------------------------------------------------------------ ids

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", value = {
      "{} => missing",
      "{\"accountId\":null} => null",
      "{\"accountId\":\"\"} => blank",
      "{\"accountId\":\"   \"} => blank",
      "{\"accountId\":true} => a boolean",
      "{\"accountId\":{\"id\":\"x\"}} => an object",
      "{\"accountId\":[\"x\"]} => an array",
      "{\"accountId\":42} => a number"})
  void theSyncUserWithoutAnIdIsAnErrorNotAnEmptyName(String myself, String kind) {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/3/myself", Answer.json(myself));
    JiraSite site = site(jira, JiraFlavour.CLOUD);

    JiraAnswerException e = assertThrows(JiraAnswerException.class, site::signedInUser);

    assertEquals("GET /rest/api/3/myself answered without the sync user's id: \"accountId\" is "
        + kind + ", not an id (a non-blank string)", e.getMessage());
    assertEquals("accountId", e.field());
  }

  /**
   * The service prints the signed-in user ("signed in as ...") and quotes it in a refusal: an id
   * that echoes the credentials, or holds a line break, was printed as it came.
   */
  @Test
  void aSyncUserIdHoldingTheCredentialsOrALineBreakIsRefusedWithoutThem() {
    HostileOrigin echo = http();
    echo.on("GET", "/rest/api/3/myself",
        r -> Answer.json("{\"accountId\":\"id:" + r.authorization() + "\"}"));
    HostileOrigin forged = http();
    forged.on("GET", "/rest/api/3/myself",
        Answer.json("{\"accountId\":\"sync-a\\n2026 INFO signed in as admin\"}"));

    JiraAnswerException echoed = assertThrows(JiraAnswerException.class,
        site(echo, JiraFlavour.CLOUD)::signedInUser);
    JiraAnswerException lines = assertThrows(JiraAnswerException.class,
        site(forged, JiraFlavour.CLOUD)::signedInUser);

    assertEquals("GET /rest/api/3/myself answered a sync user whose \"accountId\" is"
        + " \"id:***\", not an id: it holds the request's credentials", echoed.getMessage());
    assertNoSecret(echoed.getMessage(), echoed.toString());
    assertEquals("GET /rest/api/3/myself answered a sync user whose \"accountId\" is"
        + " \"sync-a\\n2026 INFO signed in as admin\", not an id: it holds a control or format"
        + " character", lines.getMessage());
    assertEquals("accountId", lines.field());
  }

  @Test
  void aServerSyncUserWithoutANameIsAnError() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/myself", Answer.json("{\"key\":\"JIRAUSER10100\","
        + "\"displayName\":\"Sync\"}"));

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        site(jira, JiraFlavour.SERVER)::signedInUser);

    assertEquals("GET /rest/api/2/myself answered without the sync user's id: \"name\" is"
        + " missing, not an id (a non-blank string)", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", value = {
      "[{\"filename\":\"a.txt\"}] => missing",
      "[{\"id\":\"\",\"filename\":\"a.txt\"}] => blank",
      "[{\"id\":null,\"filename\":\"a.txt\"}] => null",
      "[{\"id\":false,\"filename\":\"a.txt\"}] => a boolean",
      "[{\"id\":{\"value\":10},\"filename\":\"a.txt\"}] => an object",
      "[{\"id\":10.5,\"filename\":\"a.txt\"}] => a number that is not an integer",
      "[\"10\"] => missing"})
  void anUploadAnsweredWithoutAnAttachmentIdIsAnError(String answer, String kind) {
    HostileOrigin jira = http().serverBasics();
    jira.on("POST", "/rest/api/2/issue/PA-1/attachments", Answer.json(answer));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class, () -> pa.upload("PA-1",
        "a.txt", "text/plain", new ByteArrayInputStream(new byte[] {1, 2, 3})));

    assertEquals("Jira sent an attachment whose \"id\" is " + kind + ", not an id (a non-blank"
        + " string or an integer)", e.getMessage());
    assertEquals("id", e.field());
  }

  @Test
  void anUploadAnsweredWithNoAttachmentAtAllIsAnError() {
    HostileOrigin jira = http().serverBasics();
    jira.on("POST", "/rest/api/2/issue/PA-1/attachments", Answer.json("[]"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    TrackerException e = assertThrows(TrackerException.class, () -> pa.upload("PA-1", "a.txt",
        "text/plain", new ByteArrayInputStream(new byte[] {1})));

    assertEquals("upload of a.txt to PA-1 answered without the attachment", e.getMessage());
  }

  @Test
  void anAttachmentListedWithoutAnIdIsAnErrorNotAnEmptyId() {
    HostileOrigin jira = http().serverBasics();
    jira.on("GET", "/rest/api/2/issue/PA-1", Answer.json("{\"key\":\"PA-1\",\"fields\":"
        + "{\"attachment\":[{\"id\":\"  \",\"filename\":\"a.txt\"}]}}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class, () -> pa.attachments("PA-1"));

    assertEquals("Jira sent an attachment whose \"id\" is blank, not an id (a non-blank string"
        + " or an integer)", e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", value = {
      "{\"id\":\"10001\"} => Jira sent the issue it created whose \"key\" is missing, not an"
          + " issue key like PA-12",
      "{\"id\":\"10001\",\"key\":10001} => Jira sent the issue it created whose \"key\" is a"
          + " number, not an issue key like PA-12",
      "{\"id\":\"10001\",\"key\":\"\"} => Jira sent the issue it created whose \"key\" is blank,"
          + " not an issue key like PA-12",
      "{\"id\":\"10001\",\"key\":\"PA-1 OR 1=1\"} => Jira sent the issue it created whose"
          + " \"key\" is \"PA-1 OR 1=1\", not an issue key like PA-12",
      "{\"id\":\"10001\",\"key\":\"PB-3\"} => Jira answered the create in PA with PB-3, an issue"
          + " of another project: not used"})
  void aCreateAnsweredWithoutAKeyOfTheProjectIsAnError(String answer, String refusal) {
    HostileOrigin jira = http().serverBasics();
    jira.on("POST", "/rest/api/2/issue", Answer.json(201, answer));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class, () -> pa.createIssue(
        new IssueCreate("Task", Map.of("summary", text("Order toner")), "PB:PB-7")));

    assertEquals(refusal, e.getMessage());
    assertEquals("key", e.field());
  }

  @Test
  void aCommentAnsweredWithoutAnIdIsAnError() {
    HostileOrigin jira = http().serverBasics();
    jira.on("POST", "/rest/api/2/issue/PA-1/comment", Answer.json(201, "{\"body\":\"hi\"}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.addComment("PA-1", "hi"));

    assertEquals("Jira sent the comment it added to PA-1 whose \"id\" is missing, not an id (a"
        + " non-blank string or an integer)", e.getMessage());
  }

  // ------------------------------------------------------------------ searches

  /** Answers every search with the same page, whatever its JQL says. */
  private static HostileOrigin ignoringJql(HostileOrigin jira, String page) {
    return jira.on("GET", "/rest/api/2/search", Answer.json(page));
  }

  @Test
  void aSearchThatIgnoresItsJqlDoesNotPairTheWrongIssue() {
    HostileOrigin jira = ignoringJql(http(), searchPage(
        "{\"key\":\"PA-9\",\"properties\":{\"backboneSync\":{\"origin\":\"PB:PB-9\"}}}",
        "{\"key\":\"PB-3\",\"properties\":{\"backboneSync\":{\"origin\":\"PB:PB-7\"}}}",
        "{\"key\":\"PA-4\",\"properties\":{}}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    assertEquals(Optional.empty(), pa.findByOriginMarker("PB:PB-7"),
        "PA-9 carries another marker, PB-3 is of another project, PA-4 carries none");
    assertEquals(Optional.of("PA-9"), pa.findByOriginMarker("PB:PB-9"));
    assertEquals(List.of(), jira.writes());
  }

  @Test
  void whereSearchResultsLeaveOutPropertiesEachCandidatesPropertyIsRead() {
    HostileOrigin jira = ignoringJql(http(), searchPage("{\"key\":\"PA-5\"}",
        "{\"key\":\"PA-7\"}"));
    jira.on("GET", "/rest/api/2/issue/PA-7/properties/backboneSync",
        Answer.json("{\"key\":\"backboneSync\",\"value\":{\"origin\":\"PB:PB-7\"}}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    assertEquals(Optional.of("PA-7"), pa.findByOriginMarker("PB:PB-7"));
    assertEquals(List.of("/rest/api/2/search", "/rest/api/2/issue/PA-5/properties/backboneSync",
        "/rest/api/2/issue/PA-7/properties/backboneSync"),
        jira.requests().stream().map(HostileOrigin.Request::path).toList());
  }

  @Test
  void aMarkerWithQuotesAndBackslashesStaysInsideItsJqlString() {
    HostileOrigin jira = ignoringJql(http(), searchPage());
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    pa.findByOriginMarker("PB:1\\\" OR project = \"PB");

    String jql = URLDecoder.decode(jira.requests().get(0).query().replaceAll(".*?jql=([^&]*).*",
        "$1"), StandardCharsets.UTF_8);
    assertEquals("project = \"PA\" AND issue.property[backboneSync].origin ="
        + " \"PB:1\\\\\\\" OR project = \\\"PB\"", jql);
  }

  @Test
  void aMatchCountsOnlyForTheIssueAskedAbout() {
    HostileOrigin jira = ignoringJql(http(), searchPage("{\"key\":\"PA-9\"}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    assertFalse(pa.matches("PA-1", "labels = urgent"));
  }

  @Test
  void aChangeSearchAnsweredWithAnotherProjectsIssueIsRefused() {
    HostileOrigin jira = ignoringJql(http().serverBasics(), searchPage(
        "{\"key\":\"PA-1\",\"fields\":{\"updated\":\"2026-01-01T10:00:00.000+0000\"}}",
        "{\"key\":\"PB-3\",\"fields\":{\"updated\":\"2026-01-01T10:00:00.000+0000\"}}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, null));

    assertEquals("Jira answered the search for changes in PA with PB-3, an issue of another"
        + " project: not used", e.getMessage());
    assertEquals("PB-3", e.issueKey());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", value = {
      "{\"id\":\"10001\"} => missing",
      "{\"key\":7} => a number",
      "{\"key\":\" \"} => blank",
      "{\"key\":[\"PA-1\"]} => an array"})
  void aSearchResultWithoutAKeyIsRefused(String issue, String kind) {
    HostileOrigin jira = ignoringJql(http().serverBasics(), searchPage(issue));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, null));

    assertEquals("Jira sent a search result whose \"key\" is " + kind + ", not an issue key like"
        + " PA-12", e.getMessage());
  }

  @Test
  void aSearchResultKeyWithAControlCharacterIsShownEscaped() {
    HostileOrigin jira = ignoringJql(http().serverBasics(), searchPage(
        "{\"key\":\"PA-1\\n2026 ERROR forged\\u001b[31m\",\"fields\":{}}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, null));

    assertEquals("Jira sent a search result whose \"key\" is \"PA-1\\n2026 ERROR forged"
        + "\\u001b[31m\", not an issue key like PA-12", e.getMessage());
  }

  @Test
  void aLongSearchResultKeyIsShownCut() {
    HostileOrigin jira = ignoringJql(http().serverBasics(), searchPage(
        "{\"key\":\"" + "A".repeat(100_000) + "\",\"fields\":{}}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, null));

    assertEquals("Jira sent a search result whose \"key\" is \"" + "A".repeat(80) + "…\""
        + " (100000 characters), not an issue key like PA-12", e.getMessage());
  }

  @Test
  void aSearchResultWithABrokenTimeIsRefusedShowingTheValueEscapedAndCut() {
    String forged = "x\\r\\n2026-01-01 ERROR forged log line " + "A".repeat(100_000);
    HostileOrigin jira = ignoringJql(http().serverBasics(), searchPage(
        "{\"key\":\"PA-1\",\"fields\":{\"created\":\"" + forged + "\"}}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, null));

    assertEquals("Jira sent an issue whose \"created\" is \"x\\r\\n2026-01-01 ERROR forged log"
        + " line " + "A".repeat(44) + "…\" (100036 characters), not a time like"
        + " 2026-01-01T10:00:00.000+0000", e.getMessage());
    assertEquals("created", e.field());
    assertNull(e.getCause(), "the parser's exception quotes the value whole");
  }

  /**
   * The JDK parses years up to +999999999, far past what epoch milliseconds hold, and a JSON
   * number may be past a long: each was an ArithmeticException, or a time wrapped to another.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "\"+999999999-12-31T23:59:59.000+0000\" | \"+999999999-12-31T23:59:59.000+0000\","
          + " not a time like 2026-01-01T10:00:00.000+0000",
      "\"-999999999-01-01T00:00:00.000+0000\" | \"-999999999-01-01T00:00:00.000+0000\","
          + " not a time like 2026-01-01T10:00:00.000+0000",
      "18446745840935151616 | 18446745840935151616, not a time in epoch milliseconds",
      "1e300 | 1.0E300, not a time in epoch milliseconds"})
  void aTimePastWhatMillisecondsHoldIsRefusedNamingIt(String created, String shown) {
    HostileOrigin jira = ignoringJql(http().serverBasics(), searchPage(
        "{\"key\":\"PA-1\",\"fields\":{\"created\":" + created + "}}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, null));

    assertEquals("Jira sent an issue whose \"created\" is " + shown, e.getMessage());
    assertEquals("created", e.field());
  }

  // ------------------------------------------------------------------ secrets

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"api token", "personal access token", "host signer"})
  void aJiraThatEchoesTheCredentialsDoesNotGetThemIntoAnyMessage(String kind) {
    HostileOrigin jira = http();
    java.util.function.Function<HostileOrigin.Request, String> echo = r -> {
      String a = String.valueOf(r.authorization());
      String decoded = a.startsWith("Basic ") ? new String(Base64.getDecoder()
          .decode(a.substring(6)), StandardCharsets.UTF_8) : a;
      return "[\"bad header " + a + "\",\"you are " + decoded + "\"]";
    };
    jira.on("GET", "/rest/api/2/issue/PA-1", r -> Answer.json(400, "{\"errorMessages\":"
        + echo.apply(r) + ",\"errors\":{\"summary\":\"" + r.authorization() + "\"}}"));
    jira.on("GET", "/rest/api/2/issue/PA-2", r -> Answer.json(500, "{\"errorMessages\":"
        + echo.apply(r) + "}"));
    jira.on("GET", "/rest/api/2/issue/PA-3", r -> new Answer(429, Map.of("RateLimit-Reason",
        "quota of " + r.authorization()), null));
    jira.on("GET", "/rest/api/2/issue/PA-4", r -> Answer.redirect(302,
        "/elsewhere?auth=" + r.authorization().replace(' ', '+')));
    JiraCredentials credentials = switch (kind) {
      case "api token" -> JiraCredentials.apiToken(EMAIL, SECRET);
      case "personal access token" -> JiraCredentials.personalAccessToken(SECRET);
      default -> JiraCredentials.signedBy((request, method, uri) ->
          request.setHeader("Authorization", "Custom " + SECRET));
    };
    IssueTracker pa = site(jira, JiraFlavour.SERVER, b -> b.credentials(credentials))
        .project("PA");

    List<String> printed = new ArrayList<>();
    for (String key : List.of("PA-1", "PA-2", "PA-3", "PA-4")) {
      SyncException e = assertThrows(SyncException.class, () -> pa.issue(key));
      printed.add(e.getMessage());
      printed.add(e.toString());
      if (e instanceof TrackerException t) {
        printed.add(t.fieldErrors().toString());
      }
    }

    assertNoSecret(printed.toArray(String[]::new));
    assertTrue(printed.get(0).contains("bad header ***"), printed.get(0));
    assertEquals(4, jira.credentialsSeen().size(), "Jira itself got them, once per request");
  }

  /**
   * A 200 answer that echoes the credentials where a key or a time belongs: the refusal quotes
   * the value Jira sent, and quoted it with the header in it; so did the warning about a time
   * zone that is not one.
   */
  @Test
  void credentialsEchoedIntoAKeyOrATimeOfAnAnswerAreBlottedOut() {
    HostileOrigin jira = http().serverBasics();
    String page = "{\"startAt\":0,\"maxResults\":50,\"total\":1,\"issues\":[%s]}";
    String created = "\"created\":\"2026-01-01T10:00:00.000+0000\"";
    jira.on("GET", "/rest/api/2/myself", r -> Answer.json("{\"name\":\"sync\",\"timeZone\":\""
        + r.authorization() + "\"}"));
    jira.on("GET", "/rest/api/2/search", r -> Answer.json(page.formatted("{\"key\":\""
        + r.authorization() + "\",\"fields\":{}}")));
    jira.on("GET", "/rest/api/2/issue/PA-1", r -> Answer.json("{\"key\":\"PA-1\",\"fields\":{"
        + "\"created\":\"" + r.authorization() + "\",\"issuelinks\":[{\"id\":\"1\","
        + "\"outwardIssue\":{\"key\":\"" + r.authorization() + "\"}}],\"updated\":\""
        + r.authorization() + "\"},\"changelog\":{\"histories\":[{\"id\":\"1\","
        + "\"created\":\"" + r.authorization() + "\"}]}}"));
    jira.on("GET", "/rest/api/2/issue/PA-1/comment", r -> Answer.json("{\"startAt\":0,"
        + "\"total\":1,\"comments\":[{\"id\":\"1\",\"updated\":\"" + r.authorization()
        + "\"," + created + "}]}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER,
        b -> b.credentials(JiraCredentials.personalAccessToken(SECRET))).project("PA");

    List<String> printed = new ArrayList<>();
    String log = logged(() -> printed.add(assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, null)).getMessage()));
    printed.add(assertThrows(JiraAnswerException.class, () -> pa.issue("PA-1")).getMessage());
    printed.add(assertThrows(JiraAnswerException.class, () -> pa.links("PA-1")).getMessage());
    printed.add(assertThrows(JiraAnswerException.class, () -> pa.changelog("PA-1", 0))
        .getMessage());
    printed.add(assertThrows(JiraAnswerException.class, () -> pa.comments("PA-1")).getMessage());

    assertNoSecret(log);
    assertTrue(log.contains("no usable time zone (\"***\")"), log);
    assertEquals(List.of(
        "Jira sent a search result whose \"key\" is \"***\", not an issue key like PA-12",
        "Jira sent an issue whose \"created\" is \"***\", not a time like"
            + " 2026-01-01T10:00:00.000+0000",
        "Jira sent a link of PA-1 whose \"key\" is \"***\", not an issue key like PA-12",
        "Jira sent a changelog entry whose \"created\" is \"***\", not a time like"
            + " 2026-01-01T10:00:00.000+0000",
        "Jira sent a comment whose \"updated\" is \"***\", not a time like"
            + " 2026-01-01T10:00:00.000+0000"), printed);
  }

  /** Asserts that no run of 12 characters of the token is in any text. */
  private static void assertNoPartOf(String token, String... texts) {
    for (String t : texts) {
      for (int i = 0; i + 12 <= token.length(); i++) {
        assertFalse(t.contains(token.substring(i, i + 12)), t);
      }
    }
  }

  /**
   * A Cloud API token is about 192 characters long: an answer whose duplicate key echoes it was
   * cut at 200 characters before it was scrubbed, so all but its end reached the message.
   */
  @Test
  void aLongTokenEchoedAsADuplicateKeyIsBlottedOutWhole() {
    String token = "ATATT3xFfGF0" + "Q".repeat(172) + "=ABCDEF12";
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/3/issue/PA-1", r -> {
      String pair = new String(Base64.getDecoder().decode(r.authorization().substring(6)),
          StandardCharsets.UTF_8);
      String echoed = pair.substring(pair.indexOf(':') + 1);
      return Answer.json("{\"" + echoed + "\":1,\"" + echoed + "\":2}");
    });
    IssueTracker pa = site(jira, JiraFlavour.CLOUD,
        b -> b.credentials(JiraCredentials.apiToken(EMAIL, token))).project("PA");

    JiraAnswerException e = assertThrows(JiraAnswerException.class, () -> pa.issue("PA-1"));

    assertEquals("GET /rest/api/3/issue/PA-1 answered 200 with JSON that is refused: Duplicate"
        + " field '***'", e.getMessage());
    assertEquals("***", e.field());
  }

  /**
   * Text someone else cut: the JSON parser quotes at most 256 characters of a bad token, and a
   * Jira error message may hold the start of a header. No run of the secret gets through.
   */
  @Test
  void aSecretCutShortBeforeItReachesTheAdapterIsStillBlottedOut() {
    String token = "eyJhbGciOiJIUzI1NiJ9." + "x7Kq2".repeat(80);
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/2/issue/PA-1", r -> Answer.json(r.authorization()
        .substring(7)));
    jira.on("GET", "/rest/api/2/issue/PA-2", r -> Answer.json(400, "{\"errorMessages\":"
        + "[\"bad header " + r.authorization().substring(0, 60) + "\"]}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER, b -> b.credentials(JiraCredentials
        .signedBy((request, method, uri) -> request.setHeader("Authorization", "Custom "
            + token)))).project("PA");

    SyncException parsed = assertThrows(SyncException.class, () -> pa.issue("PA-1"));
    JiraException refused = assertThrows(JiraException.class, () -> pa.issue("PA-2"));

    assertNoPartOf(token, parsed.getMessage(), refused.getMessage(), refused.toString());
    assertEquals("Jira refused GET /rest/api/2/issue/PA-2 (HTTP 400): bad header Custom ***",
        refused.getMessage());
  }

  @Test
  void noSecretReachesToStringOrTheLog() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    List<String> printed = new ArrayList<>();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      HostileOrigin jira = https();
      HostileOrigin plain = http();
      jira.on("GET", "/rest/api/3/myself", Answer.json("{\"accountId\":\"5b10\"}"));
      jira.on("GET", "/rest/api/3/attachment/content/10", Answer.redirect(303,
          plain.url("/blob?token=" + SECRET)));
      JiraSite site = site(jira, JiraFlavour.CLOUD);
      IssueTracker pa = site.project("PA");
      printed.add(site.signedInUser()); // logs the missing time zone
      printed.add(assertThrows(JiraRedirectException.class, () -> pa.download("10")).toString());
      printed.add(site.toString());
      printed.add(pa.toString());
      printed.add(JiraCredentials.apiToken(EMAIL, SECRET).toString());
      printed.add(JiraCredentials.personalAccessToken(SECRET).toString());
      printed.add(JiraCredentials.password("sync", SECRET).toString());
      printed.add(assertThrows(IllegalArgumentException.class, () -> JiraSite.builder(
          URI.create("https://sync:" + SECRET + "@jira.example.com"))).toString());
    } finally {
      System.setErr(err);
    }
    printed.add(captured.toString(StandardCharsets.UTF_8));

    assertNoSecret(printed.toArray(String[]::new));
    assertTrue(printed.get(printed.size() - 1).contains("no usable time zone"),
        "the log was captured: " + printed.get(printed.size() - 1));
  }

  /** What the adapter logs (slf4j-simple writes to standard error) while {@code action} runs. */
  private static String logged(Runnable action) {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void jirasErrorMessagesAreShownEscapedAndCut() {
    HostileOrigin jira = http().serverBasics();
    jira.on("PUT", "/rest/api/2/issue/PA-1", Answer.json(400, "{\"errorMessages\":[\"bad\\r\\n"
        + "2026-01-01 ERROR forged\"],\"errors\":{\"summary\":\"" + "A".repeat(10_000)
        + "\"}}"));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    JiraException e = assertThrows(JiraException.class, () -> pa.updateIssue("PA-1",
        Map.of("summary", text("x"))));

    assertEquals("Jira refused PUT /rest/api/2/issue/PA-1 (HTTP 400): bad\\r\\n2026-01-01 ERROR"
        + " forged; field summary: " + "A".repeat(500) + "…", e.getMessage());
    assertEquals(List.of("bad\\r\\n2026-01-01 ERROR forged"), e.errorMessages());
  }

  @Test
  void aTimeZoneOrProjectKeyWithALineBreakDoesNotForgeALogLine() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/3/myself", Answer.json("{\"accountId\":\"5b10\",\"timeZone\":"
        + "\"Mars\\n2026-01-01 ERROR forged\"}"));
    jira.on("GET", "/rest/api/3/field", Answer.json("[]"));
    jira.on("GET", "/rest/api/3/project/PA", Answer.json("{\"id\":\"100\",\"key\":\"PA\"}"));
    jira.on("GET", "/rest/api/3/issue/PA-1", Answer.json("{\"key\":\"P\\nB-1\",\"fields\":"
        + "{\"project\":{\"id\":\"100\",\"key\":\"P\\nB\"}}}"));
    JiraSite site = site(jira, JiraFlavour.CLOUD);
    IssueTracker pa = site.project("PA");

    String log = logged(() -> {
      site.signedInUser();
      assertThrows(JiraAnswerException.class, () -> pa.issue("PA-1"));
    });

    assertTrue(log.contains("no usable time zone (\"Mars\\n2026-01-01 ERROR forged\")"), log);
    assertFalse(log.contains("\n2026-01-01 ERROR"), log);
    assertEquals(List.of("PA"), pa.projectKeys(), "a key with a line break is no project's");
  }

  /**
   * The issue types Jira lists are named escaped in the refusal of an unknown one: a name with a
   * line break forged a log line of its own (helper-130).
   */
  @Test
  void anUnknownIssueTypeIsRefusedNamingTheKnownOnesEscaped() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/3/project/PA", Answer.json("{\"id\":\"100\",\"key\":\"PA\","
        + "\"issueTypes\":[{\"id\":\"1\",\"name\":\"Task\\n2026-01-01 ERROR forged\"}]}"));
    IssueTracker pa = site(jira, JiraFlavour.CLOUD).project("PA");

    TrackerException e = assertThrows(TrackerException.class, () -> pa.createMetadata("Bug"));

    assertEquals("unknown issue type \"Bug\" in PA; known: [\"Task\\n2026-01-01 ERROR forged\"]",
        e.getMessage());
  }

  @Test
  void aGoodAnswerStillReads() throws Exception {
    // the refusals above are not the adapter refusing everything
    HostileOrigin jira = https().serverBasics();
    jira.on("GET", "/rest/api/2/issue/PA-1", Answer.json("{\"key\":\"PA-1\",\"fields\":"
        + "{\"summary\":\"Printer on fire\",\"attachment\":[{\"id\":10,\"filename\":\"a.txt\","
        + "\"created\":\"2026-01-01T10:00:00.000+0000\"}]}}"));
    jira.on("GET", "/rest/api/2/attachment/10", Answer.json("{\"id\":\"10\",\"content\":\""
        + jira.url("/secure/attachment/10/a.txt") + "\"}"));
    jira.on("GET", "/secure/attachment/10/a.txt", Answer.bytes("text/plain", new byte[] {7}));
    IssueTracker pa = site(jira, JiraFlavour.SERVER).project("PA");

    assertEquals("Printer on fire", pa.issue("PA-1").orElseThrow().field("summary").asText());
    assertEquals("10", pa.attachments("PA-1").get(0).id(), "a numeric id is an id");
    try (InputStream in = pa.download("10")) {
      assertArrayEquals(new byte[] {7}, in.readAllBytes());
    }
    assertTrue(jira.credentialsSeen().stream().allMatch(("Bearer " + SECRET)::equals));
  }
}
