package org.backbonesync.jira;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.transport.EnvelopeSecurity;
import org.backbonesync.transport.HttpTransport;
import org.backbonesync.transport.HttpTransportHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A person's edit on site A until the partner issue on site B shows it, over two fake Jira sites
 * (A on Cloud, B on Server) reached through the adapter over HTTP, with started engines on real
 * schedulers and clocks. {@code detection}: {@code poll5s} and {@code poll30s} find the edit by
 * polling only; {@code webhooks} has site A send a signed webhook for each write to a {@link
 * JiraWebhookHandler} and polls every 30 s as the safety net. {@code transport}: {@code direct}
 * is one engine with both connectors; {@code http} is one engine per connector, connected by
 * {@link HttpTransport} (each applies what arrives at once). JMH's sample mode gives p50 and p99;
 * target: p99 under 1 s with webhooks, at least ten times better than a 5 s poll. At the end of
 * each iteration it prints the Jira requests per synced edit of both sites.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 10)
@Measurement(iterations = 1, time = 60)
@Fork(1)
public class WebhookLatencyBenchmark {
  private static final String SECRET = "registered-with-the-webhook";
  private static final byte[] TRANSPORT_KEY =
      "a-key-for-the-envelopes-0123456789".getBytes(StandardCharsets.UTF_8);

  @Param({"webhooks", "poll5s", "poll30s"})
  public String detection;

  @Param({"direct", "http"})
  public String transport;

  private final List<AutoCloseable> closing = new ArrayList<>();
  private final List<FakeJiraServer> sites = new ArrayList<>();
  private final List<ScheduledExecutorService> schedulers = new ArrayList<>();
  private InMemoryIssueTracker pa;
  private InMemoryIssueTracker pb;
  private volatile String expected;
  private volatile CountDownLatch shown;
  private long round;
  private long edits;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Clock clock = Clock.systemUTC();
    pa = InMemoryIssueTracker.builder("PA").clock(clock).syncUser("sync-a").users("alice")
        .recordCalls(false).changelogLimit(20).build();
    pb = InMemoryIssueTracker.builder("PB").clock(clock).syncUser("sync-b").users("bob")
        .recordCalls(false).changelogLimit(20).build();
    pb.onChange(change -> {
      CountDownLatch latch = shown;
      if (latch != null && "PB-1".equals(change.issueKey())
          && pb.value("PB-1", "summary").asText().equals(expected)) {
        latch.countDown();
      }
    });
    HttpServer front = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ExecutorService frontThreads = Executors.newFixedThreadPool(4);
    front.setExecutor(frontThreads);
    closing.add(frontThreads::shutdownNow);
    closing.add(() -> front.stop(0));
    boolean hooks = detection.equals("webhooks");
    URI hookUrl = URI.create("http://127.0.0.1:" + front.getAddress().getPort() + "/webhooks");
    IssueTracker trackerA = site(pa, true, hooks ? hookUrl : null);
    IssueTracker trackerB = site(pb, false, null);
    SyncConfiguration configuration = SyncConfiguration.builder("pa-pb")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
        .fieldMapping(FieldMapping.passthrough("summary", "summary", Direction.BOTH))
        .build();
    Duration poll = Duration.ofSeconds(detection.equals("poll5s") ? 5 : 30);
    SyncEngine engineA;
    if (transport.equals("direct")) {
      engineA = engine(configuration, poll).tracker("PA", trackerA).tracker("PB", trackerB)
          .build();
    } else {
      EnvelopeSecurity security = EnvelopeSecurity.builder("pa-pb").key("k1", TRANSPORT_KEY)
          .build();
      InMemoryStores storesA = new InMemoryStores();
      InMemoryStores storesB = new InMemoryStores();
      HttpTransportHandler toA = new HttpTransportHandler(security, storesA.envelopeIds());
      HttpTransportHandler toB = new HttpTransportHandler(security, storesB.envelopeIds());
      serve(front, "/transport/a", toA);
      serve(front, "/transport/b", toB);
      URI base = URI.create("http://127.0.0.1:" + front.getAddress().getPort());
      engineA = engine(configuration, poll).stores(storesA).tracker("PA", trackerA)
          .transport("PA", HttpTransport.builder(base.resolve("/transport/b"), security, "PA",
              "PB").build()).build();
      SyncEngine engineB = engine(configuration, poll).stores(storesB).tracker("PB", trackerB)
          .transport("PB", HttpTransport.builder(base.resolve("/transport/a"), security, "PB",
              "PA").build()).build();
      toA.connector("PA", "PB", engineA.receiver("PA"));
      toB.connector("PB", "PA", engineB.receiver("PB"));
      engineB.start();
      closing.add(engineB);
    }
    JiraWebhookHandler handler = JiraWebhookHandler.builder().secret(SECRET).syncUser("sync-a")
        .project("PA", engineA.changeHints("PA")).build();
    front.createContext("/webhooks", exchange -> {
      JiraWebhookHandler.Response answer = handler.handle(exchange.getRequestMethod(),
          exchange.getRequestHeaders()::getFirst, exchange.getRequestBody());
      byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status(), body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    front.start();
    pa.as("alice").create("Printer on fire");
    engineA.start();
    closing.add(engineA);
    awaitShown("Printer on fire", Duration.ofSeconds(120)); // the first poll creates PB-1
  }

  private IssueTracker site(InMemoryIssueTracker project, boolean cloud, URI webhook) {
    FakeJiraServer.Builder b = FakeJiraServer.builder(project)
        .flavour(cloud ? FakeJiraServer.Flavour.CLOUD : FakeJiraServer.Flavour.SERVER)
        .credential(project.user(), "secret");
    if (webhook != null) {
      b.webhook(webhook, SECRET);
    }
    FakeJiraServer server = b.start();
    sites.add(server);
    closing.add(server);
    return JiraSite.builder(server.url())
        .flavour(cloud ? JiraFlavour.CLOUD : JiraFlavour.SERVER)
        .credentials(cloud ? JiraCredentials.apiToken(project.user() + "@example.com", "secret")
            : JiraCredentials.personalAccessToken("secret"))
        .requestsPerSecond(0).endpointRequestsPerSecond(0, 1).issueWritesPerSecond(0, 1)
        .build().project(project.projectKey());
  }

  private SyncEngine.Builder engine(SyncConfiguration configuration, Duration poll) {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    schedulers.add(scheduler);
    return SyncEngine.builder().configuration(configuration).stores(new InMemoryStores())
        .scheduler(scheduler).pollInterval(poll);
  }

  private static void serve(HttpServer front, String path, HttpTransportHandler handler) {
    front.createContext(path, exchange -> {
      HttpTransportHandler.Response answer =
          handler.handle(exchange.getRequestMethod(), exchange.getRequestBody());
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
      exchange.sendResponseHeaders(answer.status(), answer.body().length);
      exchange.getResponseBody().write(answer.body());
      exchange.close();
    });
  }

  private void awaitShown(String value, Duration within) throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(1);
    expected = value;
    shown = latch;
    if (!pb.allIssues().isEmpty() && pb.value("PB-1", "summary").asText().equals(value)) {
      return;
    }
    if (!latch.await(within.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("\"" + value + "\" not on PB-1 within " + within);
    }
  }

  @Setup(Level.Iteration)
  public void countFromHere() {
    sites.forEach(FakeJiraServer::clearRequests);
    edits = 0;
  }

  /** One edit on A, until PB-1 shows it. */
  @Benchmark
  public long editUntilShownOnB() throws InterruptedException {
    String value = "edit " + ++round;
    CountDownLatch latch = new CountDownLatch(1);
    expected = value;
    shown = latch;
    pa.as("alice").edit("PA-1", "summary", value);
    if (!latch.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("\"" + value + "\" not on PB-1 within 120 s");
    }
    edits++;
    return round;
  }

  @TearDown(Level.Iteration)
  public void printRequests() {
    long requests = sites.stream().mapToLong(s -> s.requests().size()).sum();
    System.out.printf("%n%s/%s: %d Jira requests for %d edits (%.1f per edit, polls included)%n",
        detection, transport, requests, edits, edits == 0 ? 0.0 : (double) requests / edits);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    schedulers.forEach(ScheduledExecutorService::shutdownNow);
  }
}
