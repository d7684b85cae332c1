package org.backbonesync.jira;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import org.backbonesync.jira.internal.JiraHttp;
import org.backbonesync.jira.internal.JiraProject;
import org.backbonesync.jira.internal.JiraSession;
import org.backbonesync.jira.internal.JiraText;
import org.backbonesync.jira.internal.JiraUrls;
import org.backbonesync.jira.internal.RateLimits;
import org.backbonesync.spi.tracker.IssueTracker;

/**
 * One Jira site (Cloud or Server/Data Center) reached over its REST API; {@link #project} gives
 * the {@link IssueTracker} of one of its projects. All projects of a site share its rate limits,
 * so build one {@code JiraSite} per site and hand out its projects to the connectors.
 *
 * <pre>{@code
 * JiraSite site = JiraSite.builder(URI.create("https://example.atlassian.net"))
 *     .credentials(JiraCredentials.apiToken("sync@example.com", System.getenv("JIRA_TOKEN")))
 *     .requestsPerSecond(10)
 *     .build();
 * IssueTracker pa = site.project("PA");
 * }</pre>
 *
 * <p>Thread-safe. Nothing is sent until a project is first used; the flavour (unless set) is
 * then detected from {@code /rest/api/2/serverInfo}.
 *
 * <p>Credentials go only to the site's origin (scheme, host and port of its URL). The URL must
 * be https, except on a loopback host (tests, a TLS sidecar on the same machine) or when {@link
 * Builder#allowInsecureHttp} says so. API requests never follow a redirect; downloads follow
 * one to another origin without the credentials, and never from https to plain http ({@link
 * JiraRedirectException}). Answers over {@link Builder#maxResponseBytes}, JSON with duplicate
 * keys or nested too deep, and ids that are missing or blank are refused ({@link
 * JiraAnswerException}).
 *
 * <p><b>Rate limits.</b> Jira Cloud applies three limits at once, each to its own scope, and
 * names the one reached in the {@code RateLimit-Reason} of its 429 ({@link JiraLimitScope}). The
 * site paces its requests so as to stay under them: {@link Builder#requestsPerSecond} for the whole
 * site, {@link Builder#endpointRequestsPerSecond} per endpoint and method, and {@link
 * Builder#issueWritesPerSecond} for the writes to one issue (the last two on Cloud only, unless
 * set). When Jira answers 429 (or 503) with a wait nonetheless, only the scope it names waits: a
 * burst limit ({@code jira-burst-based}) pauses that endpoint and method, the per-issue write
 * limit ({@code jira-per-issue-on-write}) the writes to that issue, and the hourly quota ({@code
 * jira-quota-global-based}, {@code jira-quota-tenant-based}) or a 429 with no reason (as
 * Server/Data Center sends) the whole site, until the {@code Retry-After} or {@code
 * X-RateLimit-Reset}. A call waits for a pause up to {@link Builder#maxRetryAfter}; a longer one
 * fails the call with a {@link JiraRateLimitedException} (retriable, with the wait, so the engine
 * comes back then), and other calls in the paused scope fail the same way without being sent.
 * The {@link JiraRequestListener} hears each pause and each call given up, with its scope and
 * wait.
 */
public final class JiraSite {

  /** Waits for a while; injected so tests can move a manual clock instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits for the duration (or until interrupted). */
    void sleep(Duration duration) throws InterruptedException;
  }

  /** The default of {@link Builder#maxResponseBytes}: 32 MiB. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;
  /** The largest {@link Builder#maxResponseBytes} accepted: 1 GiB. */
  public static final long MAX_RESPONSE_BYTES = 1024L * 1024 * 1024;
  /**
   * The default of {@link Builder#endpointRequestsPerSecond} on Cloud: 10 a second per endpoint
   * and method. Atlassian publishes no number per endpoint; this one is the site's default
   * budget, so that a site allowed more ({@link Builder#requestsPerSecond}) still spreads it.
   */
  public static final double DEFAULT_CLOUD_ENDPOINT_REQUESTS_PER_SECOND = 10;
  /** The default burst of {@link Builder#endpointRequestsPerSecond} on Cloud: 20. */
  public static final int DEFAULT_CLOUD_ENDPOINT_BURST = 20;
  /**
   * The default of {@link Builder#issueWritesPerSecond} on Cloud: 3 writes a second to one issue,
   * with bursts of {@value #DEFAULT_CLOUD_ISSUE_WRITE_BURST}, which keeps any 2 s under 20
   * writes and any 30 s under 100, the per-issue limits Jira Cloud documents.
   */
  public static final double DEFAULT_CLOUD_ISSUE_WRITES_PER_SECOND = 3;
  /** The default burst of {@link Builder#issueWritesPerSecond} on Cloud: 10. */
  public static final int DEFAULT_CLOUD_ISSUE_WRITE_BURST = 10;
  /**
   * The smallest request rate a pace takes, 0 (no pace) aside: 0.01 a second. Below it a request
   * waits minutes for its turn, and a rate small enough (1e-300) has an interval beyond what a
   * long counts in nanoseconds, wraps round and paces nothing.
   */
  public static final double MIN_RATE = 0.01;
  /** The largest request rate a pace takes: 10,000 a second; Jira's limits come long before. */
  public static final double MAX_RATE = 10_000;
  /**
   * The largest burst a pace takes: 1,000,000. The burst's tolerance, an interval (at most
   * 100 s, at {@value #MIN_RATE} a second) for each request of it, must stay within a long in
   * nanoseconds: a burst of 2^31 - 1 at 0.01 a second wrapped round to a wait of 209 years.
   */
  public static final int MAX_BURST = 1_000_000;
  /**
   * The longest duration the builder takes (a timeout, a backoff, {@link
   * Builder#maxRetryAfter}), and the longest wait a rate-limit answer is taken to ask for (a
   * longer one is cut to it): 1 day.
   */
  public static final Duration MAX_DURATION = Duration.ofDays(1);

  private final JiraSession session;
  private final URI url;

  private JiraSite(Builder b) {
    this.url = b.url;
    RateLimits limits = new RateLimits(b.clock, new RateLimits.Pace(b.perSecond, 1),
        b.endpointPace, b.issuePace,
        new RateLimits.Pace(DEFAULT_CLOUD_ENDPOINT_REQUESTS_PER_SECOND,
            DEFAULT_CLOUD_ENDPOINT_BURST),
        new RateLimits.Pace(DEFAULT_CLOUD_ISSUE_WRITES_PER_SECOND,
            DEFAULT_CLOUD_ISSUE_WRITE_BURST));
    JiraHttp http = new JiraHttp(b.url, b.credentials, b.client, limits, b.clock,
        b.sleeper::sleep,
        new JiraHttp.RetryPolicy(b.maxAttempts, b.baseBackoff, b.maxBackoff, b.maxRetryAfter),
        b.timeout, b.random, b.maxResponseBytes);
    http.listener(b.requestListener);
    this.session = new JiraSession(http, b.flavour, b.quietWrites, b.notFoundIsDeleted);
  }

  /**
   * Starts building a site at a base URL, e.g. {@code https://example.atlassian.net} (a context
   * path such as {@code https://example.com/jira} is kept).
   *
   * @throws IllegalArgumentException when the URL is not http(s) with a host, has a port outside
   *     1 to 65535, or carries a user name, password, query or fragment (the message shows the
   *     URL without them); a plain http URL is refused by {@link Builder#build()} unless on a
   *     loopback host or allowed
   */
  public static Builder builder(URI url) {
    return new Builder(url);
  }

  /**
   * The project with this key, e.g. {@code PA}, as a tracker.
   *
   * @throws IllegalArgumentException unless the key is an upper-case letter followed by at most
   *     254 upper-case letters, digits and underscores (the value shown escaped and cut)
   */
  public IssueTracker project(String projectKey) {
    if (!JiraProject.isProjectKey(projectKey)) {
      throw new IllegalArgumentException("projectKey must be at most 255 upper-case letters and"
          + " digits, was " + JiraText.quoted(projectKey));
    }
    return new JiraProject(session, projectKey);
  }

  /** The flavour, configured or detected (the first call may ask the site). */
  public JiraFlavour flavour() {
    return session.flavour();
  }

  /**
   * The user the credentials sign in as, as the tracker port names users: the account id on
   * Cloud, the user name on Server. It must be the connector's syncUser, or the sync's own
   * changes look like people's and come back as echoes. Asks the site on the first call.
   */
  public String signedInUser() {
    return session.userId();
  }

  /** HTTP requests sent to the site so far, retries included: the cost of a sync. */
  public long requestCount() {
    return session.http().requests();
  }

  @Override
  public String toString() {
    return "JiraSite[" + url + "]";
  }

  /**
   * Builds a {@link JiraSite}; each setter checks its argument at once and refuses a bad one,
   * null included, with an {@link IllegalArgumentException} naming the setting and the value.
   */
  public static final class Builder {
    private final URI url;
    private JiraFlavour flavour;
    private JiraCredentials credentials;
    private double perSecond = 10;
    private RateLimits.Pace endpointPace;
    private RateLimits.Pace issuePace;
    private Duration timeout = Duration.ofSeconds(30);
    private int maxAttempts = 4;
    private Duration baseBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration maxRetryAfter = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    private HttpClient client;
    private boolean quietWrites;
    private boolean notFoundIsDeleted;
    private Random random = new Random();
    private boolean allowInsecureHttp;
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;
    private JiraRequestListener requestListener;

    private Builder(URI url) {
      if (url == null) {
        throw new IllegalArgumentException("url is required, e.g. https://example.atlassian.net");
      }
      if (!JiraUrls.web(url)) {
        throw new IllegalArgumentException("url must be the https URL of the site, e.g."
            + " https://example.atlassian.net, was " + JiraUrls.shown(url));
      }
      if (url.getRawUserInfo() != null) {
        throw new IllegalArgumentException("url must not carry a user name or password (give"
            + " them as credentials), was " + JiraUrls.shown(url));
      }
      if (url.getRawQuery() != null || url.getRawFragment() != null) {
        throw new IllegalArgumentException("url must not have a query or a fragment, was "
            + JiraUrls.shown(url));
      }
      if (url.getPort() == 0 || url.getPort() > 65535) {
        // java.net.URI takes any number: the HTTP client would refuse it at the first request
        throw new IllegalArgumentException("url must have a port from 1 to 65535, was "
            + JiraUrls.shown(url));
      }
      this.url = url;
    }

    /** Cloud or Server/Data Center. Default: detected from {@code /serverInfo}. */
    public Builder flavour(JiraFlavour value) {
      this.flavour = required("flavour", value);
      return this;
    }

    /** How requests authenticate. Required. */
    public Builder credentials(JiraCredentials value) {
      this.credentials = required("credentials", value);
      return this;
    }

    /**
     * At most this many requests per second to the site, shared by all its projects, from 0.01
     * to 10,000; 0 for no limit. Default 10. Jira Cloud also limits by cost and answers 429 when
     * exceeded, which is honoured on top (see <i>Rate limits</i> above).
     */
    public Builder requestsPerSecond(double value) {
      this.perSecond = RateLimits.Pace.rate("requestsPerSecond", value, "no limit");
      return this;
    }

    /**
     * Paces the requests of each endpoint and method (e.g. {@code GET /rest/api/3/issue/{key}},
     * whatever the key) to {@code perSecond} on average, with up to {@code burst} at once, so as
     * to stay under Jira Cloud's burst limit, which is per endpoint and method: a busy endpoint
     * then waits without slowing the others. {@code perSecond} from 0.01 to 10,000, or 0 for no
     * pace; {@code burst} from 1 to 1,000,000. Default on Cloud {@value
     * #DEFAULT_CLOUD_ENDPOINT_REQUESTS_PER_SECOND} a second with bursts of {@value
     * #DEFAULT_CLOUD_ENDPOINT_BURST}; none on Server/Data Center. Set, it applies to both.
     *
     * @since 0.1.0
     */
    public Builder endpointRequestsPerSecond(double perSecond, int burst) {
      this.endpointPace = RateLimits.Pace.of("endpointRequestsPerSecond", perSecond, burst);
      return this;
    }

    /**
     * Paces the writes (anything but GET) to each issue to {@code perSecond} on average, with up
     * to {@code burst} at once, so as to stay under Jira Cloud's per-issue write limit: writes to
     * a hot issue wait while those to other issues and all reads go on. A burst of 1 is a minimum
     * spacing of {@code 1 / perSecond} between writes to one issue. {@code perSecond} from 0.01
     * to 10,000, or 0 for no pace; {@code burst} from 1 to 1,000,000. Default on Cloud {@value
     * #DEFAULT_CLOUD_ISSUE_WRITES_PER_SECOND} a second with bursts of {@value
     * #DEFAULT_CLOUD_ISSUE_WRITE_BURST}; none on Server/Data Center. Set, it applies to both.
     *
     * @since 0.1.0
     */
    public Builder issueWritesPerSecond(double perSecond, int burst) {
      this.issuePace = RateLimits.Pace.of("issueWritesPerSecond", perSecond, burst);
      return this;
    }

    /**
     * How long one request may take: its whole answer, headers and body, must be in within it
     * (uploads get ten times as long); an attachment download, which may be large, may take
     * longer, but fails when no bytes come for this long. Past it the call fails with a {@link
     * org.backbonesync.spi.RetriableException} (a download's read with an {@link
     * java.net.http.HttpTimeoutException}) naming the request. From 1 ms to 1 day; default
     * 30 s.
     */
    public Builder timeout(Duration value) {
      this.timeout = fromOneMs("timeout", value);
      return this;
    }

    /**
     * Attempts per request before the failure goes back to the engine (which retries the step
     * later): 1 for no retries, at most 100 (more would hold a call's thread for hours against
     * a site that keeps failing, when the engine retries the step later anyway). Default 4.
     */
    public Builder maxAttempts(int value) {
      if (value < 1 || value > 100) {
        throw new IllegalArgumentException("maxAttempts must be from 1 to 100, was " + value);
      }
      this.maxAttempts = value;
      return this;
    }

    /**
     * The first backoff after a 5xx or timeout, doubled each attempt up to {@code max}; each from
     * 1 ms to 1 day, {@code max} not less than {@code base}. Default 500 ms, 30 s.
     */
    public Builder backoff(Duration base, Duration max) {
      Duration first = fromOneMs("backoff base", base);
      Duration most = fromOneMs("backoff max", max);
      if (most.compareTo(first) < 0) {
        throw new IllegalArgumentException(
            "backoff max " + most + " must not be less than backoff base " + first);
      }
      this.baseBackoff = first;
      this.maxBackoff = most;
      return this;
    }

    /**
     * The longest Retry-After waited for inside a call, and the longest a call waits for a
     * pause of its scope (see <i>Rate limits</i> above); a longer one fails the call at once with
     * a {@link JiraRateLimitedException} carrying the wait, for the engine to come back later,
     * rather than holding its thread. From 0 to 1 day (a wait Jira gives is taken as at most a
     * day); default 60 s; zero never waits for a pause.
     */
    public Builder maxRetryAfter(Duration value) {
      if (value == null || value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException("maxRetryAfter must be from 0 to 1 day, was "
            + value);
      }
      this.maxRetryAfter = value;
      return this;
    }

    /** Whether writes ask Jira not to notify ({@code notifyUsers=false}; needs admin rights). */
    public Builder quietWrites(boolean value) {
      this.quietWrites = value;
      return this;
    }

    /**
     * Whether every 404 for an issue is taken as its deletion, which a partner whose {@code
     * onPartnerGone} is delete answers by deleting its copy. Jira answers 404 both for a deleted
     * issue and for one the sync user may not see (an issue security level, a permission taken
     * away, a move to a project it cannot browse), and Cloud's answer does not say which.
     * Default false: only Server/Data Center's "Issue Does Not Exist" is taken as a deletion; any
     * other 404 tells the partner its issue was not found, which it marks at most. Set it only
     * where the sync user sees every issue of the site's synced projects.
     */
    public Builder notFoundIsDeleted(boolean value) {
      this.notFoundIsDeleted = value;
      return this;
    }

    /** The clock for the paces, the pauses and rate-limit resets. Default: the system clock. */
    public Builder clock(Clock value) {
      this.clock = required("clock", value);
      return this;
    }

    /** How waits happen. Default: the thread sleeps. */
    public Builder sleeper(Sleeper value) {
      this.sleeper = required("sleeper", value);
      return this;
    }

    /**
     * The HTTP client. Default: a new one (HTTP/1.1, no automatic redirects). It must not
     * follow redirects itself ({@link HttpClient.Redirect#NEVER}): the JDK's client would take
     * the credentials along to wherever a redirect points.
     */
    public Builder httpClient(HttpClient value) {
      required("httpClient", value);
      if (value.followRedirects() != HttpClient.Redirect.NEVER) {
        throw new IllegalArgumentException("httpClient must not follow redirects, its policy was "
            + value.followRedirects() + ": the adapter follows them itself so that the"
            + " credentials go only to the site");
      }
      this.client = value;
      return this;
    }

    /**
     * Accepts a plain {@code http://} site URL on a host other than loopback: the credentials
     * and everything synced then travel in clear text, so only for a network the operator
     * trusts. Default false. A redirect from https to http is refused whatever this says.
     */
    public Builder allowInsecureHttp(boolean value) {
      this.allowInsecureHttp = value;
      return this;
    }

    /**
     * The largest answer body read from the site, in bytes; a larger answer fails the call with
     * {@link JiraAnswerException} instead of filling the memory. Default {@value
     * #DEFAULT_MAX_RESPONSE_BYTES} (a search page of 50 issues with their changelogs and
     * comments is a few MB). Downloads stream and are not capped.
     */
    public Builder maxResponseBytes(long value) {
      if (value < 1024 || value > MAX_RESPONSE_BYTES) {
        throw new IllegalArgumentException("maxResponseBytes must be from 1024 to "
            + MAX_RESPONSE_BYTES + ", was " + value);
      }
      this.maxResponseBytes = value;
      return this;
    }

    /** The random source of backoff jitter (tests fix a seed). */
    public Builder random(Random value) {
      this.random = required("random", value);
      return this;
    }

    /**
     * Tells a listener of every request and answer (for metrics: the Micrometer module's {@code
     * MicrometerJiraListener}); none by default.
     */
    public Builder requestListener(JiraRequestListener value) {
      this.requestListener = value;
      return this;
    }

    /** Builds the site; no request is sent yet. */
    public JiraSite build() {
      if (credentials == null) {
        throw new IllegalStateException("credentials are required");
      }
      if (!url.getScheme().equalsIgnoreCase("https") && !JiraUrls.loopback(url)
          && !allowInsecureHttp) {
        throw new IllegalArgumentException("url must be https: " + JiraUrls.shown(url)
            + " would send the credentials in clear text (plain http is accepted on a loopback"
            + " host, or with allowInsecureHttp(true))");
      }
      if (client == null) {
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(timeout).build();
      }
      return new JiraSite(this);
    }

    /** A value a setter needs: null is refused naming the setting, as the others refuse theirs. */
    private static <T> T required(String name, T value) {
      if (value == null) {
        throw new IllegalArgumentException(name + " is required, was null");
      }
      return value;
    }

    /**
     * At least a millisecond (the clocks' unit: less would be 0) and at most a day: a longer
     * wait inside one call holds its thread, and one beyond what a long counts in nanoseconds
     * overflows where it is used (a timeout failed each request with the HTTP client's {@code
     * long overflow}, retried for ever; a backoff threw an ArithmeticException at the first 5xx).
     */
    private static Duration fromOneMs(String name, Duration value) {
      if (value == null || value.compareTo(Duration.ofMillis(1)) < 0
          || value.compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException(name + " must be from 1 ms to 1 day, was " + value);
      }
      return value;
    }
  }
}
