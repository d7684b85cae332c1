package org.backbonesync.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy on 127.0.0.1 in front of a fake site that holds the requests a test names (by
 * their decoded path and query) until {@link #release}, at most 30 s, and passes every other
 * request on at once: a site that is slow for one kind of request only (a poll's search, and not
 * the apply's searches by origin marker).
 */
final class HoldingProxy implements AutoCloseable {
  /** Headers the JDK's HTTP client sets itself, or that belong to one hop only. */
  private static final Set<String> HOP = Set.of("host", "connection", "content-length",
      "expect", "upgrade", "transfer-encoding", "keep-alive");
  private static final long MAX_HOLD_SECONDS = 30;

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(8);
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI target;
  private final Predicate<String> held;
  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicInteger holding = new AtomicInteger();

  /**
   * @param target the site's base URL
   * @param held which requests to hold, by {@code path?query} decoded
   */
  HoldingProxy(URI target, Predicate<String> held) throws IOException {
    this.target = target;
    this.held = held;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/", this::forward);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Requests held now. */
  int holding() {
    return holding.get();
  }

  /** Lets the held requests, and those to come, go on. */
  void release() {
    released.countDown();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI asked = exchange.getRequestURI();
      if (held.test(asked.getPath() + "?" + asked.getQuery())) {
        holding.incrementAndGet();
        try {
          released.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } finally {
          holding.decrementAndGet();
        }
      }
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(asked.getRawPath()
              + (asked.getRawQuery() == null ? "" : "?" + asked.getRawQuery())))
          .method(exchange.getRequestMethod(), body.length == 0
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange.getRequestHeaders().forEach((name, values) -> {
        if (!HOP.contains(name.toLowerCase())) {
          values.forEach(value -> request.header(name, value));
        }
      });
      HttpResponse<byte[]> answer = client.send(request.build(),
          HttpResponse.BodyHandlers.ofByteArray());
      answer.headers().map().forEach((name, values) -> {
        if (!HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
          exchange.getResponseHeaders().put(name, List.copyOf(values));
        }
      });
      byte[] out = answer.body();
      exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        exchange.getResponseBody().write(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
