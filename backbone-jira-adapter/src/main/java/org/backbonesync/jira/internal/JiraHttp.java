package org.backbonesync.jira.internal;

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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.backbonesync.jira.JiraCredentials;
import org.backbonesync.jira.JiraException;
import org.backbonesync.spi.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to one Jira site: authentication, the site's request budget, retries and
 * backoff, and Jira's error bodies turned into typed exceptions. Thread-safe.
 *
 * <p>Retried within a call: 429 and 503 (waiting Retry-After or the rate-limit reset when it is
 * not too long), and for idempotent methods also other 5xx, timeouts and dropped connections,
 * with exponential backoff and jitter. A POST is retried only when Jira cannot have acted on it
 * (429, 503, connection refused); otherwise, and when attempts run out, the call fails with a
 * {@link RetriableException} so the engine retries the whole step later.
 */
public final class JiraHttp {
  private static final Logger LOG = LoggerFactory.getLogger(JiraHttp.class);
  static final ObjectMapper JSON = new ObjectMapper();

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
  private final RequestBudget budget;
  private final Clock clock;
  private final Sleeper sleeper;
  private final RetryPolicy retry;
  private final Duration timeout;
  private final Random jitter;
  private final AtomicLong requests = new AtomicLong();

  public JiraHttp(URI base, JiraCredentials credentials, HttpClient client, RequestBudget budget,
      Clock clock, Sleeper sleeper, RetryPolicy retry, Duration timeout, Random jitter) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.credentials = credentials;
    this.client = client;
    this.budget = budget;
    this.clock = clock;
    this.sleeper = sleeper;
    this.retry = retry;
    this.timeout = timeout;
    this.jitter = jitter;
  }

  /** HTTP requests sent so far, retries included. */
  public long requests() {
    return requests.get();
  }

  public URI base() {
    return base;
  }

  /** Sends a JSON request (body may be null) and returns the 2xx response. */
  public Response send(String method, String pathAndQuery, JsonNode body, String issueKey) {
    byte[] bytes;
    try {
      bytes = body == null ? null : JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write request body", e);
    }
    URI uri = URI.create(base + pathAndQuery);
    boolean idempotent = !method.equals("POST");
    for (int attempt = 1; ; attempt++) {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
          .header("Accept", "application/json");
      if (bytes != null) {
        request.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
      } else {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      }
      credentials.authorize(request, method, uri);
      HttpResponse<byte[]> response;
      try {
        response = exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        boolean notSent = e instanceof ConnectException;
        String why = e instanceof java.net.http.HttpTimeoutException ? "timed out"
            : "failed (" + e.getClass().getSimpleName() + ")";
        if ((idempotent || notSent) && attempt < retry.maxAttempts()) {
          backoff(attempt, null, method, uri, why);
          continue;
        }
        throw new RetriableException(describe(method, uri) + " " + why, e);
      }
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        JsonNode parsed = parse(response.body());
        if (parsed == null && response.body().length > 0) {
          // a proxy's page, a cut-off answer: say so rather than read it as empty
          throw new RetriableException(describe(method, uri) + " answered " + status
              + " with a body that is not JSON (" + response.body().length + " bytes, "
              + response.headers().firstValue("Content-Type").orElse("no content type") + ")",
              null);
        }
        return new Response(status, parsed, response.headers().map());
      }
      Response failed = new Response(status, parse(response.body()), response.headers().map());
      if (status == 429 || status == 503) {
        Duration wait = retryAfter(failed);
        if (attempt < retry.maxAttempts()
            && (wait == null || wait.compareTo(retry.maxRetryAfter()) <= 0)) {
          backoff(attempt, wait, method, uri, "answered " + status
              + failed.header("RateLimit-Reason").map(r -> " (" + r + ")").orElse(""));
          continue;
        }
        throw new RetriableException(describe(method, uri) + " answered " + status
            + failed.header("RateLimit-Reason").map(r -> " (" + r + ")").orElse("")
            + (wait == null ? "" : "; retry after " + wait.toSeconds() + " s"), null, wait);
      }
      if (status >= 500) {
        if (idempotent && attempt < retry.maxAttempts()) {
          backoff(attempt, null, method, uri, "answered " + status);
          continue;
        }
        throw new RetriableException(describe(method, uri) + " answered " + status
            + errorSummary(failed.body()), null);
      }
      throw refused(method, uri, failed, issueKey);
    }
  }

  /**
   * GETs a binary resource as a stream the caller closes, following redirects itself so that the
   * credentials go only to the site (Jira Cloud redirects downloads to its media store).
   */
  public InputStream download(String pathOrUrl) {
    URI uri = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl)
        : URI.create(base + pathOrUrl);
    for (int hop = 0; hop < 5; hop++) {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
      if (sameSite(uri)) {
        credentials.authorize(request, "GET", uri);
      }
      HttpResponse<InputStream> response;
      try {
        response = exchange(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        throw new RetriableException(describe("GET", uri) + " failed", e);
      }
      int status = response.statusCode();
      if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
        close(response.body());
        uri = uri.resolve(response.headers().firstValue("Location").get());
        continue;
      }
      if (status >= 200 && status < 300) {
        return response.body();
      }
      byte[] error;
      try (InputStream in = response.body()) {
        error = in.readNBytes(64 * 1024);
      } catch (IOException e) {
        error = new byte[0];
      }
      Response failed = new Response(status, parse(error), response.headers().map());
      if (status == 429 || status >= 500) {
        throw new RetriableException(describe("GET", uri) + " answered " + status, null,
            retryAfter(failed));
      }
      throw refused("GET", uri, failed, null);
    }
    throw new RetriableException(describe("GET", uri) + ": too many redirects", null);
  }

  /**
   * POSTs one file as {@code multipart/form-data} (part {@code file}), streaming it, with the
   * header Jira needs to accept uploads. Sent once: a stream cannot be sent again.
   */
  public Response upload(String path, String filename, String mimeType, InputStream content,
      String issueKey) {
    String boundary = "backbone-" + UUID.randomUUID();
    String safeName = filename.replace("\"", "%22").replace("\r", "").replace("\n", "");
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
        + "filename=\"" + safeName + "\"\r\nContent-Type: "
        + (mimeType == null ? "application/octet-stream" : mimeType) + "\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    URI uri = URI.create(base + path);
    boolean[] used = {false};
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout.multipliedBy(10))
        .header("Accept", "application/json")
        .header("X-Atlassian-Token", "no-check")
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> {
          if (used[0]) {
            throw new IllegalStateException("an upload stream can be sent once");
          }
          used[0] = true;
          return new SequenceInputStream(new ByteArrayInputStream(head),
              new SequenceInputStream(content, new ByteArrayInputStream(tail)));
        }));
    credentials.authorize(request, "POST", uri);
    HttpResponse<byte[]> response;
    try {
      response = exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new RetriableException(describe("POST", uri) + " failed", e);
    }
    Response r = new Response(response.statusCode(), parse(response.body()),
        response.headers().map());
    if (r.status() >= 200 && r.status() < 300) {
      return r;
    }
    if (r.status() == 429 || r.status() >= 500) {
      throw new RetriableException(describe("POST", uri) + " answered " + r.status(), null,
          retryAfter(r));
    }
    throw refused("POST", uri, r, issueKey);
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    try {
      budget.acquire(clock, sleeper);
      requests.incrementAndGet();
      return client.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException(describe(request.method(), request.uri()) + " interrupted", e);
    }
  }

  private boolean sameSite(URI uri) {
    return base.getHost().equalsIgnoreCase(uri.getHost()) && base.getPort() == uri.getPort();
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

  /** Retry-After in seconds (or an HTTP date), else the Cloud rate-limit reset instant. */
  private Duration retryAfter(Response r) {
    Optional<String> after = r.header("Retry-After");
    if (after.isPresent()) {
      String v = after.get().trim();
      if (v.matches("\\d+")) {
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
        return positive(Duration.between(clock.instant(), Instant.parse(reset.get().trim())));
      } catch (java.time.format.DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  private static Duration positive(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null; // an HTML error page, an empty 401
    }
  }

  private static String describe(String method, URI uri) {
    return method + " " + uri.getPath(); // the query may hold JQL with user data: left out
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

  static JiraException refused(String method, URI uri, Response r, String issueKey) {
    List<String> messages = new ArrayList<>();
    Map<String, String> fields = new LinkedHashMap<>();
    JsonNode body = r.body();
    if (body != null) {
      body.path("errorMessages").forEach(m -> messages.add(m.asText()));
      body.path("errors").fields().forEachRemaining(e -> fields.put(e.getKey(),
          e.getValue().asText()));
      if (messages.isEmpty() && fields.isEmpty() && body.has("message")) {
        messages.add(body.path("message").asText());
      }
    }
    if (r.status() == 401) {
      messages.add(0, "authentication failed (check the credentials)");
    } else if (messages.isEmpty() && fields.isEmpty()) {
      messages.add(switch (r.status()) {
        case 403 -> "the sync user lacks a permission";
        case 404 -> "not found, or the sync user cannot see it";
        default -> "no details given";
      });
    }
    return new JiraException(describe(method, uri), r.status(), messages, fields, issueKey);
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
