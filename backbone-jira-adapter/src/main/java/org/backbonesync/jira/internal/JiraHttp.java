package org.backbonesync.jira.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backbonesync.jira.JiraAnswerException;
import org.backbonesync.jira.JiraCredentials;
import org.backbonesync.jira.JiraException;
import org.backbonesync.jira.JiraFlavour;
import org.backbonesync.jira.JiraLimitScope;
import org.backbonesync.jira.JiraRateLimitedException;
import org.backbonesync.jira.JiraRedirectException;
import org.backbonesync.jira.JiraRequestListener;
import org.backbonesync.jira.JiraSite;
import org.backbonesync.jira.JiraTransientException;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.StrictJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to one Jira site: authentication, the site's rate limits, retries and
 * backoff, and Jira's error bodies turned into typed exceptions. Thread-safe.
 *
 * <p>Every request first waits its paced slot ({@link RateLimits}). A 429 or 503 that says how
 * long to wait (Retry-After or the rate-limit reset) pauses the scope its {@code
 * RateLimit-Reason} names (the endpoint and method, the written issue, or the whole site) for that
 * long; requests of a paused scope wait for the end of the pause, or, when it is further off than
 * the longest wait allowed inside a call, fail at once with a {@link JiraRateLimitedException}
 * without being sent.
 *
 * <p>Retried within a call: 429 and 503 (after the pause, when it is not too long), 409 (a
 * conflicting update, not applied), and for idempotent methods also other 5xx, timeouts and
 * dropped connections, with exponential backoff and jitter. A POST is retried only when Jira
 * cannot have acted on it (429, 503, 409, connection refused); otherwise, and when attempts run out, the call fails with a
 * {@link RetriableException} so the engine retries the whole step later: for an error answer a
 * {@link JiraTransientException}, which carries the status.
 *
 * <p>Credentials go only to the site's origin (scheme, host and port). API requests never
 * follow a redirect; a download follows one by hand, to another origin without the
 * credentials (and never with them again in that chain), never from https to anything else,
 * never in a loop and at most {@value #MAX_REDIRECTS} hops ({@link JiraRedirectException}).
 * Answers are read within the request's timeout, headers and body ({@link TimedBody}; a
 * download's body as it comes, each stall at most the timeout), up to a byte limit, and parsed
 * strictly ({@link StrictJson}: no duplicate keys, bounded nesting), else {@link
 * JiraAnswerException}. Text Jira sends back (error messages, headers, a redirect's Location)
 * has the credentials blotted out before it reaches a message, an exception's field or the log,
 * and only then is it escaped and cut.
 */
public final class JiraHttp {
  private static final Logger LOG = LoggerFactory.getLogger(JiraHttp.class);
  static final ObjectMapper JSON = StrictJson.mapper();
  /** Redirects a download follows at most. */
  public static final int MAX_REDIRECTS = 5;
  /** The most characters of a path or URL a message shows. */
  private static final int MAX_SHOWN = 300;
  /** Bytes of an error answer read for its messages; the rest is dropped. */
  static final int MAX_ERROR_BYTES = 64 * 1024;
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");
  /** The most characters of one of Jira's error messages a refusal shows. */
  private static final int MAX_JIRA_TEXT = 500;
  /** The most characters of the JSON parser's reason a refusal shows. */
  private static final int MAX_REASON = 200;

  /** Waits; tests pass one that moves a manual clock instead. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** A response: status, headers and the JSON body (null when empty or not JSON). */
  public record Response(int status, JsonNode body, Map<String, List<String>> headers) {
    public Optional<String> header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return Optional.of(e.getValue().get(0));
        }
      }
      return Optional.empty();
    }
  }

  /** Settings of the retry policy. */
  public record RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff,
      Duration maxRetryAfter) {}

  private final URI base;
  private final JiraCredentials credentials;
  private final HttpClient client;
  private final RateLimits limits;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RetryPolicy retry;
  private final Duration timeout;
  private final Random jitter;
  private final long maxResponseBytes;
  private final AtomicLong requests = new AtomicLong();
  /** What signing added to the requests so far: blotted out of every text a message shows. */
  private final AtomicReference<Secrets> signed = new AtomicReference<>(Secrets.NONE);
  /** The last signing's added header values and their secrets: most signings add the same. */
  private volatile Signing lastSigning;
  private volatile JiraRequestListener listener;

  /**
   * @param client must not follow redirects itself ({@link HttpClient.Redirect#NEVER}): it would
   *     take the credentials along
   * @param maxResponseBytes the largest answer body read (downloads stream and are not capped)
   */
  public JiraHttp(URI base, JiraCredentials credentials, HttpClient client, RateLimits limits,
      Clock clock, Sleeper sleeper, RetryPolicy retry, Duration timeout, Random jitter,
      long maxResponseBytes) {
    if (client.followRedirects() != HttpClient.Redirect.NEVER) {
      throw new IllegalArgumentException("the HTTP client must not follow redirects (its policy"
          + " is " + client.followRedirects() + "): they are followed by hand so that the"
          + " credentials go only to the site");
    }
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.credentials = credentials;
    this.client = client;
    this.limits = limits;
    this.clock = clock;
    this.sleeper = sleeper;
    this.retry = retry;
    this.timeout = timeout;
    this.jitter = jitter;
    this.maxResponseBytes = maxResponseBytes;
  }

  /** Tells {@code value} of every answer from now on; null for none. */
  public void listener(JiraRequestListener value) {
    this.listener = value;
  }

  /** The site's flavour is known: the paces left to their default take the flavour's. */
  public void flavour(JiraFlavour flavour) {
    limits.flavour(flavour == JiraFlavour.CLOUD);
  }

  /** HTTP requests sent so far, retries included. */
  public long requests() {
    return requests.get();
  }

  /** The site's clock (what its pacing and metadata caches time by). */
  public Clock clock() {
    return clock;
  }

  public URI base() {
    return base;
  }

  /** Sends a JSON request (body may be null) and returns the 2xx response. */
  public Response send(String method, String pathAndQuery, JsonNode body, String issueKey) {
    byte[] bytes = jsonBytes(body);
    URI uri = URI.create(base + pathAndQuery);
    boolean idempotent = !method.equals("POST");
    for (int attempt = 1; ; attempt++) {
      HttpRequest.Builder request = jsonRequest(method, uri, bytes);
      Secrets secrets = authorize(request, method, uri);
      HttpResponse<InputStream> response;
      byte[] answer;
      try {
        response = exchange(request.build(), false, issueKey);
        answer = read(response, method, uri, issueKey);
      } catch (IOException e) {
        boolean notSent = e instanceof ConnectException;
        String why = NoAnswer.why(e, uri, secrets::scrub);
        if ((idempotent || notSent) && attempt < retry.maxAttempts()) {
          backoff(attempt, null, method, uri, why);
          continue;
        }
        throw new RetriableException(describe(method, uri) + " " + why, e);
      }
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return new Response(status, answer(answer, response, method, uri, issueKey, secrets),
            response.headers().map());
      }
      Response failed = new Response(status, parse(answer), response.headers().map());
      if (status == 429 || status == 503) {
        Duration wait = retryAfter(failed);
        if (attempt < retry.maxAttempts()
            && (wait == null || wait.compareTo(retry.maxRetryAfter()) <= 0)) {
          awaitLimit(attempt, method, uri, issueKey, failed, wait);
          continue; // a pause is waited for before the request goes again
        }
        throw gaveUp(method, uri, issueKey, failed, wait);
      }
      // 409: Jira Cloud did not apply an edit or transition for a conflicting update made at
      // the same time (an automation rule, say): done again a moment later, it goes through
      boolean conflict = status == 409;
      if ((status >= 500 && idempotent || conflict) && attempt < retry.maxAttempts()) {
        backoff(attempt, null, method, uri, "answered " + status);
        continue;
      }
      throw status >= 500 || conflict ? new JiraTransientException(describe(method, uri)
          + " answered " + status + jiraText(errorSummary(failed.body()), secrets)
          + (conflict ? " (a conflicting update; tried again later)" : ""), status, null)
          : refused(method, uri, failed, issueKey, secrets);
    }
  }

  private static byte[] jsonBytes(JsonNode body) {
    try {
      return body == null ? null : JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write request body", e);
    }
  }

  /** A request for JSON, carrying {@code body} as JSON unless it is null. */
  private HttpRequest.Builder jsonRequest(String method, URI uri, byte[] body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Accept", "application/json");
    if (body == null) {
      return request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return request.header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
  }

  /**
   * Waits before a rate-limited request goes again: pauses the scope Jira named for the wait it
   * gave (the request's next turn waits the pause out), or, when it gave none, backs off.
   */
  private void awaitLimit(int attempt, String method, URI uri, String issueKey, Response failed,
      Duration wait) {
    RateLimits.Pause pause = pause(method, uri, issueKey, failed, wait);
    String why = "answered " + failed.status() + shownReason(failed);
    if (pause == null) {
      backoff(attempt, null, method, uri, why);
    } else {
      LOG.debug("{} {}; attempt {} of {}, {} paused for {} ms", describe(method, uri), why,
          attempt, retry.maxAttempts(), pause.described(), wait.toMillis());
    }
  }

  /**
   * Sends a request whose answer must be JSON: {@link #send}, and an empty 2xx answer is a
   * {@link JiraAnswerException} rather than a null to trip over.
   */
  public JsonNode json(String method, String pathAndQuery, JsonNode body, String issueKey) {
    JsonNode answer = send(method, pathAndQuery, body, issueKey).body();
    if (answer == null) {
      String request = describe(method, URI.create(base + pathAndQuery));
      throw new JiraAnswerException(request + " answered without a body, where Jira sends JSON",
          request, null, issueKey);
    }
    return answer;
  }

  /**
   * GETs a binary resource of the site as a stream the caller closes, following redirects by
   * hand (Jira Cloud sends downloads to its media store): the credentials go along only while
   * every hop stays on the site's origin.
   *
   * @param uri a path of the site, or an absolute URL on the site's origin
   * @return the body; a read that waits longer than the timeout for bytes fails with an {@link
   *     HttpTimeoutException} naming the request
   * @throws IllegalArgumentException for an absolute URL on another origin
   */
  public InputStream download(String uri) {
    URI first = URI.create(uri);
    if (first.isAbsolute() && !JiraUrls.sameOrigin(base, first)) {
      throw new IllegalArgumentException("not on the site " + shown(base) + ": "
          + shown(first));
    }
    URI at = first.isAbsolute() ? first : URI.create(base + uri);
    Set<URI> visited = new LinkedHashSet<>();
    visited.add(at);
    boolean credentialed = true;
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder request = HttpRequest.newBuilder(at).timeout(timeout).GET();
      Secrets secrets = credentialed ? authorize(request, "GET", at) : Secrets.NONE;
      HttpResponse<InputStream> response;
      try {
        response = exchange(request.build(), true, null);
      } catch (IOException e) {
        throw new RetriableException(describe("GET", at) + " "
            + NoAnswer.why(e, at, this::scrub), e);
      }
      int status = response.statusCode();
      if (status >= 300 && status < 400) {
        at = nextHop(at, response, visited, hop);
        credentialed = credentialed && JiraUrls.sameOrigin(base, at);
        continue;
      }
      if (status >= 200 && status < 300) {
        return response.body();
      }
      Response failed = new Response(status, parse(errorBody(response)),
          response.headers().map());
      // (another origin's rate limit pauses nothing here)
      throw failure("GET", at, failed, null, secrets, JiraUrls.sameOrigin(base, at));
    }
  }

  /**
   * Where a download's redirect goes next: its Location, unless the chain comes back to a hop
   * it visited or goes past {@value #MAX_REDIRECTS} redirects.
   *
   * @param visited the hops so far; the next one is added
   * @param hop the redirects followed before this one
   */
  private URI nextHop(URI at, HttpResponse<InputStream> response, Set<URI> visited, int hop) {
    int status = response.statusCode();
    close(response.body());
    URI next = location("GET", at, response, null);
    if (visited.contains(next)) {
      throw redirect("GET", at, next, status, JiraRedirectException.Reason.LOOP,
          "refused, a redirect loop", null);
    }
    if (hop + 1 > MAX_REDIRECTS) {
      throw redirect("GET", at, next, status, JiraRedirectException.Reason.TOO_MANY,
          "refused, more than " + MAX_REDIRECTS + " redirects", null);
    }
    visited.add(next);
    return next;
  }

  /** An error answer's body, up to {@link #MAX_ERROR_BYTES}; none when it cannot be read. */
  private static byte[] errorBody(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      return in.readNBytes(MAX_ERROR_BYTES);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /**
   * POSTs one file as {@code multipart/form-data} (part {@code file}), streaming it, with the
   * header Jira needs to accept uploads. Sent once: a stream cannot be sent again.
   */
  public Response upload(String path, String filename, String mimeType, InputStream content,
      String issueKey) {
    String boundary = "backbone-" + UUID.randomUUID();
    String safeName = dispositionName(filename);
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
        + "filename=\"" + safeName + "\"\r\nContent-Type: "
        + (mimeType == null ? "application/octet-stream" : mimeType) + "\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    URI uri = URI.create(base + path);
    boolean[] used = {false};
    UploadBody upload = new UploadBody(new SequenceInputStream(new ByteArrayInputStream(head),
        new SequenceInputStream(content, new ByteArrayInputStream(tail))));
    // (no request timeout: it would bound the whole transfer; the upload's progress is timed)
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .header("Accept", "application/json")
        .header("X-Atlassian-Token", "no-check")
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> {
          if (used[0]) {
            throw new IllegalStateException("an upload stream can be sent once");
          }
          used[0] = true;
          return upload;
        }));
    Secrets secrets = authorize(request, "POST", uri);
    HttpResponse<InputStream> response;
    byte[] answer;
    try {
      response = exchange(request.build(), false, issueKey, upload);
      answer = read(response, "POST", uri, issueKey);
    } catch (IOException e) {
      throw new RetriableException(describe("POST", uri) + " "
          + NoAnswer.why(e, uri, secrets::scrub)
          + (e instanceof UploadBody.Stalled s ? " (" + s.reason() + ")" : ""), e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return new Response(status, answer(answer, response, "POST", uri, issueKey, secrets),
          response.headers().map());
    }
    throw failure("POST", uri, new Response(status, parse(answer), response.headers().map()),
        issueKey, secrets, true);
  }

  /**
   * A file name as the multipart part's {@code filename="..."} carries it so that Jira stores the
   * name itself. Jira reads the part with Commons FileUpload (through the Atlassian REST plugin),
   * which takes a quoted value as it stands, backslashes included, and decodes RFC 2047 encoded
   * words in it: a quote sent percent-encoded ({@code %22}, as browsers and RFC 7578 do) or
   * backslash-escaped is stored so, {@code %22} or {@code \"}. So a name with a quote, a
   * backslash, a control character, or text that reads as an encoded word ({@code =?}) goes as
   * one encoded word, {@code =?UTF-8?B?<base64 of its UTF-8>?=}; others as they are (line breaks
   * dropped, as ever).
   */
  static String dispositionName(String filename) {
    String name = filename.replace("\r", "").replace("\n", "");
    boolean plain = !name.contains("=?") && name.chars()
        .allMatch(c -> c >= 0x20 && c != 0x7f && c != '"' && c != '\\');
    return plain ? name : "=?UTF-8?B?" + java.util.Base64.getEncoder()
        .encodeToString(name.getBytes(StandardCharsets.UTF_8)) + "?=";
  }

  /**
   * What a call that tries no more throws for an error answer: for a rate limit (429, 503), the
   * scope Jira named paused and the call given up ({@link #gaveUp}); for another 5xx, or a 429
   * from another origin, a {@link JiraTransientException} with the status and the wait Jira
   * gave; for anything else, Jira's refusal.
   *
   * @param site whether the site answered (another origin's rate limit pauses nothing here)
   */
  private SyncException failure(String method, URI uri, Response failed, String issueKey,
      Secrets secrets, boolean site) {
    int status = failed.status();
    if (site && (status == 429 || status == 503)) {
      return gaveUp(method, uri, issueKey, failed, retryAfter(failed));
    }
    if (status == 429 || status >= 500) {
      return new JiraTransientException(describe(method, uri) + " answered " + status, status,
          retryAfter(failed));
    }
    return refused(method, uri, failed, issueKey, secrets);
  }

  /**
   * Waits for the request's turn (its paced slot, after any pause of its scope), then sends it.
   * The answer's body is a {@link TimedBody}: reading it waits at most the request's timeout for
   * bytes, and, unless {@code streamed} and a 2xx, never past the sending plus that timeout.
   *
   * @param streamed whether a 2xx body is a download, read as it comes
   * @param issueKey the issue the request is about, or null; a write to it is paced per issue
   * @throws JiraRateLimitedException when a pause runs longer than the longest wait in a call
   */
  private HttpResponse<InputStream> exchange(HttpRequest request, boolean streamed,
      String issueKey) throws IOException {
    return exchange(request, streamed, issueKey, null);
  }

  /**
   * {@link #exchange(HttpRequest, boolean, String)}, for an upload timed by its progress: no
   * stall longer than the timeout while it goes out, and the answer within ten times the timeout
   * after its last byte.
   *
   * @param upload the upload's body, or null for a request the client's timeout bounds
   */
  private HttpResponse<InputStream> exchange(HttpRequest request, boolean streamed,
      String issueKey, UploadBody upload) throws IOException {
    String method = request.method();
    Duration limit = request.timeout().orElse(timeout);
    String endpoint = method + " " + JiraEndpoints.template(request.uri().getRawPath());
    String written = writtenIssue(method, issueKey);
    try {
      RateLimits.Pause waited = null;
      for (; ; ) {
        RateLimits.Hold hold = limits.hold(endpoint, written, waited);
        RateLimits.Pause pause = hold.pause();
        if (pause != null && hold.delay().compareTo(retry.maxRetryAfter()) > 0) {
          tellDeferred(method, request.uri(), pause, hold.delay());
          throw new JiraRateLimitedException(describe(method, request.uri()) + " not sent: "
              + pause.described() + " is paused for " + seconds(hold.delay())
              + " s more after Jira's rate limit (" + pause.reason() + ")", pause.scope(),
              pause.reason(), hold.delay());
        }
        if (!hold.delay().isZero() && !hold.delay().isNegative()) {
          sleeper.sleep(hold.delay());
        }
        if (pause == null) {
          break; // the paced slot is taken; a pause is waited out and then asked again
        }
        waited = pause;
      }
      requests.incrementAndGet();
      long sent = System.nanoTime();
      HttpResponse<InputStream> response;
      try {
        if (upload == null) {
          response = client.send(request, TimedBody.handler(limit, sent, streamed,
              () -> describe(method, request.uri())));
        } else {
          // the answer's body is timed from its headers: the upload before them took its time
          response = upload.await(client.sendAsync(request, info -> TimedBody.handler(timeout,
              System.nanoTime(), false, () -> describe(method, request.uri())).apply(info)),
              timeout, timeout.multipliedBy(10), () -> describe(method, request.uri()));
        }
      } catch (IOException e) {
        tellUnanswered(request, e, Duration.ofNanos(System.nanoTime() - sent));
        throw e;
      }
      tell(request, response, Duration.ofNanos(System.nanoTime() - sent));
      return response;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException(describe(request.method(), request.uri()) + " interrupted", e);
    }
  }

  /** The issue a request writes to, paced and paused per issue: none for a read. */
  private static String writtenIssue(String method, String issueKey) {
    return method.equals("GET") || method.equals("HEAD") ? null : issueKey;
  }

  /**
   * Pauses the scope a rate-limit answer names, for the wait it gives, and tells the listener;
   * null when the answer gives no wait (then backoff decides).
   */
  private RateLimits.Pause pause(String method, URI uri, String issueKey, Response failed,
      Duration wait) {
    if (wait == null) {
      return null;
    }
    String endpoint = JiraEndpoints.template(uri.getRawPath());
    RateLimits.Pause pause = limits.pause(reason(failed), method + " " + endpoint,
        writtenIssue(method, issueKey), wait);
    if (listener != null) {
      try {
        listener.paused(method, endpoint, pause.reason(), pause.scope(), wait);
      } catch (RuntimeException e) {
        LOG.debug("the request listener failed: {}", e.toString());
      }
    }
    return pause;
  }

  /**
   * The failure of a call that will not wait for a rate limit (too long, or out of attempts):
   * the scope Jira named paused for the wait it gave ({@link #pause}), the failure typed with the
   * scope when Jira said how long, and told to the listener.
   */
  private RetriableException gaveUp(String method, URI uri, String issueKey, Response failed,
      Duration wait) {
    RateLimits.Pause pause = pause(method, uri, issueKey, failed, wait);
    String message = describe(method, uri) + " answered " + failed.status()
        + shownReason(failed) + (wait == null ? "" : "; retry after " + seconds(wait) + " s");
    if (pause == null) {
      return new JiraTransientException(message, failed.status(), wait);
    }
    tellDeferred(method, uri, pause, wait);
    return new JiraRateLimitedException(message + " (" + pause.described() + " is paused)",
        pause.scope(), pause.reason(), wait);
  }

  /** Tells the listener of a call given up on for a pause of its scope. */
  private void tellDeferred(String method, URI uri, RateLimits.Pause pause, Duration wait) {
    if (listener == null) {
      return;
    }
    try {
      listener.deferred(method, JiraEndpoints.template(uri.getRawPath()), pause.reason(),
          pause.scope(), wait);
    } catch (RuntimeException e) {
      LOG.debug("the request listener failed: {}", e.toString());
    }
  }

  /** Whole seconds, rounded up: a retry a moment early would only be refused again. */
  private static long seconds(Duration d) {
    return d.plusNanos(999_999_999).toSeconds();
  }

  /**
   * Jira's {@code RateLimit-Reason}, safe to show and to tag a meter with: {@code unknown} when
   * absent, {@code other} when not a short lower-case token (it is text the other side chose).
   */
  static String reason(Response r) {
    return r.header("RateLimit-Reason").map(JiraHttp::safeReason).orElse("unknown");
  }

  private static String safeReason(String header) {
    String r = header.trim();
    return r.matches("[a-z0-9-]{1,40}") ? r : "other";
  }

  /** The reason for a message: {@code " (jira-burst-based)"}, or nothing when Jira named none. */
  private static String shownReason(Response r) {
    return r.header("RateLimit-Reason").isPresent() ? " (" + reason(r) + ")" : "";
  }

  /** Tells the listener of a request that got no answer (a timeout, a reset, a refusal). */
  private void tellUnanswered(HttpRequest request, IOException e, Duration took) {
    if (listener == null) {
      return;
    }
    String why = e instanceof HttpTimeoutException ? "timeout"
        : e instanceof ConnectException ? "connect" : "io";
    try {
      listener.unanswered(request.method(),
          JiraEndpoints.template(request.uri().getRawPath()), why, took);
    } catch (RuntimeException failed) {
      LOG.debug("the request listener failed: {}", failed.toString());
    }
  }

  /** Tells the listener of an answer; a listener that throws is ignored. */
  private void tell(HttpRequest request, HttpResponse<?> response, Duration took) {
    if (listener == null) {
      return;
    }
    String endpoint = JiraEndpoints.template(request.uri().getRawPath());
    int status = response.statusCode();
    try {
      listener.answered(request.method(), endpoint, status, took);
      var reason = response.headers().firstValue("RateLimit-Reason");
      if (status == 429 || status == 503 && reason.isPresent()) {
        listener.rateLimited(request.method(), endpoint, status, reason
            .map(JiraHttp::safeReason).orElse("unknown"));
      }
    } catch (RuntimeException e) {
      LOG.debug("the request listener failed: {}", e.toString());
    }
  }

  /** Signs a request to the site; what the signing added is secret from then on. */
  private Secrets authorize(HttpRequest.Builder request, String method, URI uri) {
    if (!JiraUrls.sameOrigin(base, uri)) {
      throw new IllegalStateException("credentials are for " + shown(base)
          + " only, not for " + shown(uri));
    }
    Map<String, List<String>> before = request.copy().build().headers().map();
    try {
      credentials.authorize(request, method, uri);
    } catch (IllegalArgumentException e) { // the JDK's text quotes the header: the secret
      throw new IllegalArgumentException(credentials + " made a request header the HTTP client"
          + " refuses (a line break or control character in the secret?); not shown");
    }
    Set<String> added = new LinkedHashSet<>();
    request.copy().build().headers().map().forEach((name, values) -> {
      for (String v : values) {
        if (!before.getOrDefault(name, List.of()).contains(v)) {
          added.add(v);
        }
      }
    });
    List<String> values = List.copyOf(added);
    Signing last = lastSigning;
    if (last == null || !last.added().equals(values)) {
      last = new Signing(values, Secrets.of(added));
      lastSigning = last;
    }
    signed.accumulateAndGet(last.secrets(), Secrets::and);
    return last.secrets();
  }

  /** What one signing added, in order, and the secrets made of it; printed without them. */
  private record Signing(List<String> added, Secrets secrets) {
    @Override
    public String toString() {
      return "Signing[" + added.size() + " values]";
    }
  }

  /** The text with the credentials of every request signed so far blotted out. */
  String scrub(String text) {
    return signed.get().scrub(text);
  }

  /**
   * A URL as a message, an exception's field or the log shows it: {@link JiraUrls#shown}, the
   * credentials blotted out (a Location may carry them in its path or host), escaped and cut.
   */
  public String shown(URI uri) {
    return JiraText.printable(scrub(JiraUrls.shown(uri)), MAX_SHOWN);
  }

  /**
   * Reads an answer's body: a 2xx one up to the byte limit (beyond it the answer is refused), a
   * redirect's not at all, any other up to {@link #MAX_ERROR_BYTES}. A redirect is refused here:
   * API requests do not follow them.
   */
  private byte[] read(HttpResponse<InputStream> response, String method, URI uri,
      String issueKey) throws IOException {
    int status = response.statusCode();
    if (status >= 300 && status < 400) {
      close(response.body());
      URI to = location(method, uri, response, issueKey);
      throw redirect(method, uri, to, status, JiraUrls.downgrade(uri, to)
          ? JiraRedirectException.Reason.DOWNGRADE : JiraRedirectException.Reason.API_REQUEST,
          JiraUrls.downgrade(uri, to) ? downgradeRefusal()
              : "refused, API requests do not follow redirects; if Jira moved, set the site"
                  + " URL to its new address", issueKey);
    }
    boolean success = status >= 200 && status < 300;
    long cap = success ? maxResponseBytes : MAX_ERROR_BYTES;
    OptionalLong declared = OptionalLong.empty();
    try {
      declared = response.headers().firstValueAsLong("Content-Length");
    } catch (NumberFormatException e) {
      // the client checks the length itself as it reads
    }
    if (success && declared.isPresent() && declared.getAsLong() > cap) {
      close(response.body());
      throw tooLarge(method, uri, status, issueKey);
    }
    try (InputStream in = response.body()) {
      byte[] bytes = in.readNBytes((int) Math.min(cap + 1, Integer.MAX_VALUE - 8));
      if (bytes.length > cap) {
        if (success) {
          throw tooLarge(method, uri, status, issueKey);
        }
        return new byte[0]; // an error page too long to be Jira's: its status says enough
      }
      return bytes;
    }
  }

  private JiraAnswerException tooLarge(String method, URI uri, int status, String issueKey) {
    return new JiraAnswerException(describe(method, uri) + " answered " + status
        + " with a body over " + maxResponseBytes + " bytes"
        + " (JiraSite.Builder.maxResponseBytes): not read", describe(method, uri), null, issueKey);
  }

  /** The absolute http(s) URL a redirect names, or a refusal. */
  private URI location(String method, URI from, HttpResponse<?> response, String issueKey) {
    int status = response.statusCode();
    Optional<String> header = response.headers().firstValue("Location")
        .filter(l -> !l.isBlank());
    if (header.isEmpty()) {
      throw new JiraRedirectException(method + " " + shown(from) + " answered HTTP "
          + status + " without a Location header", JiraRedirectException.Reason.NO_LOCATION,
          status, shown(from), null, issueKey);
    }
    URI to;
    try {
      to = from.resolve(header.get().trim());
    } catch (IllegalArgumentException e) {
      to = null;
    }
    if (to == null || !JiraUrls.web(to) || to.getRawUserInfo() != null) {
      String shown = to == null ? "(not a URL)" : shown(to);
      throw new JiraRedirectException(method + " " + shown(from) + " answered HTTP "
          + status + " with a Location that is not an http(s) URL without a user part: "
          + shown, JiraRedirectException.Reason.NO_LOCATION, status, shown(from),
          to == null ? null : shown, issueKey);
    }
    if (JiraUrls.downgrade(from, to)) {
      throw redirect(method, from, to, status, JiraRedirectException.Reason.DOWNGRADE,
          downgradeRefusal(), issueKey);
    }
    return to;
  }

  private static String downgradeRefusal() {
    return "refused, it leaves https: the request, its credentials and the answer would travel"
        + " in clear text";
  }

  private JiraRedirectException redirect(String method, URI from, URI to, int status,
      JiraRedirectException.Reason reason, String why, String issueKey) {
    String f = shown(from);
    String t = shown(to);
    return new JiraRedirectException(method + " " + f + " was redirected (HTTP " + status + ") "
        + (reason == JiraRedirectException.Reason.LOOP ? "back " : "") + "to " + t + ": " + why,
        reason, status, f, t, issueKey);
  }

  private void backoff(int attempt, Duration retryAfter, String method, URI uri, String why) {
    Duration wait = retryAfter;
    if (wait == null) {
      long cap = Math.min(retry.maxBackoff().toMillis(),
          retry.baseBackoff().toMillis() << Math.min(attempt - 1, 20));
      wait = Duration.ofMillis(cap / 2 + (long) (jitter.nextDouble() * (cap - cap / 2)));
    }
    LOG.debug("{} {}; attempt {} of {}, waiting {} ms", describe(method, uri), why, attempt,
        retry.maxAttempts(), wait.toMillis());
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException(describe(method, uri) + " interrupted while backing off", e);
    }
  }

  /**
   * Retry-After in seconds (or an HTTP date), else the Cloud rate-limit reset instant; at most
   * {@link JiraSite#MAX_DURATION}, so that a wait Jira gets wrong (a reset in the year 9999)
   * pauses the scope for that long and is then asked about again, and stays a wait anyone can
   * add to a clock. Null for "now" (0, or a time already past, as a clock ahead of Jira's makes
   * it) as for no wait: then the attempts back off, and so does the engine, rather than go
   * again at once for as long as Jira refuses.
   */
  private Duration retryAfter(Response r) {
    Duration wait = waitAsked(r);
    if (wait == null || wait.isZero()) {
      return null;
    }
    return wait.compareTo(JiraSite.MAX_DURATION) <= 0 ? wait : JiraSite.MAX_DURATION;
  }

  private Duration waitAsked(Response r) {
    Optional<String> after = r.header("Retry-After");
    if (after.isPresent()) {
      String v = after.get().trim();
      if (v.matches("\\d{1,12}")) {
        return Duration.ofSeconds(Long.parseLong(v));
      }
      try {
        Instant at = java.time.ZonedDateTime.parse(v,
            java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return positive(Duration.between(clock.instant(), at));
      } catch (java.time.format.DateTimeParseException e) {
        // fall through to the reset header
      }
    }
    Optional<String> reset = r.header("X-RateLimit-Reset");
    if (reset.isPresent()) {
      try {
        return positive(Duration.between(clock.instant(), resetInstant(reset.get().trim())));
      } catch (java.time.format.DateTimeParseException | ArithmeticException e) {
        return null;
      }
    }
    return null;
  }

  /**
   * The instant of an {@code X-RateLimit-Reset}: Jira Cloud writes it to the minute, {@code
   * 2026-03-26T16:05Z} (its documented form, {@code yyyy-MM-ddTHH:mmZ}), which {@link
   * Instant#parse} refuses for want of seconds; with seconds, a fraction or an offset it reads
   * too.
   */
  private static Instant resetInstant(String value) {
    try {
      return Instant.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      return java.time.OffsetDateTime.parse(value).toInstant();
    }
  }

  private static Duration positive(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** An error answer's JSON, or null when it has none Jira would send. */
  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null; // an HTML error page, an empty 401, JSON with a duplicate key
    }
  }

  /**
   * A 2xx answer's JSON (null when empty). Not JSON at all (a proxy's page) or JSON that ends
   * too soon (a gateway that cut the answer but ended the HTTP message cleanly) is worth another
   * try later; JSON that strict reading refuses is not.
   */
  private JsonNode answer(byte[] body, HttpResponse<?> response, String method, URI uri,
      String issueKey, Secrets secrets) {
    if (body.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (JsonEOFException e) {
      throw cutShort(method, uri, response, body, shownType(response));
    } catch (JsonProcessingException e) {
      String type = shownType(response);
      if (type.toLowerCase(Locale.ROOT).contains("json")) {
        // scrubbed before it is cut: a cut through a secret would leave most of it unknown
        String reason = secrets.scrub(StrictJson.reason(e));
        Matcher duplicate = DUPLICATE.matcher(reason);
        String field = duplicate.find() ? duplicate.group(1) : null;
        throw new JiraAnswerException(describe(method, uri) + " answered "
            + response.statusCode() + " with JSON that is refused: "
            + JiraText.printable(reason, MAX_REASON), describe(method, uri),
            field == null ? null : JiraText.printable(field, JiraText.MAX), issueKey);
      }
      throw notJson(method, uri, response, body, type);
    } catch (IOException e) {
      throw notJson(method, uri, response, body, shownType(response));
    }
  }

  /** The answer's Content-Type as a refusal shows it: scrubbed, escaped and cut. */
  private String shownType(HttpResponse<?> response) {
    return JiraText.printable(scrub(response.headers().firstValue("Content-Type")
        .orElse("no content type")), JiraText.MAX);
  }

  private RetriableException cutShort(String method, URI uri, HttpResponse<?> response,
      byte[] body, String type) {
    return new RetriableException(describe(method, uri) + " answered " + response.statusCode()
        + " with JSON that ends too soon (" + body.length + " bytes, " + type + "): cut off on"
        + " the way, worth another try", null);
  }

  private RetriableException notJson(String method, URI uri, HttpResponse<?> response,
      byte[] body, String type) {
    // a proxy's page, a cut-off answer: say so rather than read it as empty
    return new RetriableException(describe(method, uri) + " answered " + response.statusCode()
        + " with a body that is not JSON (" + body.length + " bytes, " + type + ")", null);
  }

  /**
   * The request as a message names it: the method and the path, without the query (it may hold
   * JQL with user data), the credentials blotted out (a download's hop may be a Location's),
   * escaped and cut.
   */
  private String describe(String method, URI uri) {
    return describe(method, uri, signed.get());
  }

  /** {@link #describe(String, URI)} with these secrets blotted out. */
  private static String describe(String method, URI uri, Secrets secrets) {
    return method + " " + JiraText.printable(secrets.scrub(uri.getPath()), MAX_SHOWN);
  }

  private static String errorSummary(JsonNode body) {
    if (body == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    body.path("errorMessages").forEach(m -> parts.add(m.asText()));
    body.path("errors").fields().forEachRemaining(e -> parts.add(e.getKey() + ": "
        + e.getValue().asText()));
    return parts.isEmpty() ? "" : ": " + String.join("; ", parts);
  }

  /** Jira's refusal as a request signed with nothing would have it (for tests). */
  static JiraException refused(String method, URI uri, Response r, String issueKey) {
    return refusal(describe(method, uri, Secrets.NONE), r, issueKey, Secrets.NONE);
  }

  private JiraException refused(String method, URI uri, Response r, String issueKey,
      Secrets secrets) {
    return refusal(describe(method, uri), r, issueKey, secrets);
  }

  private static JiraException refusal(String request, Response r, String issueKey,
      Secrets secrets) {
    List<String> messages = new ArrayList<>();
    Map<String, String> fields = new LinkedHashMap<>();
    JsonNode body = r.body();
    if (body != null) {
      body.path("errorMessages").forEach(m -> messages.add(jiraText(m.asText(), secrets)));
      body.path("errors").fields().forEachRemaining(e -> fields.put(
          jiraText(e.getKey(), secrets), jiraText(e.getValue().asText(), secrets)));
      if (messages.isEmpty() && fields.isEmpty() && body.has("message")) {
        messages.add(jiraText(body.path("message").asText(), secrets));
      }
    }
    Optional<String> denied = r.header("X-Authentication-Denied-Reason");
    if (r.status() == 401) {
      messages.add(0, "authentication failed (check the credentials)");
    } else if (r.status() == 403 && denied.isPresent()) {
      // Server/Data Center after failed sign-ins: every request of the user is refused, with
      // the right password too, until someone answers a CAPTCHA; no permission is missing
      messages.add(0, "authentication denied (" + jiraText(denied.get().split(";", 2)[0].trim(),
          secrets) + "): Jira wants a CAPTCHA answered after failed sign-ins; sign in once in a"
          + " browser as the sync user, or use a personal access token");
    } else if (messages.isEmpty() && fields.isEmpty()) {
      messages.add(switch (r.status()) {
        case 403 -> "the sync user lacks a permission";
        case 404 -> "not found, or the sync user cannot see it";
        default -> "no details given";
      });
    }
    return new JiraException(request, r.status(), messages, fields, issueKey);
  }

  /** A text of Jira's error answer as a message shows it: scrubbed, then escaped and cut. */
  private static String jiraText(String text, Secrets secrets) {
    return JiraText.printable(secrets.scrub(text), MAX_JIRA_TEXT);
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
