package org.backbonesync.jira.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * An upload's body as the HTTP client reads it, timed by its progress rather than by a deadline:
 * a file of a gigabyte takes as long as the link needs, but the upload fails when no bytes go out
 * for longer than the timeout, or when Jira's answer does not come within its own time after the
 * last byte. (The client's request timeout runs from sending to the answer's headers, so it would
 * bound the whole transfer: a large file on a slow link could never be attached.)
 */
final class UploadBody extends InputStream {
  private final InputStream in;
  private volatile long lastProgress = System.nanoTime();
  private volatile long endedAt;
  private volatile boolean ended;
  private volatile boolean aborted;

  UploadBody(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] into, int offset, int length) throws IOException {
    if (aborted) {
      throw new IOException("the upload was given up");
    }
    int n = in.read(into, offset, length);
    long now = System.nanoTime();
    if (n < 0) {
      if (!ended) {
        endedAt = now;
        ended = true;
      }
    } else if (n > 0) {
      lastProgress = now;
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /**
   * Waits for the answer to the upload: fails it when no bytes went out for longer than {@code
   * stall}, or no answer came within {@code answer} after the last byte.
   *
   * @param sending the client's exchange, started just now
   * @param request the request as a message names it
   * @throws Stalled when either time ran out; the exchange is then given up
   */
  HttpResponse<InputStream> await(CompletableFuture<HttpResponse<InputStream>> sending,
      Duration stall, Duration answer, Supplier<String> request)
      throws IOException, InterruptedException {
    lastProgress = System.nanoTime();
    long stallNanos = Math.max(1, stall.toNanos());
    long answerNanos = Math.max(1, answer.toNanos());
    while (true) {
      long now = System.nanoTime();
      long left = ended ? answerNanos - (now - endedAt) : stallNanos - (now - lastProgress);
      if (left <= 0 && !sending.isDone()) { // (an answer in hand is taken: Jira acted on it)
        giveUp(sending);
        throw new Stalled(request.get(), ended
            ? "no answer came within " + shown(answer) + " of the upload's last byte"
            : "the upload stalled, no bytes went out for longer than the timeout ("
                + shown(stall) + ")");
      }
      try {
        return sending.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // not yet: look at the progress again
      } catch (InterruptedException e) {
        giveUp(sending);
        throw e;
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw cause instanceof IOException io ? io : new IOException(cause);
      }
    }
  }

  /** An upload given up for want of progress, or of an answer after its last byte. */
  static final class Stalled extends HttpTimeoutException {
    private static final long serialVersionUID = 1L;
    private final String reason;

    Stalled(String request, String reason) {
      super(request + ": " + reason);
      this.reason = reason;
    }

    /** What ran out, e.g. {@code the upload stalled, no bytes went out ...}. */
    String reason() {
      return reason;
    }
  }

  private void giveUp(CompletableFuture<?> sending) {
    aborted = true; // the next read fails the body: the exchange ends either way
    sending.cancel(true);
  }

  private static String shown(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
