package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.PartnerGone;
import org.backbonesync.jira.internal.Adf;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.testkit.FakeJiraWebhooks;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.ManualScheduler;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks end to end over HTTP: two fake Jira sites send signed webhooks for every write to an
 * endpoint serving {@link JiraWebhookHandler}; a started engine (its scheduler run by the test)
 * reads the hinted issues through the adapter and applies what arrives at once.
 */
class JiraWebhookSyncTest {
  private static final String SECRET = "registered-with-the-webhook";

  private final AtomicReference<JiraWebhookHandler> handler = new AtomicReference<>();
  private HttpServer endpoint;
  private final ManualClock clock = ManualClock.startingAt2026();
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private JiraPair pair;

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
    if (endpoint != null) {
      endpoint.stop(0);
    }
  }

  /** A started engine over two sites whose first run has synced PA-1 - PB-1. */
  private SyncTestDriver started(String jqlA) throws IOException {
    return started(c -> jqlA == null ? c : c.withJql(jqlA), jqlA == null);
  }

  private SyncTestDriver started(UnaryOperator<ConnectorConfig> connectorA, boolean inScope)
      throws IOException {
    return started(JiraPair.Flavours.CLOUD_SERVER, connectorA, inScope);
  }

  private SyncTestDriver started(JiraPair.Flavours flavours,
      UnaryOperator<ConnectorConfig> connectorA, boolean inScope) throws IOException {
    endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoint.createContext("/webhook", exchange -> {
      JiraWebhookHandler.Response answer = handler.get().handle(exchange.getRequestMethod(),
          exchange.getRequestHeaders()::getFirst, exchange.getRequestBody());
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    endpoint.start();
    URI url = webhookUrl();
    pair = new JiraPair(flavours, clock, b -> b
        .connectorA(connectorA)
        .engine(e -> e.scheduler(scheduler).pollInterval(Duration.ofSeconds(30))),
        s -> s.webhook(url, SECRET));
    SyncTestDriver sync = pair.sync;
    handler.set(JiraWebhookHandler.builder().secret(SECRET).clock(clock)
        .syncUser(pair.siteA().project.user()).syncUser(pair.siteB().project.user())
        .project("PA", sync.engine().changeHints("PA"))
        .project("PB", sync.engine().changeHints("PB")).build());
    sync.a("alice").create(inScope ? "Printer on fire" : "Not synced");
    sync.engine().start();
    scheduler.runDue();
    clock.advance(Duration.ofSeconds(1));
    pair.clearRequests();
    return sync;
  }

  private URI webhookUrl() {
    return URI.create("http://127.0.0.1:" + endpoint.getAddress().getPort() + "/webhook");
  }

  private long keyedSearches(FakeSite site) {
    return site.server.requests().stream()
        .filter(r -> r.path().contains("/search") && r.query().contains("issuekey in")).count();
  }

  private long allSearches(FakeSite site) {
    return site.server.requests().stream().filter(r -> r.path().contains("/search")).count();
  }

  @Test
  void anEditOnAReachesBAfterOneWebhookWithoutAPoll() throws IOException {
    SyncTestDriver sync = started(null);

    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    scheduler.runDue(); // the clock stands still: no poll is due

    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText());
    assertEquals(1, keyedSearches(pair.siteA()), "PA-1 read once");
    assertEquals(1, allSearches(pair.siteA()), "and no poll");
    assertEquals(0, allSearches(pair.siteB()), "B's write was the sync user's: no search");
    assertTrue(pair.siteA().server.webhooks().answers().stream().allMatch(s -> s == 202),
        pair.siteA().server.webhooks().answers().toString());
  }

  @Test
  void aRichDescriptionReachesACloudBAsItsDocumentAfterOneWebhook() throws IOException {
    SyncTestDriver sync = started(JiraPair.Flavours.CLOUD_CLOUD, c -> c, true);
    String adf = "{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"expand\","
        + "\"attrs\":{\"title\":\"Logs\"},\"content\":[{\"type\":\"paragraph\","
        + "\"content\":[{\"type\":\"text\",\"text\":\"E42\"}]}]}]}";

    sync.a("alice").edit("PA-1", "description", InMemoryIssueTracker.text(adf));
    scheduler.runDue();

    assertEquals(adf, sync.b().value("PB-1", "description").asText(), "the expand as on A");
    assertEquals(1, keyedSearches(pair.siteA()), "PA-1 read once");
  }

  @Test
  void anIssueDeletedOnBIsMarkedOnAAfterOneWebhook() throws IOException {
    SyncTestDriver sync = started(c -> c.withOnPartnerGone(PartnerGone.mark()), true);

    sync.b("bob").delete("PB-1");
    scheduler.runDue(); // the clock stands still: no poll is due

    List<Comment> comments = sync.a().comments("PA-1");
    assertEquals(1, comments.size(), comments.toString());
    String body = comments.get(0).body(); // ADF on Cloud
    String text = body.startsWith("{") ? Adf.toWiki(new ObjectMapper().readTree(body)) : body;
    assertEquals("The synced partner issue PB-1 was deleted; this issue is no longer synced.",
        text);
    assertEquals("[\"sync-partner-gone\"]", sync.a().value("PA-1", "labels").toString());
    assertTrue(sync.syncInfoA().get(0).incomingChangesIgnored());
    assertTrue(sync.syncInfoB().get(0).incomingChangesIgnored());
  }

  @Test
  void anIssueMovedAwayFromBIsMarkedNotDeletedOnAAfterOneWebhook() throws IOException {
    SyncTestDriver sync = started(c -> c.withOnPartnerGone(PartnerGone.delete()), true);

    sync.b("bob").move("PB-1", "PX-1");
    scheduler.runDue();

    assertEquals("[\"sync-partner-gone\"]", sync.a().value("PA-1", "labels").toString(),
        "a move (or a project's key renamed) is marked, never deleted");
    assertEquals(0, pair.siteA().server.count("DELETE", "/issue/"));
    assertEquals("Printer on fire", sync.b().value("PX-1", "summary").asText(),
        "the moved issue is left where it went");
    assertTrue(sync.syncInfoB().get(0).incomingChangesIgnored());
  }

  @Test
  void anIssueLabelledOutOfAsJqlIsUnlinkedAfterOneWebhook() throws IOException {
    SyncTestDriver sync = started(c -> c.withJql("labels != private"), true);

    sync.a("alice").edit("PA-1", "labels", org.backbonesync.testkit.InMemoryIssueTracker
        .strings("private"));
    scheduler.runDue(); // the clock stands still: no poll is due

    assertTrue(sync.syncInfoA().get(0).incomingChangesIgnored(), "A unlinked at once");
    assertTrue(sync.syncInfoB().get(0).incomingChangesIgnored(), "B was told");
    assertEquals(0, allSearches(pair.siteB()), "B wrote nothing and searched nothing");
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void anIssueDeletedOnBIsDeletedOnAAfterOneWebhook() throws IOException {
    SyncTestDriver sync = started(c -> c.withOnPartnerGone(PartnerGone.delete()), true);

    sync.b("bob").delete("PB-1");
    scheduler.runDue();

    assertTrue(sync.a().issue("PA-1").isEmpty(), "deleted on A");
    assertEquals(1, pair.siteA().server.count("DELETE", "/issue/PA-1"));
  }

  @Test
  void aLostWebhookIsCaughtByTheNextPoll() throws IOException {
    SyncTestDriver sync = started(null);
    pair.siteA().server.webhooks().inject(FakeJiraWebhooks.Fault.LOSE, 1);

    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    scheduler.runDue();
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText(), "lost");
    clock.advance(Duration.ofSeconds(30));
    scheduler.runDue();

    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void repeatedAndReorderedWebhooksReadEachIssueOnce() throws IOException {
    SyncTestDriver sync = started(null);
    sync.a("alice").create("Stapler missing");
    scheduler.runDue();
    pair.clearRequests();
    FakeJiraWebhooks hooks = pair.siteA().server.webhooks();
    hooks.inject(FakeJiraWebhooks.Fault.HOLD, 2);

    sync.a("alice").edit("PA-1", "priority", "Low");
    sync.a("alice").edit("PA-2", "priority", "High");
    hooks.inject(FakeJiraWebhooks.Fault.REPEAT, 1);
    hooks.releaseReversed();
    scheduler.runDue();

    assertEquals("Low", sync.b().value("PB-1", "priority").asText());
    assertEquals("High", sync.b().value("PB-2", "priority").asText());
    assertEquals(1, keyedSearches(pair.siteA()), "both in one search");
    assertEquals(List.of(202, 202), hooks.answers().subList(hooks.answers().size() - 2,
        hooks.answers().size()), "the held two, the second taken once");
  }

  @Test
  void forgedUnsignedReplayedOrOversizedWebhooksTriggerNothing() throws Exception {
    SyncTestDriver sync = started(null);
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    scheduler.runDue();
    pair.clearRequests();
    int waiting = scheduler.pending();
    String body = "{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{\"key\":\"PA-1\"}}";
    HttpClient http = HttpClient.newHttpClient();

    int unsigned = send(http, body, null, "x-1");
    int forged = send(http, body, "sha256=" + "ab".repeat(32), "x-2");
    int oversized = send(http, "{\"webhookEvent\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}",
        null, "x-3");
    int replayed = send(http, body, null, pair.siteA().server.url() + "/webhook/1");

    assertEquals(List.of(401, 401, 413, 401), List.of(unsigned, forged, oversized, replayed));
    assertEquals(waiting, scheduler.pending(), "nothing scheduled");
    scheduler.runDue();
    assertEquals(0, allSearches(pair.siteA()), "nothing read");
  }

  private int send(HttpClient http, String body, String signature, String id) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(webhookUrl())
        .header("X-Atlassian-Webhook-Identifier", id)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      request.header("X-Hub-Signature", signature);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void aWebhookForAnIssueOutsideTheScopeTriggersNothing() throws IOException {
    SyncTestDriver sync = started("labels = sync");

    sync.a("alice").edit("PA-1", "summary", "Still not synced");
    scheduler.runDue();

    assertEquals(0, sync.b().allIssues().size());
    assertEquals(1, keyedSearches(pair.siteA()), "asked for PA-1 within the scope: none");
    assertEquals(0, sync.stores().messages().outgoingCount("PA"));
  }
}
