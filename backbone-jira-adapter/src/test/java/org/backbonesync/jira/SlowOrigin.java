package org.backbonesync.jira;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An http origin on 127.0.0.1 whose every answer sends its headers at once and then its body in
 * pieces, each after a pause: a body that stalls, drips, or ends before its Content-Length. A
 * pause ends early when the origin closes, so a test never waits for it. Close it.
 */
final class SlowOrigin implements AutoCloseable {
  /** A piece of the body, sent after a pause. */
  record Piece(Duration after, byte[] bytes) {
    static Piece of(Duration after, String text) {
      return new Piece(after, text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final long length;
  private final List<Piece> pieces;

  /**
   * @param length the Content-Length sent: 0 for chunked
   * @param pieces the body
   */
  SlowOrigin(long length, List<Piece> pieces) {
    this.length = length;
    this.pieces = List.copyOf(pieces);
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, length);
      OutputStream out = exchange.getResponseBody();
      for (Piece p : pieces) {
        if (closed.await(p.after().toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
        out.write(p.bytes());
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client stopped reading, or the body ended short of its length: as scripted
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
