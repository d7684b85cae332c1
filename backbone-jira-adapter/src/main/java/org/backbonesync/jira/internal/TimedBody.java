package org.backbonesync.jira.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An answer's body as a stream whose reads wait a bounded time. The HTTP client's request
 * timeout ends once the headers are in; a body that then stalls, or drips a byte at a time,
 * would hold the reading thread for ever. Each read waits at most the timeout for the next bytes
 * and, unless the body is streamed (a download, which may be large), never past the request's
 * deadline (its sending plus the timeout): so the timeout bounds a whole answer, headers and
 * body, and a stream's every stall. A read that waits too long fails with an {@link
 * HttpTimeoutException} naming the request, and the exchange is cancelled.
 *
 * <p>One thread reads; the client's threads deliver. Bytes are asked for one delivery at a
 * time, so no more than that waits in memory.
 */
final class TimedBody extends InputStream implements HttpResponse.BodySubscriber<InputStream> {
  /** What the client delivered: bytes, the end, or a failure. */
  private record Delivery(List<ByteBuffer> buffers, Throwable failure) {
    static final Delivery END = new Delivery(List.of(), null);
  }

  private final BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
  private final long idleNanos;
  private final long deadline;
  private final boolean bounded;
  private final Supplier<String> request;
  private volatile Flow.Subscription subscription;
  private Iterator<ByteBuffer> buffers = List.<ByteBuffer>of().iterator();
  private ByteBuffer current;
  private boolean ended;
  private volatile boolean closed;

  /**
   * @param timeout the longest a read waits for bytes
   * @param sentNanos when the request was sent ({@link System#nanoTime}); the body must be in
   *     by then plus the timeout, unless {@code streamed}
   * @param request the request as a message names it (scrubbed), e.g. {@code GET /rest/...}:
   *     made only for a failure's message (a scrub and an escape per request otherwise)
   */
  private TimedBody(Duration timeout, long sentNanos, boolean streamed,
      Supplier<String> request) {
    this.idleNanos = Math.max(1, timeout.toNanos());
    this.deadline = sentNanos + idleNanos;
    this.bounded = !streamed;
    this.request = request;
  }

  /**
   * A body handler for a request sent at {@code sentNanos}: a 2xx answer of a streamed request
   * waits at most the timeout between deliveries; any other, at most until the deadline too.
   */
  static HttpResponse.BodyHandler<InputStream> handler(Duration timeout, long sentNanos,
      boolean streamed, Supplier<String> request) {
    return info -> new TimedBody(timeout, sentNanos,
        streamed && info.statusCode() >= 200 && info.statusCode() < 300, request);
  }

  @Override
  public CompletionStage<InputStream> getBody() {
    return CompletableFuture.completedStage(this);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (closed) {
      s.cancel();
    } else {
      s.request(1);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    deliveries.add(new Delivery(item, null));
  }

  @Override
  public void onError(Throwable failure) {
    deliveries.add(new Delivery(List.of(), failure));
  }

  @Override
  public void onComplete() {
    deliveries.add(Delivery.END);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] into, int offset, int length) throws IOException {
    if (closed) {
      throw new IOException(request.get() + ": the answer's stream is closed");
    }
    if (length == 0) {
      return 0;
    }
    if (!next()) {
      return -1;
    }
    int n = Math.min(length, current.remaining());
    current.get(into, offset, n);
    return n;
  }

  @Override
  public int available() {
    return current == null || closed ? 0 : current.remaining();
  }

  /** Makes {@code current} a buffer with bytes left; false at the end of the body. */
  private boolean next() throws IOException {
    while (current == null || !current.hasRemaining()) {
      if (buffers.hasNext()) {
        current = buffers.next();
        continue;
      }
      if (ended) {
        return false;
      }
      Delivery d = take();
      if (d.failure() != null) {
        ended = true;
        throw d.failure() instanceof IOException io ? io : new IOException(d.failure());
      }
      if (d == Delivery.END) {
        ended = true;
        return false;
      }
      buffers = d.buffers().iterator();
      subscription.request(1);
    }
    return true;
  }

  /** The next delivery, waiting at most the timeout and never past the deadline. */
  private Delivery take() throws IOException {
    long wait = bounded ? Math.min(idleNanos, deadline - System.nanoTime()) : idleNanos;
    Delivery d;
    try {
      d = wait <= 0 ? null : deliveries.poll(wait, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new InterruptedIOException(request.get() + ": interrupted while reading the answer");
    }
    if (d == null) {
      close();
      throw new HttpTimeoutException(request.get() + (bounded
          ? ": the answer was not all in within the timeout (" + shown() + ")"
          : ": no bytes came for longer than the timeout (" + shown() + ")"));
    }
    return d;
  }

  private String shown() {
    long millis = Duration.ofNanos(idleNanos).toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  /** Cancels the exchange; what is still delivered is dropped. */
  @Override
  public void close() {
    closed = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    deliveries.clear();
  }
}
