package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.jira.HostileOrigin.Answer;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.IssueTracker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Jira adapter against a Jira whose pages lie: lists that are not lists, counters and
 * tokens that never let a loop end. Each case asserts the refusal's text, which names the
 * request and what was wrong, and that the adapter stopped (a loop that does not stop fails the
 * test after its timeout).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
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
    return jira.siteNeverWaiting(flavour, "sync@example.com", SECRET)
        .endpointRequestsPerSecond(0, 1)
        .issueWritesPerSecond(0, 1)
        .build().project("PA");
  }

  /** A Cloud search page of PA-1 with a token for the next page (null: the last page). */
  private static Answer cloudPage(String token) {
    return Answer.json("{\"isLast\":" + (token == null) + (token == null ? ""
        : ",\"nextPageToken\":\"" + token + "\"") + ",\"issues\":[{\"id\":\"10001\","
        + "\"key\":\"PA-1\",\"fields\":{\"summary\":\"x\",\"updated\":"
        + "\"2026-01-01T10:00:00.000+0000\",\"created\":\"2026-01-01T10:00:00.000+0000\"}}]}");
  }

  // ------------------------------------------------------------------ searches that never end

  @Test
  void aSearchForNamedIssuesWhoseTokenComesBackStops() {
    HostileOrigin jira = http().cloudBasics();
    jira.on("GET", "/rest/api/3/search/jql", r -> cloudPage("again"));
    IssueTracker pa = pa(jira, JiraFlavour.CLOUD);

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findChanged(List.of("PA-1"), 0, null));

    assertEquals("GET /rest/api/3/search/jql answered a page whose \"nextPageToken\" is one it"
        + " gave before: the search does not move on", e.getMessage());
    assertEquals(2, jira.requests("GET", "/rest/api/3/search/jql"));
  }

  @Test
  void aSearchForNamedIssuesWithEverNewTokensStopsAfterAPagePerIssueAndTenMore() {
    HostileOrigin jira = http().cloudBasics();
    AtomicInteger token = new AtomicInteger();
    jira.on("GET", "/rest/api/3/search/jql", r -> cloudPage("t" + token.incrementAndGet()));
    IssueTracker pa = pa(jira, JiraFlavour.CLOUD);

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findChanged(List.of("PA-1"), 0, null));

    assertEquals("GET /rest/api/3/search/jql answered a page whose \"nextPageToken\" still says"
        + " more is to come after 12 pages, for 1 issue named", e.getMessage());
    assertEquals(12, jira.requests("GET", "/rest/api/3/search/jql"));
  }

  @Test
  void aSearchForChangesWhoseTokenComesBackAtOnceStops() {
    HostileOrigin jira = http().cloudBasics();
    jira.on("GET", "/rest/api/3/search/jql", r -> cloudPage("again"));
    IssueTracker pa = pa(jira, JiraFlavour.CLOUD);

    ChangePage first = pa.findUpdatedSince(0, null, 50, null);
    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, first.nextPageToken()));

    assertEquals("1~sb4c9e14061c2fd45~again", first.nextPageToken());
    assertEquals("GET /rest/api/3/search/jql answered a page whose \"nextPageToken\" is the one"
        + " it was asked with: the search does not move on", e.getMessage());
  }

  /**
   * A search whose tokens go round (A, B, C, A, ...) is stopped within a few pages, not after
   * the page cap: hours of requests at a site's pace (helper-130). Each token the engine holds
   * carries the fingerprint of one before it (Brent's cycle finding).
   */
  @Test
  void aSearchForChangesWhoseTokensGoRoundStops() {
    HostileOrigin jira = http().cloudBasics();
    List<String> round = List.of("A", "B", "C");
    AtomicInteger page = new AtomicInteger();
    jira.on("GET", "/rest/api/3/search/jql",
        r -> cloudPage(round.get(page.getAndIncrement() % round.size())));
    IssueTracker pa = pa(jira, JiraFlavour.CLOUD);

    String token = null;
    JiraAnswerException e = null;
    for (int i = 0; i < 20 && e == null; i++) {
      try {
        token = pa.findUpdatedSince(0, null, 50, token).nextPageToken();
      } catch (JiraAnswerException refused) {
        e = refused;
      }
    }

    assertNotNull(e, "stopped within 20 pages");
    assertEquals("GET /rest/api/3/search/jql answered a page whose \"nextPageToken\" is one it"
        + " gave 7 pages or fewer before: the search goes round", e.getMessage());
    assertEquals(7, jira.requests("GET", "/rest/api/3/search/jql"));
  }

  /** Ever new tokens are no cycle, however many pages: none is taken for one held before. */
  @Test
  void aLongSearchWithNewTokensIsNotTakenForACycle() {
    HostileOrigin jira = http().cloudBasics();
    AtomicInteger page = new AtomicInteger();
    jira.on("GET", "/rest/api/3/search/jql", r -> cloudPage(page.incrementAndGet() < 300
        ? "t" + page.get() : null));
    IssueTracker pa = pa(jira, JiraFlavour.CLOUD);

    String token = null;
    int pages = 0;
    do {
      token = pa.findUpdatedSince(0, null, 50, token).nextPageToken();
      pages++;
    } while (token != null);

    assertEquals(300, pages);
  }

  /** The engine follows a search's tokens to the end: each carries the pages read so far. */
  @Test
  void aSearchForChangesEndsAfterAHundredThousandPages() {
    HostileOrigin jira = http().cloudBasics();
    jira.on("GET", "/rest/api/3/search/jql", r -> cloudPage("next"));
    IssueTracker pa = pa(jira, JiraFlavour.CLOUD);

    assertEquals("99999~next", pa.findUpdatedSince(0, null, 50, "99998~before")
        .nextPageToken());
    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, "99999~before"));

    assertEquals("GET /rest/api/3/search/jql answered a page whose \"nextPageToken\" still says"
        + " more is to come after 100000 pages", e.getMessage());
    assertEquals("nextPageToken", e.field());
  }

  @Test
  void aServerSearchForChangesThatIgnoresStartAtStops() {
    HostileOrigin jira = http().serverBasics();
    jira.on("GET", "/rest/api/2/search", Answer.json("{\"startAt\":0,\"maxResults\":50,"
        + "\"total\":1000,\"issues\":[{\"key\":\"PA-1\",\"fields\":{}}]}"));
    IssueTracker pa = pa(jira, JiraFlavour.SERVER);

    ChangePage first = pa.findUpdatedSince(0, null, 50, null);
    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, "2~s0123456789abcdef~100:0:PA-7"));

    assertEquals("1~s1f67f028516f82d5~1:0:PA-1", first.nextPageToken());
    assertEquals("GET /rest/api/2/search answered a page whose \"startAt\" is 0 where 99 was"
        + " asked: the list does not move on", e.getMessage());
  }

  /** A Server that answers the same page whatever is asked: the search stops, not circles. */
  @Test
  void aServerSearchForChangesWhosePagesDoNotMoveOnStops() {
    HostileOrigin jira = http().serverBasics();
    jira.on("GET", "/rest/api/2/search", r -> Answer.json("{\"total\":1000,\"issues\":"
        + "[{\"key\":\"PA-1\",\"fields\":{}}]}"));
    IssueTracker pa = pa(jira, JiraFlavour.SERVER);

    ChangePage first = pa.findUpdatedSince(0, null, 50, null);
    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, first.nextPageToken()));

    assertEquals("GET /rest/api/2/search answered a page whose \"nextPageToken\" is the one it"
        + " was asked with: the search does not move on", e.getMessage());
    assertEquals(2, jira.requests("GET", "/rest/api/2/search"));
  }

  @Test
  void aServerSearchPageWhoseIssuesAreNoArrayIsRefused() {
    HostileOrigin jira = http().serverBasics();
    jira.on("GET", "/rest/api/2/search", Answer.json("{\"startAt\":0,\"total\":10,"
        + "\"issues\":{\"a\":{\"key\":\"PA-1\",\"fields\":{}}}}"));
    IssueTracker pa = pa(jira, JiraFlavour.SERVER);

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, null));

    assertEquals("GET /rest/api/2/search answered a page whose \"issues\" is an object, not an"
        + " array", e.getMessage());
  }

  /** A bare startAt, the token an engine of an older version holds, is read on from there. */
  @Test
  void aSearchTokenOfAnOlderVersionIsJirasOwn() {
    HostileOrigin jira = http().serverBasics();
    jira.on("GET", "/rest/api/2/search", r -> Answer.json("{\"startAt\":"
        + r.query().replaceAll(".*startAt=(\\d+).*", "$1") + ",\"total\":1000,\"issues\":"
        + "[{\"key\":\"PA-1\",\"fields\":{}}]}"));
    IssueTracker pa = pa(jira, JiraFlavour.SERVER);

    assertEquals("1~s4cade5b3c40d25b8~51:0:PA-1", pa.findUpdatedSince(0, null, 50, "50")
        .nextPageToken());
    assertEquals("2~s4cade5b3c40d25b8~51:0:PA-1", pa.findUpdatedSince(0, null, 50,
        "1~s0123456789abcdef~50").nextPageToken());
    assertEquals(2, jira.requests().stream().filter(q -> q.path().equals("/rest/api/2/search")
        && q.query().endsWith("&startAt=50")).count(), "both asked from the old offset");
  }

  /**
   * A Server token this adapter does not give (a stored resync's, tampered with) is refused
   * before Jira is asked: garbage, a negative or huge offset, a time past a long, a key with
   * characters no key has.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '\'', value = {
      "hello => \"hello\"",
      "3~s0123456789abcdef~garbage => \"garbage\"",
      "-5 => \"-5\"",
      "3~-5:1767261600000:PA-1 => \"-5:1767261600000:PA-1\"",
      "3~0:1767261600000:PA-1 => \"0:1767261600000:PA-1\"",
      "2147483648 => \"2147483648\"",
      "3~2147483648:1767261600000:PA-1 => \"2147483648:1767261600000:PA-1\"",
      "3~300:99999999999999999999:PA-1 => \"300:99999999999999999999:PA-1\"",
      "3~300:1767261600000:PA-1) OR (project = X => \"300:1767261600000:PA-1) OR (project = X\"",
      "3~300:1767261600000:PA-01 => \"300:1767261600000:PA-01\"",
      "3~300:1767261600000: => \"300:1767261600000:\""})
  void aServerSearchTokenThisAdapterDoesNotGiveIsRefused(String token, String shown) {
    HostileOrigin jira = http().serverBasics();
    IssueTracker pa = pa(jira, JiraFlavour.SERVER);

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, token));

    assertEquals("GET /rest/api/2/search cannot go on from the page token " + shown + ": not one"
        + " this adapter gives (an offset from 1 to 2147483647, the last issue's update time in"
        + " epoch milliseconds and its key, as 300:1767261600000:PA-17)", e.getMessage());
    assertEquals("pageToken", e.field());
    assertEquals(0, jira.requests("GET", "/rest/api/2/search"));
  }

  /** A key with a line break cannot forge a line of the log through the refusal. */
  @Test
  void aServerSearchTokenWithALineBreakIsShownEscaped() {
    HostileOrigin jira = http().serverBasics();
    IssueTracker pa = pa(jira, JiraFlavour.SERVER);

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.findUpdatedSince(0, null, 50, "3~300:1767261600000:PA-1\n2026 ERROR"));

    assertTrue(e.getMessage().startsWith("GET /rest/api/2/search cannot go on from the page token"
        + " \"300:1767261600000:PA-1\\n2026 ERROR\": not one"), e.getMessage());
  }

  /**
   * An offset far past the results (the largest Jira takes), with a last issue still there: the
   * search finds its place from the end of the results in two requests, not 32.
   */
  @Test
  void aServerSearchTokenFarPastTheResultsFindsItsPlace() {
    HostileOrigin jira = http().serverBasics();
    String issues = "{\"key\":\"PA-1\",\"fields\":{\"updated\":1767261600000}},"
        + "{\"key\":\"PA-2\",\"fields\":{\"updated\":1767261700000}}";
    jira.on("GET", "/rest/api/2/search", r -> {
      String startAt = r.query().replaceAll(".*startAt=(\\d+).*", "$1");
      return Answer.json("{\"startAt\":" + startAt + ",\"total\":2,\"issues\":["
          + (startAt.equals("0") ? issues : "") + "]}");
    });
    IssueTracker pa = pa(jira, JiraFlavour.SERVER);

    ChangePage page = pa.findUpdatedSince(0, null, 50, "1~2147483647:1767261600000:PA-1");

    assertEquals(List.of("PA-2"), page.issues().stream().map(c -> c.issue().key()).toList());
    assertNull(page.nextPageToken());
    assertEquals(2, jira.requests("GET", "/rest/api/2/search"));
  }

  // ------------------------------------------------------------------ lists that never end

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", value = {
      "comment => {\"startAt\":0,\"total\":2147483647,\"comments\":[ITEM]}"
          + " => \"total\" is 2147483647, more than the 100000 the adapter reads",
      "comment => {\"startAt\":0,\"total\":500,\"comments\":[ITEM]}"
          + " => \"startAt\" is 0 where 1 was asked: the list does not move on",
      "comment => {\"total\":500,\"comments\":[ITEM]} => \"startAt\" is 1 and the page holds"
          + " only items of earlier pages, while its total of 500 says more are to come: the"
          + " list does not move on",
      "worklog => {\"startAt\":0,\"total\":2147483647,\"worklogs\":[ITEM]}"
          + " => \"total\" is 2147483647, more than the 100000 the adapter reads",
      "worklog => {\"total\":500,\"worklogs\":[ITEM]} => \"startAt\" is 1 and the page holds"
          + " only items of earlier pages, while its total of 500 says more are to come: the"
          + " list does not move on"})
  void aListThatIgnoresStartAtOrClaimsTooMuchStops(String list, String page, String refusal) {
    HostileOrigin jira = http().serverBasics();
    jira.on("GET", "/rest/api/2/issue/PA-1/" + list, Answer.json(page.replace("ITEM",
        "{\"id\":\"1\",\"body\":\"hi\",\"comment\":\"hi\",\"timeSpentSeconds\":60,"
        + "\"started\":\"2026-01-01T10:00:00.000+0000\","
        + "\"created\":\"2026-01-01T10:00:00.000+0000\"}")));
    IssueTracker pa = pa(jira, JiraFlavour.SERVER);

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> {
          if (list.equals("comment")) {
            pa.comments("PA-1");
          } else {
            pa.worklogs("PA-1");
          }
        });

    assertEquals("GET /rest/api/2/issue/PA-1/" + list + " answered a page whose " + refusal,
        e.getMessage());
    assertEquals("PA-1", e.issueKey());
  }

  @Test
  void aPagedCreateScreenThatIgnoresStartAtStops() {
    HostileOrigin jira = http().serverBasics();
    jira.on("GET", "/rest/api/2/issue/createmeta/PA/issuetypes/3", Answer.json("{\"startAt\":0,"
        + "\"total\":1000,\"values\":[{\"fieldId\":\"summary\",\"required\":true}]}"));
    IssueTracker pa = pa(jira, JiraFlavour.SERVER);

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.createMetadata("Task"));

    assertEquals("GET /rest/api/2/issue/createmeta/PA/issuetypes/3 answered a page whose"
        + " \"startAt\" is 0 where 1 was asked: the list does not move on", e.getMessage());
  }

  /** A Cloud changelog that claims 2^31-1 entries, every page recent: 21 million pages. */
  @Test
  void aChangelogClaimingMoreThanTheCapIsRefusedAtOnce() {
    HostileOrigin jira = http();
    jira.on("GET", "/rest/api/3/issue/PA-1/changelog", Answer.json("{\"startAt\":0,"
        + "\"total\":2147483647,\"values\":[{\"id\":\"1\",\"created\":"
        + "\"2026-01-01T10:00:00.000+0000\",\"items\":[]}]}"));
    IssueTracker pa = pa(jira, JiraFlavour.CLOUD);

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.changelog("PA-1", 1_700_000_000_000L));

    assertEquals("GET /rest/api/3/issue/PA-1/changelog answered a page whose \"total\" is"
        + " 2147483647, more than the 100000 the adapter reads", e.getMessage());
    assertEquals(1, jira.requests().size());
  }

  @Test
  void aChangelogPageShorterThanItsTotalSaysIsRefused() {
    HostileOrigin jira = http();
    AtomicInteger id = new AtomicInteger();
    jira.on("GET", "/rest/api/3/issue/PA-1/changelog", r -> Answer.json("{\"total\":500,"
        + "\"values\":[{\"id\":\"" + id.incrementAndGet() + "\",\"created\":"
        + "\"2026-01-01T10:00:00.000+0000\",\"items\":[]}]}"));
    IssueTracker pa = pa(jira, JiraFlavour.CLOUD);

    JiraAnswerException e = assertThrows(JiraAnswerException.class,
        () -> pa.changelog("PA-1", 1_700_000_000_000L));

    assertEquals("GET /rest/api/3/issue/PA-1/changelog answered a page whose \"values\" holds 1"
        + " entries at startAt 400, where the total of 500 says 100", e.getMessage());
    assertEquals(2, jira.requests().size());
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
