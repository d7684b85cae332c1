package org.backbonesync.service;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * An exchange whose waits on the client (reading the body, sending the answer's headers and
 * body, and the close, which reads on what is left of the body) are marked on its {@link
 * RequestSlot}, so that a newer request can cut it only then, never while it works for the
 * service. Everything else is the JDK's exchange as it is. Used by one thread, as an exchange is.
 */
final class SlotExchange extends HttpExchange {
  private final HttpExchange exchange;
  private final RequestSlot slot;
  private InputStream body;
  private OutputStream answer;

  SlotExchange(HttpExchange exchange, RequestSlot slot) {
    this.exchange = exchange;
    this.slot = slot;
  }

  @Override
  public InputStream getRequestBody() {
    if (body == null) {
      body = new FilterInputStream(exchange.getRequestBody()) {
        @Override
        public int read() throws IOException {
          int[] b = new int[1];
          slot.onClient(() -> b[0] = in.read());
          return b[0];
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          int[] n = new int[1];
          slot.onClient(() -> n[0] = in.read(buffer, offset, length));
          return n[0];
        }

        @Override
        public long skip(long n) throws IOException {
          long[] skipped = new long[1];
          slot.onClient(() -> skipped[0] = in.skip(n));
          return skipped[0];
        }

        @Override
        public void close() throws IOException {
          slot.onClient(in::close);
        }
      };
    }
    return body;
  }

  @Override
  public OutputStream getResponseBody() {
    if (answer == null) {
      answer = new FilterOutputStream(exchange.getResponseBody()) {
        @Override
        public void write(int b) throws IOException {
          slot.onClient(() -> out.write(b));
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
          slot.onClient(() -> out.write(bytes, offset, length));
        }

        @Override
        public void flush() throws IOException {
          slot.onClient(out::flush);
        }

        @Override
        public void close() throws IOException {
          slot.onClient(out::close);
        }
      };
    }
    return answer;
  }

  @Override
  public void sendResponseHeaders(int status, long length) throws IOException {
    // writes to the client, and without a body closes the exchange, which reads on
    slot.onClient(() -> exchange.sendResponseHeaders(status, length));
  }

  /**
   * Closes the exchange, which first reads on what is left of the body (up to the JDK's 64
   * KiB): a wait on the client.
   *
   * @throws java.io.UncheckedIOException when the request was cut ({@code close} declares no
   *     {@link IOException}); the JDK's server then closes the connection
   */
  @Override
  public void close() {
    try {
      slot.onClient(exchange::close);
    } catch (IOException cut) {
      throw new java.io.UncheckedIOException(cut);
    }
  }

  @Override
  public Headers getRequestHeaders() {
    return exchange.getRequestHeaders();
  }

  @Override
  public Headers getResponseHeaders() {
    return exchange.getResponseHeaders();
  }

  @Override
  public URI getRequestURI() {
    return exchange.getRequestURI();
  }

  @Override
  public String getRequestMethod() {
    return exchange.getRequestMethod();
  }

  @Override
  public HttpContext getHttpContext() {
    return exchange.getHttpContext();
  }

  @Override
  public InetSocketAddress getRemoteAddress() {
    return exchange.getRemoteAddress();
  }

  @Override
  public int getResponseCode() {
    return exchange.getResponseCode();
  }

  @Override
  public InetSocketAddress getLocalAddress() {
    return exchange.getLocalAddress();
  }

  @Override
  public String getProtocol() {
    return exchange.getProtocol();
  }

  @Override
  public Object getAttribute(String name) {
    return exchange.getAttribute(name);
  }

  @Override
  public void setAttribute(String name, Object value) {
    exchange.setAttribute(name, value);
  }

  @Override
  public void setStreams(InputStream in, OutputStream out) {
    exchange.setStreams(in, out);
    body = null;
    answer = null;
  }

  @Override
  public HttpPrincipal getPrincipal() {
    return exchange.getPrincipal();
  }
}
