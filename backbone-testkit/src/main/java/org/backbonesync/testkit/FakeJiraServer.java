package org.backbonesync.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A Jira site on 127.0.0.1 for tests, speaking the REST API of Jira Cloud (v3) or Jira
 * Server/Data Center (v2) over real HTTP, backed by an {@link InMemoryIssueTracker}: what the
 * adapter writes lands in the in-memory project, and what a test does there (as a person)
 * shows in the REST answers. Its JSON follows real Jira's (checked against the recorded
 * captures of the adapter's conformance suite), quirks included: timestamps with an offset
 * without a colon, JQL dates in the user's time zone with minute precision, Cloud's truncated
 * embedded changelogs and {@code nextPageToken} paging, old and new create metadata, the
 * reversed issue names of {@code POST /issueLink}, and an upload refused without the XSRF
 * header.
 *
 * <p>Like MockWebServer, it records every request ({@link #requests()}) and takes faults for
 * the next requests ({@link #enqueue(Fault)}): an error status with headers (429 with
 * Retry-After), a dropped connection, or a stall until released. Thread-safe. Close it.
 *
 * <p>It can enforce Jira Cloud's three rate limits, each off unless its builder method is
 * called ({@link Builder#burstLimit}, {@link Builder#issueWriteLimit}, {@link Builder#quota}),
 * timed by the project's clock. A request over one is answered 429 with {@code RateLimit-Reason}
 * (on Cloud; Server/Data Center names none), {@code X-RateLimit-Reset}, {@code
 * X-RateLimit-Limit} and {@code X-RateLimit-Remaining: 0}, and {@code Retry-After} in seconds
 * except for Cloud's quota, which gives only the reset. {@link #rateLimited()} counts them.
 */
public final class FakeJiraServer implements AutoCloseable {
  static {
    // The JDK server writes a response's headers and body as two segments; with Nagle's
    // algorithm on, the body waits for the client's delayed ACK (about 40 ms per response).
    // The property is read once, when the first JDK HttpServer of the JVM starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /**
   * Worklogs per page of {@code GET /issue/{key}/worklog} at most: fewer than Jira's 5000, so
   * that a client's paging is used.
   */
  public static final int WORKLOG_PAGE = 20;

  /** Which Jira it plays. */
  public enum Flavour {
    /** Jira Cloud: REST v3, account ids, ADF rich text, nextPageToken paging. */
    CLOUD,
    /** Jira Server/Data Center: REST v2, user names, wiki markup, startAt paging. */
    SERVER
  }

  /** One request as received: method, path, raw query and the authenticated user (or null). */
  public record Request(String method, String path, String query, String user) {
    @Override
    public String toString() {
      return method + " " + path + (query == null ? "" : "?" + query);
    }
  }

  /** What to do instead of answering a request. */
  public record Fault(int status, Map<String, String> headers, String body, boolean drops,
      boolean stalls, String pathContains) {

    /** Answer with a status, headers and a body. */
    public static Fault status(int status, Map<String, String> headers, String body) {
      return new Fault(status, Map.copyOf(headers), body, false, false, null);
    }

    /** 429 with {@code Retry-After} in seconds, as Jira Cloud rate limits. */
    public static Fault rateLimited(int retryAfterSeconds) {
      return status(429, Map.of("Retry-After", String.valueOf(retryAfterSeconds),
          "RateLimit-Reason", "jira-burst-based"), "{\"errorMessages\":[\"Rate limit exceeded.\"]}");
    }

    /** A server error. */
    public static Fault serverError() {
      return status(500, Map.of(), "{\"errorMessages\":[\"Internal server error\"]}");
    }

    /** Close the connection without answering. */
    public static Fault drop() {
      return new Fault(0, Map.of(), null, true, false, null);
    }

    /** Hold the request without answering until {@link #releaseStalled()} or close. */
    public static Fault stall() {
      return new Fault(0, Map.of(), null, false, true, null);
    }

    /** The same fault, only for a request whose path contains the text. */
    public Fault on(String pathPart) {
      return new Fault(status, headers, body, drops, stalls, pathPart);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final FakeJiraApi api;
  private final List<Request> requests = new ArrayList<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private final CountDownLatch stalled = new CountDownLatch(1);
  private final FakeJiraWebhooks webhooks;
  private final FakeJiraLimits limits;
  private final Set<String> hidden = ConcurrentHashMap.newKeySet();

  private FakeJiraServer(Builder b) throws IOException {
    limits = new FakeJiraLimits(b.tracker.clock(), b.burst, b.issueWrites, b.quota);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "fake-jira-" + b.tracker.projectKey());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    api = new FakeJiraApi(b.tracker, b.flavour, b.zone, url, b.credentials, b.changelogLimit,
        b.propertiesIndexed,
        this);
    server.createContext("/", api::handle);
    server.start();
    webhooks = b.webhookTarget == null ? null : new FakeJiraWebhooks(b.webhookTarget,
        b.webhookSecret, b.flavour, url, b.tracker.clock());
    if (webhooks != null) {
      b.tracker.onChange(webhooks::changed);
    }
  }

  /**
   * The webhooks this site sends, to fault them.
   *
   * @throws IllegalStateException when the builder named no webhook URL
   */
  public FakeJiraWebhooks webhooks() {
    if (webhooks == null) {
      throw new IllegalStateException("no webhook: give the builder a URL");
    }
    return webhooks;
  }

  /** Starts building a fake site over a project. */
  public static Builder builder(InMemoryIssueTracker tracker) {
    return new Builder(tracker);
  }

  /** The base URL, {@code http://127.0.0.1:<port>}. */
  public URI url() {
    return api.url();
  }

  /** Answers the next request (matching the fault's path part, if it names one) with a fault. */
  public synchronized void enqueue(Fault fault) {
    faults.addLast(fault);
  }

  /** Lets stalled requests go on (they answer normally). */
  public void releaseStalled() {
    stalled.countDown();
  }

  /** Every request so far, oldest first. */
  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Forgets the requests so far, to count those of the next step. */
  public synchronized void clearRequests() {
    requests.clear();
  }

  /** The number of requests so far with this method whose path contains the text. */
  public synchronized long count(String method, String pathPart) {
    return requests.stream()
        .filter(r -> r.method().equals(method) && r.path().contains(pathPart)).count();
  }

  /**
   * Hides an issue from every user of the site, as an issue security level none of them is in
   * does: a request naming it answers 404 with Jira's words (Server/Data Center: "You do not
   * have the permission to see the specified issue."; Cloud: the words it has for a deleted
   * issue too), and searches leave it out. The project still holds it.
   */
  public void hide(String issueKey) {
    hidden.add(issueKey);
  }

  /** Whether {@link #hide} hid the issue. */
  boolean hidden(String issueKey) {
    return hidden.contains(issueKey);
  }

  /** The requests answered 429 by the configured rate limits so far (not by faults). */
  public long rateLimited() {
    return limits.refused();
  }

  FakeJiraLimits limits() {
    return limits;
  }

  synchronized void record(Request request) {
    requests.add(request);
  }

  synchronized Fault nextFault(String path) {
    for (var it = faults.iterator(); it.hasNext(); ) {
      Fault f = it.next();
      if (f.pathContains() == null || path.contains(f.pathContains())) {
        it.remove();
        return f;
      }
    }
    return null;
  }

  void awaitRelease() {
    try {
      stalled.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stalled.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "FakeJiraServer[" + api.flavour() + " " + url() + "]";
  }

  /** Builds a {@link FakeJiraServer}. */
  public static final class Builder {
    private final InMemoryIssueTracker tracker;
    private Flavour flavour = Flavour.CLOUD;
    private ZoneId zone = ZoneId.of("Europe/Berlin");
    private final Map<String, String> credentials = new LinkedHashMap<>();
    private int changelogLimit = 100;
    private boolean propertiesIndexed = true;
    private URI webhookTarget;
    private String webhookSecret;
    private FakeJiraLimits.Window burst = FakeJiraLimits.Window.NONE;
    private FakeJiraLimits.Window issueWrites = FakeJiraLimits.Window.NONE;
    private FakeJiraLimits.Window quota = FakeJiraLimits.Window.NONE;

    private Builder(InMemoryIssueTracker tracker) {
      if (tracker == null) {
        throw new IllegalArgumentException("tracker must not be null");
      }
      this.tracker = tracker;
    }

    /** Cloud (default) or Server. */
    public Builder flavour(Flavour value) {
      this.flavour = value;
      return this;
    }

    /**
     * The users' time zone, as {@code /myself} tells it and JQL dates are read in. Default
     * Europe/Berlin (not UTC, so that a client writing UTC dates misses changes).
     */
    public Builder timeZone(ZoneId value) {
      this.zone = value;
      return this;
    }

    /**
     * A user who may sign in with this secret: on Cloud as basic {@code email:secret} (an API
     * token; the e-mail address is the in-memory user's), on Server as basic {@code
     * name:secret} (a password) or as Bearer {@code secret} (a personal access token).
     */
    public Builder credential(String userId, String secret) {
      credentials.put(userId, secret);
      return this;
    }

    /**
     * At most this many changelog histories embedded in an issue on Cloud (default 100, as
     * Jira); the rest must be read from {@code /issue/{key}/changelog}.
     */
    public Builder changelogLimit(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("changelogLimit must be at least 1, was " + value);
      }
      this.changelogLimit = value;
      return this;
    }

    /**
     * Whether JQL can search the origin marker's issue property (default true, as on a Jira
     * where an app indexes it). Without, such a query is refused as Jira refuses a field it does
     * not know, and the property is only returned with issues.
     */
    public Builder originPropertyIndexed(boolean value) {
      this.propertiesIndexed = value;
      return this;
    }

    /**
     * Sends a webhook for every write to the project to {@code target} (see {@link
     * FakeJiraWebhooks}), signed with {@code secret} unless it is null.
     */
    public Builder webhook(URI target, String secret) {
      this.webhookTarget = target;
      this.webhookSecret = secret;
      return this;
    }

    /**
     * Jira Cloud's burst limit: at most {@code requests} in any {@code per} to one endpoint with
     * one method (whatever the issue key or id in the path); more are answered 429 {@code
     * jira-burst-based} with the time until the window frees a place. Off by default.
     */
    public Builder burstLimit(int requests, Duration per) {
      this.burst = FakeJiraLimits.Window.of("burstLimit", requests, per);
      return this;
    }

    /**
     * Jira Cloud's per-issue write limit: at most {@code writes} in any {@code per} to one issue
     * (any method but GET on {@code /issue/{key}} and below); more are answered 429 {@code
     * jira-per-issue-on-write}. Off by default.
     */
    public Builder issueWriteLimit(int writes, Duration per) {
      this.issueWrites = FakeJiraLimits.Window.of("issueWriteLimit", writes, per);
      return this;
    }

    /**
     * Jira Cloud's points-based quota, one point a request: at most {@code requests} to the site
     * in a window of {@code per} that starts with its first request; more are answered 429
     * {@code jira-quota-global-based} with the window's end in {@code X-RateLimit-Reset} (and no
     * Retry-After on Cloud). Off by default.
     */
    public Builder quota(int requests, Duration per) {
      this.quota = FakeJiraLimits.Window.of("quota", requests, per);
      return this;
    }

    /** Starts the server on a free port of 127.0.0.1. */
    public FakeJiraServer start() {
      try {
        return new FakeJiraServer(this);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the fake Jira server", e);
      }
    }
  }
}
