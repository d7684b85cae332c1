package org.backbonesync.transport;

import static org.backbonesync.transport.AttachmentFiles.downloaded;
import static org.backbonesync.transport.AttachmentFiles.randomBytes;
import static org.backbonesync.transport.AttachmentFiles.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.transport.AttachmentContent.Announced;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Attachments between two engines in one JVM that share nothing but HTTP on 127.0.0.1: each has
 * its own tracker, stores and transport, and a file attached on one side is fetched by the other
 * from the first side's handler, signed, streamed, checked and resumed.
 */
class HttpAttachmentContentTest {
  private final TwoSites sites = new TwoSites();
  private final ManualClock clock = sites.clock;
  private final EnvelopeSecurity security = sites.security().build();
  private final InMemoryIssueTracker pa = sites.pa;
  private final InMemoryIssueTracker pb = sites.pb;
  private final SyncConfiguration configuration = AttachmentFiles.CONFIGURATION;
  /** GET requests served by site A, by their Range header ("" when none). */
  private final List<String> rangesAtA = new CopyOnWriteArrayList<>();
  /** When positive, the next GET at A breaks after this many bytes of its body. */
  private final AtomicLong breakNextAfter = new AtomicLong(-1);
  /** How many bytes of {@link #GENERATED} A's handler has taken from its source so far. */
  private final AtomicLong generatedRead = new AtomicLong();
  /** An attachment id A's tracker serves from a generated stream, never held as a whole. */
  private static final String GENERATED = "generated";
  private static final long GENERATED_SIZE = 64L << 20;
  /** When set, A's handler serves content that differs from the file in its last byte. */
  private final AtomicBoolean tamper = new AtomicBoolean();
  /** When set, A's handler sends that many bytes of the next content and then stalls. */
  private final AtomicLong stallNextAfter = new AtomicLong(-1);
  /** When set, A's handler sends the headers of its next refusal and then stalls its body. */
  private final AtomicBoolean stallNextRefusal = new AtomicBoolean();
  private final CountDownLatch stalled = new CountDownLatch(1);
  private final ExecutorService executor = Executors.newCachedThreadPool();
  /** B's transport's timeout. */
  private Duration timeoutAtB = Duration.ofSeconds(30);
  private HttpServer serverA;
  private HttpServer serverB;
  private HttpTransportHandler handlerA;
  private HttpTransportHandler handlerB;
  private HttpTransport transportB;
  private SyncEngine engineA;
  private SyncEngine engineB;

  private HttpServer serve(HttpTransportHandler handler, List<String> ranges) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    server.createContext("/backbone/transport", exchange -> {
      try (exchange) {
        if (exchange.getRequestMethod().equals("GET")) {
          String range = exchange.getRequestHeaders().getFirst("Range");
          ranges.add(range == null ? "" : range);
          content(exchange, handler.content("GET",
              exchange.getRequestHeaders().getFirst("Authorization"), range));
          return;
        }
        HttpTransportHandler.Response r = handler.handle(exchange.getRequestMethod(),
            exchange.getRequestBody());
        exchange.getResponseHeaders().set("Content-Type", r.contentType());
        exchange.sendResponseHeaders(r.status(), r.body().length);
        exchange.getResponseBody().write(r.body());
      }
    });
    server.setExecutor(executor); // (a stalled answer must not hold the next request)
    server.start();
    return server;
  }

  /** Streams a content answer as a host does; or breaks it mid-way when the test asks. */
  private void content(HttpExchange exchange, HttpTransportHandler.ContentResponse r)
      throws IOException {
    r.headers().forEach(exchange.getResponseHeaders()::set);
    exchange.sendResponseHeaders(r.status(), r.length() == 0 ? -1 : r.length());
    long breakAfter = r.status() < 300 ? breakNextAfter.getAndSet(-1) : -1;
    long stallAfter = r.status() < 300 ? stallNextAfter.getAndSet(-1)
        : stallNextRefusal.getAndSet(false) ? 0 : -1;
    try (InputStream body = r.body(); OutputStream out = exchange.getResponseBody()) {
      if (stallAfter >= 0) {
        out.write(body.readNBytes((int) stallAfter));
        out.flush();
        try {
          stalled.await(120, TimeUnit.SECONDS); // until the test ends
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("the test stalled the answer");
      }
      if (breakAfter >= 0) {
        out.write(body.readNBytes((int) breakAfter));
        out.flush();
        throw new IOException("the test breaks the connection"); // closes it, body unfinished
      }
      body.transferTo(out);
    }
  }

  private static URI endpoint(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort()
        + "/backbone/transport");
  }

  private void start(long maxAttachmentBytesAtB) throws IOException {
    handlerA = new HttpTransportHandler(security, sites.storesA.envelopeIds());
    handlerB = new HttpTransportHandler(security, sites.storesB.envelopeIds());
    serverA = serve(handlerA, rangesAtA);
    serverB = serve(handlerB, new CopyOnWriteArrayList<>());
    HttpTransport transportA = HttpTransport.builder(endpoint(serverB), security, "PA", "PB")
        .attachmentIds(sites.storesA.envelopeIds()).build();
    transportB = HttpTransport.builder(endpoint(serverA), security, "PB", "PA")
        .attachmentIds(sites.storesB.envelopeIds()).maxAttachmentBytes(maxAttachmentBytesAtB)
        .timeout(timeoutAtB).build();
    engineA = SyncEngine.builder().configuration(configuration).tracker("PA", pa)
        .transport("PA", transportA).stores(sites.storesA).clock(clock).build();
    engineB = SyncEngine.builder().configuration(configuration).tracker("PB", pb)
        .transport("PB", transportB).stores(sites.storesB).clock(clock).build();
    handlerA.connector("PA", "PB", engineA.receiver("PA"), tampering(pa));
    handlerB.connector("PB", "PA", engineB.receiver("PB"), pb);
  }

  /** Site A's tracker as its handler reads it: the last byte flipped while {@link #tamper}. */
  private IssueTracker tampering(InMemoryIssueTracker tracker) {
    return (IssueTracker) java.lang.reflect.Proxy.newProxyInstance(
        IssueTracker.class.getClassLoader(), new Class<?>[] {IssueTracker.class},
        (proxy, method, args) -> {
          if (method.getName().equals("download") && GENERATED.equals(args[0])) {
            return new Generated(GENERATED_SIZE, generatedRead);
          }
          Object result;
          try {
            result = method.invoke(tracker, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("download") && tamper.get()) {
            byte[] bytes = ((InputStream) result).readAllBytes();
            bytes[bytes.length - 1] ^= 1;
            return new ByteArrayInputStream(bytes);
          }
          return result;
        });
  }

  /** A deterministic stream of {@code size} bytes, made as it is read; counts what is read. */
  private static final class Generated extends InputStream {
    private final long size;
    private final AtomicLong read;
    private long position;

    Generated(long size, AtomicLong read) {
      this.size = size;
      this.read = read;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - position);
      for (int i = 0; i < n; i++) {
        long p = position + i;
        b[off + i] = (byte) (p * 31 + (p >>> 9));
      }
      position += n;
      read.addAndGet(n);
      return n;
    }
  }

  @AfterEach
  void stop() {
    stalled.countDown();
    executor.shutdownNow();
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

  /** Two paired issues, PA-1 and PB-1, and nothing attached yet. */
  private String pairedIssue() {
    String pa1 = pa.as("alice").create("Printer on fire");
    runBoth(3);
    assertEquals(1, pb.allIssues().size());
    return pa1;
  }

  @Test
  void aFileAttachedOnEitherSideAppearsOnTheOtherWithTheSameBytes() throws Exception {
    start(1L << 30);
    String pa1 = pairedIssue();
    byte[] smoke = randomBytes(300_000, 1);
    pa.as("alice").upload(pa1, "smoke.bin", "application/octet-stream",
        new ByteArrayInputStream(smoke));
    runBoth(3);

    List<Attachment> atB = pb.attachments("PB-1");
    assertEquals(1, atB.size());
    assertEquals("smoke.bin", atB.get(0).filename());
    assertArrayEquals(smoke, downloaded(pb, atB.get(0)));
    assertEquals(List.of(""), rangesAtA, "one GET at A, from the start");

    byte[] photo = randomBytes(70_000, 2);
    pb.as("bob").upload("PB-1", "photo.jpg", "image/jpeg", new ByteArrayInputStream(photo));
    runBoth(3);
    List<Attachment> atA = pa.attachments(pa1);
    assertEquals(2, atA.size(), "no echo of smoke.bin, and photo.jpg");
    assertArrayEquals(photo, downloaded(pa, atA.stream()
        .filter(a -> a.filename().equals("photo.jpg")).findFirst().orElseThrow()));
  }

  @Test
  void aConnectionBrokenMidFileIsResumedFromTheByteReached() throws Exception {
    start(1L << 30);
    assertResumedWhole(3, () -> breakNextAfter.set(200_000), "broken");
  }

  /**
   * Found from outside (helper-148): the request's timeout ends with the headers, so a partner
   * that stalled mid-file held the apply reading it for good. A stall is now a broken
   * connection: resumed from the byte reached once no bytes came for the timeout.
   */
  @Test
  @Timeout(20)
  void aTransferThatStallsMidFileIsResumedFromTheByteReachedAfterTheTimeout()
      throws Exception {
    timeoutAtB = Duration.ofMillis(500);
    start(1L << 30);
    assertResumedWhole(4, () -> stallNextAfter.set(200_000), "stalled");
  }

  /**
   * Attaches 500,000 bytes to a paired issue of PA with {@code fault} set for the first GET at
   * 200,000 bytes, runs both engines, and checks that PB got the file whole through one more GET
   * resumed from a byte reached.
   */
  private void assertResumedWhole(int seed, Runnable fault, String faulted) throws Exception {
    String pa1 = pairedIssue();
    byte[] smoke = randomBytes(500_000, seed);
    fault.run();
    pa.as("alice").upload(pa1, "smoke.bin", "application/octet-stream",
        new ByteArrayInputStream(smoke));
    runBoth(3);

    List<Attachment> atB = pb.attachments("PB-1");
    assertEquals(1, atB.size());
    assertArrayEquals(smoke, downloaded(pb, atB.get(0)));
    assertEquals(2, rangesAtA.size(), "one GET " + faulted + ", one resumed: " + rangesAtA);
    assertEquals("", rangesAtA.get(0));
    long resumedAt = Long.parseLong(rangesAtA.get(1).replaceAll("bytes=(\\d+)-", "$1"));
    assertTrue(resumedAt > 0 && resumedAt <= 200_000, "resumed at " + resumedAt
        + ", not from the start");
  }

  @Test
  void aLargeFileIsStreamedThroughNeverHeldWhole() throws Exception {
    start(1L << 30);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    new java.security.DigestInputStream(new Generated(GENERATED_SIZE, new AtomicLong()), digest)
        .transferTo(OutputStream.nullOutputStream());
    Announced big = new Announced(GENERATED, "big.iso", GENERATED_SIZE,
        HexFormat.of().formatHex(digest.digest()));
    long now = clock.millis();
    sites.storesA.envelopeIds().remember(HttpTransport.announcedScope(security, "PA"),
        Contents.key(big), now + 60_000, now); // as A's transport does when it announces it

    try (InputStream in = transportB.open(big)) {
      byte[] buffer = new byte[64 * 1024];
      assertEquals(buffer.length, in.readNBytes(buffer, 0, buffer.length));
      assertTrue(generatedRead.get() < 16L << 20, "the server read " + generatedRead.get()
          + " bytes ahead of a client that took 64 KB: it must stream, not buffer the file");
      long total = buffer.length;
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
      }
      assertEquals(GENERATED_SIZE, total, "all of it, and the SHA-256 matched at the end");
    }
  }

  @Test
  void aFileLargerThanTheReceiverAcceptsIsRefusedBeforeAnyRequestAndItsMessageWaits()
      throws Exception {
    start(100_000);
    String pa1 = pairedIssue();
    pa.as("alice").upload(pa1, "huge.bin", "application/octet-stream",
        new ByteArrayInputStream(randomBytes(100_001, 4)));
    runBoth(3);

    assertEquals(List.of(), pb.attachments("PB-1"));
    assertEquals(List.of(), rangesAtA, "nothing was asked for");
    assertEquals(1, engineB.failedMessages("PB").size());
    assertTrue(engineB.failedMessages("PB").get(0).toString().contains("TOO_LARGE"),
        engineB.failedMessages("PB").get(0).toString());
    ContentRefusedException refused = assertThrows(ContentRefusedException.class,
        () -> transportB.open(new Announced("10000", "huge.bin", 100_001, "0".repeat(64))));
    assertEquals(ContentRefusedException.Reason.TOO_LARGE, refused.reason());
    assertEquals("size", refused.field());
    assertEquals("100001", refused.value());
  }

  @Test
  void contentThatDoesNotMatchItsHashIsNotAttachedAndIsFetchedAgainLater() throws Exception {
    start(1L << 30);
    String pa1 = pairedIssue();
    byte[] smoke = randomBytes(50_000, 5);
    tamper.set(true);
    pa.as("alice").upload(pa1, "smoke.bin", "application/octet-stream",
        new ByteArrayInputStream(smoke));
    runBoth(3);
    assertEquals(List.of(), pb.attachments("PB-1"), "altered content is never attached");
    assertTrue(engineB.status("PB").inboxCount() >= 1, "the message waits in the inbox");

    tamper.set(false);
    clock.advance(Duration.ofMinutes(30)); // past the retry backoff
    runBoth(3);
    assertEquals(1, pb.attachments("PB-1").size());
    assertArrayEquals(smoke, downloaded(pb, pb.attachments("PB-1").get(0)));
  }

  @Test
  void anAttachmentNeverAnnouncedIsRefusedThoughItExists() throws Exception {
    start(1L << 30);
    String pa1 = pairedIssue();
    // attached by the sync user: never announced (a copy is never sent back)
    byte[] secret = randomBytes(1000, 6);
    Attachment hidden = pa.as("sync-a").upload(pa1, "payroll.xlsx", "application/octet-stream",
        new ByteArrayInputStream(secret));
    runBoth(3);
    assertEquals(List.of(), pb.attachments("PB-1"));

    ContentRefusedException refused = assertThrows(ContentRefusedException.class,
        () -> transportB.open(new Announced(hidden.id(), "payroll.xlsx", secret.length,
            sha256(secret))));
    assertEquals(ContentRefusedException.Reason.NOT_ANNOUNCED, refused.reason());
    assertEquals("attachmentId", refused.field());
    assertEquals(hidden.id(), refused.value());
  }

  /**
   * A refusal whose text never comes (its headers sent, its body stalled): its reading waited
   * for good (helper-148), as a content answer's did; now the refusal is told after the timeout,
   * without the partner's text.
   */
  @Test
  @Timeout(20)
  void aRefusalWhoseTextStallsIsToldAfterTheTimeout() throws Exception {
    timeoutAtB = Duration.ofMillis(500);
    start(1L << 30);
    String pa1 = pairedIssue();
    byte[] secret = randomBytes(1000, 7);
    Attachment hidden = pa.as("sync-a").upload(pa1, "payroll.xlsx", "application/octet-stream",
        new ByteArrayInputStream(secret));
    stallNextRefusal.set(true);

    ContentRefusedException refused = assertThrows(ContentRefusedException.class,
        () -> transportB.open(new Announced(hidden.id(), "payroll.xlsx", secret.length,
            sha256(secret))).readAllBytes());
    assertEquals(ContentRefusedException.Reason.NOT_ANNOUNCED, refused.reason());
    assertTrue(refused.getMessage().endsWith("is refused by the partner (404): (no text came"
        + " within the timeout, PT0.5S)"), refused.getMessage());
  }

  /**
   * Found in review (helper-151): a content stream that was closed asked the partner again when
   * read, from the byte reached. The engine closes it when an upload to Jira is given up (it
   * stalled, or Jira did not answer), while the HTTP client's thread may still be reading it:
   * that read then opened a new GET to the partner that nobody closed.
   */
  @Test
  void aClosedContentStreamIsNotFetchedAgainWhenRead() throws Exception {
    start(1L << 30);
    String pa1 = pairedIssue();
    byte[] smoke = randomBytes(500_000, 8);
    Attachment attached = pa.as("alice").upload(pa1, "smoke.bin", "application/octet-stream",
        new ByteArrayInputStream(smoke));
    runBoth(3);
    rangesAtA.clear();
    InputStream content = transportB.open(new Announced(attached.id(), "smoke.bin",
        smoke.length, sha256(smoke)));
    assertEquals(1000, content.readNBytes(1000).length);

    content.close();

    IOException e = assertThrows(IOException.class, () -> content.read(new byte[1000]));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertEquals(List.of(""), rangesAtA, "one GET, none after the close");
  }

  @Test
  void aContentRequestWithAForgedOrMissingSignatureIsRefused() throws Exception {
    start(1L << 30);
    String pa1 = pairedIssue();
    byte[] smoke = randomBytes(1000, 7);
    Attachment file = pa.as("alice").upload(pa1, "smoke.bin", "application/octet-stream",
        new ByteArrayInputStream(smoke));
    runBoth(3);
    assertEquals(1, pb.attachments("PB-1").size(), "announced, and fetched with the secret");

    EnvelopeSecurity forger = EnvelopeSecurity.builder("pa-pb")
        .key("k1", "another secret of at least 32 bytes!".getBytes()).clock(clock).build();
    byte[] forged = Envelopes.sealContent(forger, "PB", "PA",
        new Envelopes.Requested(file.id(), smoke.length, sha256(smoke), 0));
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(endpoint(serverA))
        .header("Authorization", "Backbone "
            + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(forged))
        .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(401, answer.statusCode());
    assertTrue(new String(answer.body()).contains("BAD_SIGNATURE"), new String(answer.body()));
    HttpResponse<byte[]> none = client.send(HttpRequest.newBuilder(endpoint(serverA)).GET()
        .build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(401, none.statusCode());
    assertEquals(Optional.of("Backbone"), none.headers().firstValue("WWW-Authenticate"));
    HttpResponse<byte[]> basic = client.send(HttpRequest.newBuilder(endpoint(serverA))
        .header("Authorization", "Basic YWxpY2U6c2VjcmV0").GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(401, basic.statusCode());
    assertTrue(new String(basic.body()).contains("MALFORMED"), new String(basic.body()));
    // (the request without credentials is HTTP's first step, answered with the scheme: not
    // counted, so a partner's --check warns of nothing)
    assertEquals(Map.of(EnvelopeRejectedException.Reason.BAD_SIGNATURE, 1L,
        EnvelopeRejectedException.Reason.MALFORMED, 1L), handlerA.rejected());
  }

  @Test
  void aReplayedRequestARangeOtherThanTheSignedOneAndAStrangerAreRefused() throws Exception {
    start(1L << 30);
    String pa1 = pairedIssue();
    byte[] smoke = randomBytes(1000, 8);
    Attachment file = pa.as("alice").upload(pa1, "smoke.bin", "application/octet-stream",
        new ByteArrayInputStream(smoke));
    runBoth(3);
    Envelopes.Requested wanted = new Envelopes.Requested(file.id(), smoke.length,
        sha256(smoke), 100);
    String signed = "Backbone " + java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(Envelopes.sealContent(security, "PB", "PA", wanted));

    HttpTransportHandler.ContentResponse ok = handlerA.content("GET", signed, "bytes=100-");
    assertEquals(206, ok.status());
    assertEquals("bytes 100-999/1000", ok.headers().get("Content-Range"));
    try (InputStream body = ok.body()) {
      assertArrayEquals(java.util.Arrays.copyOfRange(smoke, 100, 1000), body.readAllBytes());
    }
    assertEquals(409, handlerA.content("GET", signed, "bytes=100-").status(), "a replay");

    String other = "Backbone " + java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(Envelopes.sealContent(security, "PB", "PA", wanted));
    assertEquals(400, handlerA.content("GET", other, "bytes=0-").status(),
        "a Range other than the signed offset");
    String stranger = "Backbone " + java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(Envelopes.sealContent(security, "PX", "PA", wanted));
    assertEquals(403, handlerA.content("GET", stranger, "bytes=100-").status());
    assertEquals(405, handlerA.content("POST", other, null).status());
  }
}
