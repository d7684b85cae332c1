package org.backbonesync.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.transport.EnvelopeSecurity;
import org.backbonesync.transport.HttpTransport;
import org.backbonesync.transport.HttpTransportHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines, one connector each, whose signed envelopes cross over real HTTP through the
 * transport servlet in two servlet containers.
 */
class HttpTransportServletTest {
  private static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef-secret".getBytes(StandardCharsets.UTF_8);
  private final ManualClock clock = ManualClock.startingAt2026();
  private final SyncConfiguration configuration = SyncConfiguration.builder("pa-pb")
      .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
      .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
      .fieldMapping(FieldMapping.passthrough("summary", "summary", Direction.BOTH))
      .fieldMapping(FieldMapping.of("files", "attachments", Direction.BOTH, "attachment",
          "attachment", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()))
      .build();
  private final InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(clock)
      .syncUser("sync-a").users("alice").build();
  private final InMemoryIssueTracker pb = InMemoryIssueTracker.builder("PB").clock(clock)
      .syncUser("sync-b").users("bob").build();
  private final InMemoryStores storesA = new InMemoryStores();
  private final InMemoryStores storesB = new InMemoryStores();
  private final EnvelopeSecurity security = EnvelopeSecurity.builder("pa-pb")
      .key("k1", SECRET).clock(clock).build();
  private final HttpTransportHandler handlerA =
      new HttpTransportHandler(security, storesA.envelopeIds());
  private final HttpTransportHandler handlerB =
      new HttpTransportHandler(security, storesB.envelopeIds());
  private Container siteA;
  private Container siteB;
  private SyncEngine engineA;
  private SyncEngine engineB;

  @BeforeEach
  void start() throws Exception {
    siteA = new Container().serve("/backbone/transport", new HttpTransportServlet(handlerA))
        .start();
    siteB = new Container().serve("/backbone/transport", new HttpTransportServlet(handlerB))
        .start();
    engineA = SyncEngine.builder().configuration(configuration).tracker("PA", pa)
        .transport("PA", HttpTransport.builder(siteB.uri("/backbone/transport"), security,
            "PA", "PB").attachmentIds(storesA.envelopeIds()).build())
        .stores(storesA).clock(clock).build();
    engineB = SyncEngine.builder().configuration(configuration).tracker("PB", pb)
        .transport("PB", HttpTransport.builder(siteA.uri("/backbone/transport"), security,
            "PB", "PA").attachmentIds(storesB.envelopeIds()).build())
        .stores(storesB).clock(clock).build();
    handlerA.connector("PA", "PB", engineA.receiver("PA"), pa);
    handlerB.connector("PB", "PA", engineB.receiver("PB"), pb);
  }

  @AfterEach
  void stop() throws Exception {
    siteA.close();
    siteB.close();
  }

  private void runBoth(int rounds) {
    for (int i = 0; i < rounds; i++) {
      clock.advance(Duration.ofSeconds(10));
      engineA.runOnce();
      engineB.runOnce();
    }
  }

  @Test
  void anIssueAndAnEditCrossBetweenTwoContainersInSignedEnvelopes() {
    String pa1 = pa.as("alice").create("Printer on fire");
    runBoth(3);

    assertEquals("Printer on fire", pb.value("PB-1", "summary").asText());
    assertEquals("PB-1", engineA.syncInformation("PA").get(0).remoteIssueKey());
    assertEquals(0, storesA.messages().outgoingCount("PA"), "acknowledged through the servlet");

    pb.as("bob").edit("PB-1", "summary", "Printer on fire, second floor");
    runBoth(3);
    assertEquals("Printer on fire, second floor", pa.value(pa1, "summary").asText());
    assertTrue(handlerA.rejected().isEmpty() && handlerB.rejected().isEmpty());
  }

  @Test
  void aFileAttachedOnOneSiteIsStreamedToTheOtherThroughTheServlet() throws Exception {
    pa.as("alice").create("Printer on fire");
    runBoth(3);
    byte[] smoke = new byte[200_000];
    new java.util.Random(1).nextBytes(smoke);
    pa.as("alice").upload("PA-1", "smoke.bin", "application/octet-stream",
        new java.io.ByteArrayInputStream(smoke));
    runBoth(3);

    assertEquals(1, pb.attachments("PB-1").size());
    try (java.io.InputStream in = pb.download(pb.attachments("PB-1").get(0).id())) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(smoke, in.readAllBytes());
    }
    assertTrue(handlerA.rejected().isEmpty(), handlerA.rejected().toString());
  }

  @Test
  void anUnsignedPostOrGetIsRefusedWithItsReasonAndAPutWith405() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> forged = client.send(HttpRequest.newBuilder(
            siteB.uri("/backbone/transport"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"not\": \"an envelope\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> get = client.send(HttpRequest.newBuilder(
            siteB.uri("/backbone/transport")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> put = client.send(HttpRequest.newBuilder(
            siteB.uri("/backbone/transport")).PUT(HttpRequest.BodyPublishers.ofString("x"))
            .build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(400, forged.statusCode(), forged.body());
    assertTrue(forged.body().contains("no envelope header line"), forged.body());
    assertEquals(401, get.statusCode(), "a GET is a content request, and this one is unsigned");
    assertEquals("Backbone", get.headers().firstValue("WWW-Authenticate").orElseThrow());
    assertTrue(get.body().contains("a signed content request is needed"), get.body());
    assertEquals(1, handlerB.rejected().values().stream().mapToLong(Long::longValue).sum(),
        "a GET without credentials is HTTP's first step, not a refusal: "
        + handlerB.rejected());
    assertEquals(405, put.statusCode());
    assertEquals("GET, POST", put.headers().firstValue("Allow").orElseThrow());
    assertEquals(0, storesB.messages().incomingCount("PB"));
  }

  /**
   * Found by an attacker-style trial of the webhooks, where two signature headers had the first
   * one checked: a content request with two {@code Authorization} headers is refused as such.
   */
  @Test
  void aContentRequestWithTwoAuthorizationHeadersIsRefusedSayingSo() throws Exception {
    HttpResponse<String> twice = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            siteB.uri("/backbone/transport")).header("Authorization", "Backbone AAAA")
            .header("Authorization", "Backbone BBBB").GET().build(),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(401, twice.statusCode(), twice.body());
    assertEquals("MALFORMED: the Authorization header was given 2 times; a content request"
        + " carries one",
        twice.body().strip());
  }
}
