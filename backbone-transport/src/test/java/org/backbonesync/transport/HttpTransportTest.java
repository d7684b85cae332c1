package org.backbonesync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.RecordingListener;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two engines in one JVM, one connector each, talking over real HTTP on 127.0.0.1. */
class HttpTransportTest {
  private final TwoSites sites = new TwoSites();
  private final ManualClock clock = sites.clock;
  private final EnvelopeSecurity security = sites.security().maxEnvelopeBytes(256 * 1024).build();
  private final InMemoryIssueTracker pa = sites.pa;
  private final InMemoryIssueTracker pb = sites.pb;
  private final RecordingListener eventsB = new RecordingListener();
  private final AtomicInteger postsToB = new AtomicInteger();
  private HttpServer serverA;
  private HttpServer serverB;
  private HttpTransportHandler handlerA;
  private HttpTransportHandler handlerB;
  private SyncEngine engineA;
  private SyncEngine engineB;

  private HttpServer serve(HttpTransportHandler handler, int port, AtomicInteger posts)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        port), 0);
    server.createContext("/backbone/transport", exchange -> {
      posts.incrementAndGet();
      HttpTransportHandler.Response r = handler.handle(exchange.getRequestMethod(),
          exchange.getRequestBody());
      exchange.getResponseHeaders().set("Content-Type", r.contentType());
      exchange.sendResponseHeaders(r.status(), r.body().length);
      exchange.getResponseBody().write(r.body());
      exchange.close();
    });
    server.start();
    return server;
  }

  private static URI endpoint(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort()
        + "/backbone/transport");
  }

  private void start(int maxBatchMessages) throws IOException {
    handlerA = new HttpTransportHandler(security, sites.storesA.envelopeIds());
    handlerB = new HttpTransportHandler(security, sites.storesB.envelopeIds());
    serverA = serve(handlerA, 0, new AtomicInteger());
    serverB = serve(handlerB, 0, postsToB);
    engineA = sites.engine("PA", HttpTransport.builder(endpoint(serverB), security, "PA", "PB")
        .maxBatchMessages(maxBatchMessages).build()).build();
    engineB = sites.engine("PB", HttpTransport.builder(endpoint(serverA), security, "PB", "PA")
        .build()).listener(eventsB).build();
    handlerA.connector("PA", "PB", engineA.receiver("PA"));
    handlerB.connector("PB", "PA", engineB.receiver("PB"));
  }

  @AfterEach
  void stop() {
    if (serverA != null) {
      serverA.stop(0);
    }
    if (serverB != null) {
      serverB.stop(0);
    }
  }

  private void runBoth(int rounds) {
    for (int i = 0; i < rounds; i++) {
      clock.advance(Duration.ofSeconds(10));
      engineA.runOnce();
      engineB.runOnce();
    }
  }

  @Test
  void anIssueAndItsEditsCrossOverHttpBothWays() throws Exception {
    start(100);
    String pa1 = pa.as("alice").create("Printer on fire");
    runBoth(3);

    assertEquals(1, pb.allIssues().size());
    assertEquals("Printer on fire", pb.value("PB-1", "summary").asText());
    assertEquals("PB-1", engineA.syncInformation("PA").get(0).remoteIssueKey());

    pb.as("bob").edit("PB-1", "summary", "Printer on fire, second floor");
    runBoth(3);
    assertEquals("Printer on fire, second floor", pa.value(pa1, "summary").asText());
  }

  @Test
  void aPartnerDownForAWhileGetsEveryChangeOnceAndInOrderWhenItComesBack() throws Exception {
    start(100);
    String pa1 = pa.as("alice").create("Printer on fire");
    runBoth(3);
    int port = serverB.getAddress().getPort();
    serverB.stop(0);

    for (int i = 1; i <= 3; i++) {
      pa.as("alice").edit(pa1, "summary", "edit " + i);
      clock.advance(Duration.ofSeconds(10));
      engineA.runOnce(); // delivery fails; the messages stay in A's outbox
    }
    assertEquals("Printer on fire", pb.value("PB-1", "summary").asText());

    serverB = serve(handlerB, port, postsToB);
    runBoth(40); // past the engine's delivery backoff

    assertEquals("edit 3", pb.value("PB-1", "summary").asText());
    List<Long> applied = eventsB.events(RecordingListener.Type.APPLIED).stream()
        .map(e -> e.message().sequenceId()).toList();
    assertEquals(List.copyOf(new java.util.TreeSet<>(applied)), applied, "once each, in order");
  }

  @Test
  void batchesAreBoundedInCount() throws Exception {
    start(2);
    for (int i = 1; i <= 5; i++) {
      pa.as("alice").create("Issue " + i);
    }
    clock.advance(Duration.ofSeconds(10));
    engineA.poll("PA");
    postsToB.set(0);

    engineA.deliver("PA");

    assertEquals(3, postsToB.get(), "5 messages in envelopes of at most 2");
    engineB.runOnce();
    assertEquals(5, pb.allIssues().size(), "all five stored and applied");
  }

  @Test
  void envelopesSignedWithAnotherSecretOrForAnotherConnectorAreRefusedAndTouchNothing()
      throws Exception {
    start(100);
    EnvelopeSecurity stranger = EnvelopeSecurity.builder("pa-pb")
        .key("k1", "a-guessed-secret-of-at-least-32-bytes".getBytes(StandardCharsets.UTF_8))
        .clock(clock).build();
    HttpTransport forged = HttpTransport.builder(endpoint(serverB), stranger, "PA", "PB").build();
    HttpTransport notPartner = HttpTransport.builder(endpoint(serverB), security, "PC", "PB")
        .build();

    RetriableException e = assertThrows(RetriableException.class,
        () -> forged.send(List.of(EnvelopesTest.message("PA", "PB", 1))));
    assertTrue(e.getMessage().contains("answered 401: BAD_SIGNATURE"), e.getMessage());
    RetriableException e2 = assertThrows(RetriableException.class,
        () -> notPartner.send(List.of(EnvelopesTest.message("PC", "PB", 1))));
    assertTrue(e2.getMessage().contains("answered 403: NOT_PARTNER"), e2.getMessage());

    engineB.runOnce();
    assertEquals(0, pb.allIssues().size());
    assertEquals(Map.of(Reason.BAD_SIGNATURE, 1L, Reason.NOT_PARTNER, 1L), handlerB.rejected());
  }

  @Test
  void aBodyLargerThanTheLimitIsRefusedWith413() throws Exception {
    start(100);
    byte[] big = new byte[2 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) '[');
    byte[] header = "BACKBONE-ENVELOPE/1 k1 AAAA\n".getBytes(StandardCharsets.US_ASCII);
    byte[] body = new byte[header.length + big.length];
    System.arraycopy(header, 0, body, 0, header.length);
    System.arraycopy(big, 0, body, header.length, big.length);

    HttpResponse<String> r;
    try {
      r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint(serverB))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException closedWhileSending) {
      // the server may close the connection before the client finished sending 2 MB
      assertEquals(Map.of(Reason.TOO_LARGE, 1L), handlerB.rejected());
      return;
    }
    assertEquals(413, r.statusCode());
    assertTrue(r.body().startsWith("TOO_LARGE: more than 262144 bytes"), r.body());
    assertEquals(Map.of(Reason.TOO_LARGE, 1L), handlerB.rejected());
  }
}
