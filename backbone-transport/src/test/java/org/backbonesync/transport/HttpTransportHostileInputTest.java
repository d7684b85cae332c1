package org.backbonesync.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.message.FieldValue;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.spi.transport.MessageReceiver;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.junit.jupiter.api.AfterEach;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.transport.AttachmentContent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attacker on the network, or a partner with other limits, sends to the HTTP transport,
 * over real sockets on 127.0.0.1: each refusal is answered with its status and reason, and B's
 * inbox is unchanged by it.
 */
class HttpTransportHostileInputTest {
  private final TwoSites sites = new TwoSites();
  private final ManualClock clock = sites.clock;
  private final EnvelopeSecurity security = sites.security().maxEnvelopeBytes(256 * 1024)
      .build();
  private final InMemoryStores storesB = sites.storesB;
  private final List<HttpServer> servers = new ArrayList<>();
  private SyncEngine engineB;
  private HttpTransportHandler handlerB;
  private URI endpointB;

  private URI serve(HttpTransportHandler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    server.createContext("/backbone/transport", exchange -> {
      HttpTransportHandler.Response r = handler.handle(exchange.getRequestMethod(),
          exchange.getRequestBody());
      exchange.getResponseHeaders().set("Content-Type", r.contentType());
      exchange.sendResponseHeaders(r.status(), r.body().length);
      exchange.getResponseBody().write(r.body());
      exchange.close();
    });
    server.start();
    servers.add(server);
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort()
        + "/backbone/transport");
  }

  /** Site B: its engine, and its handler over HTTP. */
  private void startB(EnvelopeSecurity securityB) throws IOException {
    engineB = sites.engine("PB", messages -> Set.of()).build();
    handlerB = new HttpTransportHandler(securityB, storesB.envelopeIds())
        .connector("PB", "PA", engineB.receiver("PB"));
    endpointB = serve(handlerB);
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  private static SyncMessage message(int n, int summaryBytes) {
    return SyncMessage.builder().messageId("PA:PA-" + n + ":1:1").synchronizationId("pa-pb")
        .fromConnector("PA").toConnector("PB").sourceIssueKey("PA-" + n).sequenceId(1)
        .kind(MessageKind.CHANGE).issueType("Task").createdAt(1)
        .fields(Map.of("summary",
            new FieldValue(TextNode.valueOf("x".repeat(summaryBytes)), 1, "alice")))
        .build();
  }

  private byte[] envelope(SyncMessage... messages) {
    List<byte[]> encoded = new ArrayList<>();
    for (SyncMessage m : messages) {
      encoded.add(new MessageCodec().encode(m));
    }
    return Envelopes.seal(security, Envelopes.MESSAGES, "PA", "PB", encoded, List.of());
  }

  private HttpResponse<String> post(byte[] body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpointB)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int inboxB() {
    return storesB.messages().incomingCount("PB");
  }

  /**
   * An endpoint or timeout every delivery would fail on, or that would show a password in
   * toString and every failure's text, is refused when built, naming the setting (helper-92).
   */
  @Test
  void aBuilderRefusesAnEndpointOrTimeoutEveryDeliveryWouldFailOn() {
    IllegalArgumentException userPart = assertThrows(IllegalArgumentException.class,
        () -> HttpTransport.builder(URI.create("https://bob:hunter2@partner.example/backbone"),
            security, "PA", "PB"));
    assertEquals("endpoint must not have a user part (the envelopes are signed; nothing else is"
        + " sent), was https://***@partner.example...", userPart.getMessage());
    assertEquals("endpoint must be an http or https URL with a host, was"
        + " \"dev.example.com/backbone\"", assertThrows(IllegalArgumentException.class,
            () -> HttpTransport.builder(URI.create("dev.example.com/backbone"), security, "PA",
                "PB")).getMessage());
    // helper-129: a gateway key in the query was taken, and shown by toString and every failure
    assertEquals("endpoint must not have a query or a fragment (the envelopes are signed; nothing"
        + " else is sent), was \"https://partner.example/backbone?…\"",
        assertThrows(IllegalArgumentException.class, () -> HttpTransport.builder(
            URI.create("https://partner.example/backbone?apikey=hunter2"), security, "PA", "PB"))
            .getMessage());
    assertEquals("endpoint must not have a query or a fragment (the envelopes are signed; nothing"
        + " else is sent), was \"https:///backbone?…#…\"",
        assertThrows(IllegalArgumentException.class, () -> HttpTransport.builder(
            URI.create("https:///backbone?apikey=hunter2#x"), security, "PA", "PB"))
            .getMessage());
    URI somewhere = URI.create("http://127.0.0.1:9/backbone");
    assertEquals("fromConnector must be a connector key (printable, not blank), was \" \"",
        assertThrows(IllegalArgumentException.class,
            () -> HttpTransport.builder(somewhere, security, " ", "PB")).getMessage());
    assertEquals("toConnector must be a connector key (printable, not blank), was \"P?B\"",
        assertThrows(IllegalArgumentException.class,
            () -> HttpTransport.builder(somewhere, security, "PA", "P\nB")).getMessage());
    assertEquals("toConnector must be the partner's connector, not this one: both were \"PA\"",
        assertThrows(IllegalArgumentException.class,
            () -> HttpTransport.builder(somewhere, security, "PA", "PA")).getMessage());
    HttpTransport.Builder builder = HttpTransport.builder(somewhere, security, "PA", "PB");
    assertEquals("timeout must be from 1 ms to 1 day, was PT-1S", assertThrows(
        IllegalArgumentException.class, () -> builder.timeout(Duration.ofSeconds(-1)))
        .getMessage());
    assertEquals("timeout must be from 1 ms to 1 day, was PT0S", assertThrows(
        IllegalArgumentException.class, () -> builder.timeout(Duration.ZERO)).getMessage());
    // found in a review: an announcement's expiry, now + contentRetention, wrapped to a time
    // long past (forgotten at once), or failed each send on the overflow
    assertEquals("contentRetention must be from 1 ms to 365 days, was PT2562047788015215H30M7S",
        assertThrows(IllegalArgumentException.class, () -> builder.contentRetention(
            Duration.ofSeconds(Long.MAX_VALUE))).getMessage());
    assertEquals("contentRetention must be from 1 ms to 365 days, was PT-1S", assertThrows(
        IllegalArgumentException.class, () -> builder.contentRetention(Duration.ofSeconds(-1)))
        .getMessage());
    // and a replay guard's id was remembered until timestamp + window, wrapped likewise
    EnvelopeSecurity.Builder secure = EnvelopeSecurity.builder("pa-pb");
    assertEquals("window must be from 1 ms to 1 day, was PT2562047788015H12M55.807S",
        assertThrows(IllegalArgumentException.class, () -> secure.window(
            Duration.ofMillis(Long.MAX_VALUE))).getMessage());
    assertEquals("window must be from 1 ms to 1 day, was PT24H0.001S", assertThrows(
        IllegalArgumentException.class, () -> secure.window(Duration.ofDays(1).plusMillis(1)))
        .getMessage());
    secure.window(Duration.ofDays(1));
    builder.contentRetention(Duration.ofDays(365));
  }

  /**
   * A partner's message whose id holds a line break is refused by B's receiver and not
   * acknowledged; the others of its envelope are stored. The handler's warning names it escaped:
   * raw, the id forged a log line of its own (helper-128).
   */
  @Test
  void aMessageIdWithALineBreakForgesNoLogLine() throws Exception {
    startB(security);
    SyncMessage forged = SyncMessage.builder().messageId("PA:PA-2:1:1\nERROR forged")
        .synchronizationId("pa-pb").fromConnector("PA").toConnector("PB").sourceIssueKey("PA-2")
        .sequenceId(1).kind(MessageKind.CHANGE).issueType("Task").createdAt(1).build();
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
    HttpResponse<String> answer;
    System.setErr(new java.io.PrintStream(logged, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      answer = post(envelope(message(1, 10), forged));
    } finally {
      System.setErr(err);
    }

    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals(1, inboxB(), "the other message stored");
    String log = logged.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(log.contains("message PA:PA-2:1:1?ERROR forged not stored"), log);
    assertTrue(log.lines().noneMatch(line -> line.startsWith("ERROR forged")), log);
  }

  @Test
  void aReplayInsideTheWindowIsRefusedWith409() throws Exception {
    startB(security);
    byte[] captured = envelope(message(1, 10));
    assertEquals(200, post(captured).statusCode());
    storesB.messages().removeIncoming("PB", "PA:PA-1:1:1"); // applied meanwhile
    clock.advance(Duration.ofMinutes(5));

    HttpResponse<String> replay = post(captured);

    assertEquals(409, replay.statusCode());
    assertTrue(replay.body().matches("DUPLICATE: envelope [0-9a-f-]{36} was taken already"),
        replay.body());
    assertEquals(0, inboxB());
    assertEquals(Map.of(Reason.DUPLICATE, 1L), handlerB.rejected());
  }

  @Test
  void aReplayWithCurlFromOutsideIsRefusedAfterARestartToo(@TempDir Path dir) throws Exception {
    startB(security);
    Path captured = Files.write(dir.resolve("captured.env"), envelope(message(1, 10)));
    assertEquals("200", replay(captured));
    storesB.messages().removeIncoming("PB", "PA:PA-1:1:1");

    // B restarts: a new handler on the same stores
    handlerB = new HttpTransportHandler(security, storesB.envelopeIds())
        .connector("PB", "PA", engineB.receiver("PB"));
    endpointB = serve(handlerB);

    assertEquals("409", replay(captured));
    assertEquals(0, inboxB());
  }

  /** Posts captured bytes as another client would replay them; answers the status code. */
  private String replay(Path body) throws Exception {
    HttpResponse<Void> answer = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(endpointB).POST(HttpRequest.BodyPublishers.ofFile(body)).build(),
        HttpResponse.BodyHandlers.discarding());
    return String.valueOf(answer.statusCode());
  }

  @Test
  void aMessageLargerThanThePartnersLimitBlocksNothingAndWaitsInTheOutbox() throws Exception {
    startB(security);
    HttpTransport transportA = HttpTransport.builder(endpointB, security, "PA", "PB").build();
    SyncEngine engineA = sites.engine("PA", transportA).build();
    sites.pa.as("alice").create("Printer on fire");
    sites.pa.as("alice").create("x".repeat(300 * 1024)); // larger than B's 256 KiB envelopes
    sites.pa.as("alice").create("Paper jam");

    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(30));
      engineA.runOnce();
      engineB.runOnce();
    }

    assertEquals(List.of("Printer on fire", "Paper jam"), sites.pb.allIssues().stream()
        .map(i -> i.field("summary").asText()).toList());
    assertEquals(1, sites.storesA.messages().outgoingCount("PA"), "kept to send later");
    String why = transportA.undeliverable().entrySet().stream()
        .filter(e -> e.getKey().startsWith("PA:PA-2:")).map(Map.Entry::getValue).findFirst()
        .orElse(null);
    assertNotNull(why, transportA.undeliverable().toString());
    assertTrue(why.contains("of PA-2 needs an envelope of 307") && why.contains(
        "the partner accepts at most 262144"), transportA.undeliverable().toString());
    assertEquals(Map.of(), handlerB.rejected(), "never sent, so never refused");
    // the engine parks it for an admin instead of trying it again and again
    var parked = engineA.undeliverableMessages("PA");
    assertEquals(1, parked.size());
    assertEquals("PA-2", parked.get(0).message().sourceIssueKey());
    assertEquals(1, parked.get(0).attempts());
    assertTrue(parked.get(0).lastError().startsWith("undeliverable: "), parked.get(0).lastError());
  }

  @Test
  void aPartnerWithALowerLimitGetsSmallerEnvelopes() throws Exception {
    EnvelopeSecurity lower = sites.security().maxEnvelopeBytes(150 * 1024).build();
    startB(lower);
    EnvelopeSecurity higher = sites.security().maxEnvelopeBytes(1024 * 1024).build();
    HttpTransport transportA = HttpTransport.builder(endpointB, higher, "PA", "PB").build();

    Set<String> acked = transportA.send(List.of(message(1, 100 * 1024), message(2, 100 * 1024),
        message(3, 100 * 1024), message(4, 200 * 1024)));

    assertEquals(Set.of("PA:PA-1:1:1", "PA:PA-2:1:1", "PA:PA-3:1:1"), acked);
    assertTrue(transportA.undeliverable().get("PA:PA-4:1:1").contains("refused by the partner"
        + " as too large: TOO_LARGE: more than 153600 bytes"),
        transportA.undeliverable().toString());
    assertEquals(3, inboxB());
  }

  @Test
  void aSignedEnvelopeWithAKeyTwiceIsRefusedWith400() throws Exception {
    startB(security);
    String body = Forge.body(envelope(message(1, 10)));

    HttpResponse<String> r = post(Forge.signed(body.replace("\"sequenceId\":1",
        "\"sequenceId\":1,\"sequenceId\":2")));

    assertEquals(400, r.statusCode());
    assertTrue(r.body().startsWith("MALFORMED: the body is not JSON: Duplicate field"
        + " 'sequenceId'"), r.body());
    assertEquals(0, inboxB());
  }

  @Test
  void deepNestingIsRefusedWith400() throws Exception {
    startB(security);
    String body = Forge.body(envelope(message(1, 10)));

    HttpResponse<String> r = post(Forge.signed(body.replace("\"xxxxxxxxxx\"",
        "[".repeat(50_000))));

    assertEquals(400, r.statusCode());
    assertTrue(r.body().startsWith("LIMIT: Document nesting depth"), r.body());
    assertEquals(0, inboxB());
  }

  @Test
  void aCutEnvelopeIsRefused() throws Exception {
    startB(security);
    byte[] whole = envelope(message(1, 10));

    HttpResponse<String> r = post(java.util.Arrays.copyOf(whole, whole.length - 5));

    assertEquals(401, r.statusCode());
    assertTrue(r.body().startsWith("BAD_SIGNATURE"), r.body());
    assertEquals(0, inboxB());
  }

  @Test
  void aStoreThatFailsIsA503AndStoresNothing() throws Exception {
    engineB = sites.engine("PB", messages -> Set.of()).build();
    EnvelopeIdStore down = new EnvelopeIdStore() {
      @Override
      public boolean remember(String scope, String id, long expiresAt, long now) {
        throw new IllegalStateException("database connection lost");
      }

      @Override
      public boolean isRemembered(String scope, String id, long now) {
        throw new IllegalStateException("database connection lost");
      }

      @Override
      public int forgetExpired(long now) {
        return 0;
      }
    };
    handlerB = new HttpTransportHandler(security, down)
        .connector("PB", "PA", engineB.receiver("PB"));
    endpointB = serve(handlerB);

    HttpResponse<String> r = post(envelope(message(1, 10)));

    assertEquals(503, r.statusCode());
    assertEquals("the envelope cannot be taken now; send it again later", r.body());
    assertEquals(0, inboxB());
  }

  /**
   * Starts B's handler over the engine's receiver wrapped to record each call (the list it
   * answers) and, while {@code down[0]}, to fail a batch with {@code batchFailure} and the
   * message {@code failingId} (if any) as a store that went down.
   */
  private List<String> startBFailingWhileDown(boolean[] down, RuntimeException batchFailure,
      String failingId) throws IOException {
    engineB = sites.engine("PB", messages -> Set.of()).build();
    MessageReceiver stored = engineB.receiver("PB");
    List<String> tried = new ArrayList<>();
    MessageReceiver receiver = new MessageReceiver() {
      @Override
      public boolean receive(SyncMessage m) {
        tried.add("receive " + m.messageId());
        if (down[0] && m.messageId().equals(failingId)) {
          throw new RetriableException("database operation failed (SQL state 08006)", null);
        }
        return stored.receive(m);
      }

      @Override
      public Set<String> receiveAll(List<SyncMessage> messages) {
        tried.add("receiveAll " + messages.size());
        if (down[0]) {
          throw batchFailure;
        }
        return stored.receiveAll(messages);
      }
    };
    handlerB = new HttpTransportHandler(security, storesB.envelopeIds())
        .connector("PB", "PA", receiver);
    endpointB = serve(handlerB);
    return tried;
  }

  /**
   * A receiver whose store is down (a {@link RetriableException}) is not tried message by
   * message: each would fail alike and be logged, for every envelope of an outage. The envelope
   * is answered 503 and the sender sends it all again. Before, the handler tried each message
   * after the batch failed and answered 200 acknowledging none (FileDrop stopped at once).
   */
  @Test
  void aStoreThatIsDownIsNotTriedMessageByMessage() throws Exception {
    boolean[] down = {true};
    List<String> tried = startBFailingWhileDown(down,
        new RetriableException("database operation failed (SQL state 08001)", null), null);

    HttpResponse<String> r = post(envelope(message(1, 10), message(2, 10), message(3, 10)));

    assertEquals(503, r.statusCode(), r.body());
    assertEquals("the envelope cannot be taken now; send it again later", r.body());
    assertEquals(List.of("receiveAll 3"), tried, "one batch, no message tried alone");
    assertEquals(0, inboxB());

    down[0] = false;
    assertEquals(200, post(envelope(message(1, 10), message(2, 10), message(3, 10)))
        .statusCode(), "sent again in a new envelope, taken whole");
    assertEquals(3, inboxB());
  }

  /**
   * A batch refused for one message the receiver refuses for good is tried one by one; when the
   * store goes down during that, the intake ends there: the later messages are not tried (each
   * would fail alike), the envelope is answered 503, and the sender sends it all again, what
   * was stored of it taken as a duplicate. EnvelopeIntake's check at each message had no test:
   * without it each later message is tried against the store that is down (one warning each)
   * and the envelope answered 200.
   */
  @Test
  void aStoreThatGoesDownMessageByMessageEndsTheIntake() throws Exception {
    boolean[] down = {true};
    List<String> tried = startBFailingWhileDown(down,
        new IllegalArgumentException("one of them is refused for good"), "PA:PA-2:1:1");

    HttpResponse<String> r = post(envelope(message(1, 10), message(2, 10), message(3, 10)));

    assertEquals(503, r.statusCode(), r.body());
    assertEquals(List.of("receiveAll 3", "receive PA:PA-1:1:1", "receive PA:PA-2:1:1"), tried,
        "the third is not tried once the store is down");
    assertEquals(1, inboxB(), "the first was stored before the store went down");

    down[0] = false;
    assertEquals(200, post(envelope(message(1, 10), message(2, 10), message(3, 10)))
        .statusCode(), "sent again, the first a duplicate");
    assertEquals(3, inboxB());
  }

  /**
   * Found from outside (helper-186): the service answers its transport's refusals as text lines
   * ({@code the service is starting\n}), and a delivery's WARN line showed the line break as
   * {@code ?}: {@code answered 503: the service is starting?}, a question where none was asked.
   */
  @Test
  void aRefusalsTrailingLineBreakIsNotShownAsAQuestionMark() throws Exception {
    HttpTransport transport = toPartnerAnswering(503, "the service is starting\r\n");

    RetriableException e = assertThrows(RetriableException.class,
        () -> transport.send(List.of(message(1, 10))));

    assertTrue(e.getMessage().endsWith("answered 503: the service is starting"),
        e.getMessage());
  }

  /** The same for a file's download: {@code 410 the file is gone\r\n}. */
  @Test
  void aContentRefusalsTrailingLineBreakIsNotShownAsAQuestionMark() throws Exception {
    HttpTransport transport = toPartnerAnswering(410, "the file is gone\r\n");

    TrackerException e = assertThrows(TrackerException.class, () -> transport.open(
        new AttachmentContent.Announced("10001", "log.txt", 3, "0".repeat(64))).read());

    assertTrue(e.getMessage().endsWith("is gone: the file is gone"), e.getMessage());
  }

  /** A transport to a partner that answers every request with {@code status} and {@code text}. */
  private HttpTransport toPartnerAnswering(int status, String text) throws IOException {
    HttpServer partner = HttpServer.create(new InetSocketAddress(
        InetAddress.getLoopbackAddress(), 0), 0);
    partner.createContext("/", exchange -> {
      byte[] body = text.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    partner.start();
    servers.add(partner);
    return HttpTransport.builder(URI.create("http://127.0.0.1:"
        + partner.getAddress().getPort() + "/"), security, "PA", "PB").build();
  }

  @Test
  void aHostileAnswerIsReadOnlyInPart() throws Exception {
    HttpServer liar = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    liar.createContext("/", exchange -> {
      exchange.sendResponseHeaders(500, 0); // chunked: 64 MB of it
      try (OutputStream out = exchange.getResponseBody()) {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) '\u001b');
        for (int i = 0; i < 1024; i++) {
          out.write(chunk);
        }
      } catch (IOException clientStoppedReading) {
        // expected: the transport reads 1 KB
      }
    });
    liar.start();
    servers.add(liar);
    HttpTransport transport = HttpTransport.builder(URI.create("http://127.0.0.1:"
        + liar.getAddress().getPort() + "/"), security, "PA", "PB").build();

    RetriableException e = assertThrows(RetriableException.class,
        () -> transport.send(List.of(message(1, 10))));

    assertTrue(e.getMessage().contains("answered 500: ???"), e.getMessage());
    assertTrue(e.getMessage().length() < 500, e.getMessage().length() + " characters");
  }

  /**
   * Found from outside (helper-148): the request's timeout ends with the headers, so a partner
   * (or a proxy at its URL) that sent them and then stalled its body held the delivering thread
   * for good, and with it the connector's deliveries.
   */
  @Test
  @Timeout(30)
  void aPartnerThatStallsItsAnswerIsARetriableFailureWithinTheTimeout() throws Exception {
    try (ServerSocket stalling = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread stall = stallingPartner(stalling, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
          + "BACKBONE-ENV");
      HttpTransport transport = HttpTransport.builder(URI.create("http://127.0.0.1:"
          + stalling.getLocalPort() + "/"), security, "PA", "PB")
          .timeout(Duration.ofMillis(500)).build();

      RetriableException e = assertThrows(RetriableException.class,
          () -> transport.send(List.of(message(1, 10))));

      assertEquals("partner PB at http://127.0.0.1:" + stalling.getLocalPort() + "/ answered 200"
          + " but did not send the whole answer within the timeout (PT0.5S)", e.getMessage());
      stall.join();
    }
  }

  /**
   * A partner on {@code socket} that answers the first POST with {@code answerStart} (headers
   * promising more than it sends) and then stalls until the transport closes the connection
   * (20 s at most: without a deadline nothing closes it).
   */
  private static Thread stallingPartner(ServerSocket socket, String answerStart) {
    Thread stall = new Thread(() -> {
      try (Socket partner = socket.accept()) {
        partner.setSoTimeout(20_000);
        InputStream in = partner.getInputStream();
        in.readNBytes(in.available() > 0 ? in.available() : 1); // the POST has begun
        partner.getOutputStream().write(answerStart.getBytes(StandardCharsets.US_ASCII));
        while (in.read() >= 0) {
          // the rest of the envelope; then until the transport closes the connection
        }
      } catch (IOException ignored) {
        // the transport closed it
      }
    });
    stall.start();
    return stall;
  }

  /**
   * Found in review (helper-151): a 413 whose text did not come within the timeout was taken
   * for a slow answer, a RetriableException, so the message too large for the partner was sent
   * again whole at every step and held back every message after it, where a 413 sets it aside
   * (undeliverable) and lets the others go. The status came whole; only the text is missing.
   */
  @Test
  @Timeout(30)
  void aTooLargeAnswerWhoseTextStallsStillSetsTheMessageAside() throws Exception {
    try (ServerSocket stalling = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread stall = stallingPartner(stalling, "HTTP/1.1 413 Payload Too Large\r\n"
          + "Content-Length: 100\r\n\r\ntoo");
      HttpTransport transport = HttpTransport.builder(URI.create("http://127.0.0.1:"
          + stalling.getLocalPort() + "/"), security, "PA", "PB")
          .timeout(Duration.ofMillis(500)).build();
      SyncMessage tooLarge = message(1, 10);

      assertEquals(Set.of(), transport.send(List.of(tooLarge)));

      assertEquals(Set.of(tooLarge.messageId()), transport.undeliverable().keySet());
      assertTrue(transport.undeliverable().get(tooLarge.messageId())
          .contains("is refused by the partner as too large"),
          transport.undeliverable().toString());
      stall.join();
    }
  }
}
