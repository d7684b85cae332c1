package org.backbonesync.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.message.StrictJson;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.transport.AttachmentContent.Announced;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the attachments the partner announces from the partner's {@link HttpTransportHandler},
 * for {@link HttpTransport#open}: a signed GET, streamed, checked against the announced size and
 * SHA-256, and resumed with a {@code Range} from the byte reached when the connection breaks.
 * Thread-safe; each stream is read by one thread.
 */
final class HttpContentClient {
  /** The transport's logger: hosts set the level of the transport's name. */
  private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
  private final URI endpoint;
  private final EnvelopeSecurity security;
  private final String from;
  private final String to;
  private final HttpClient client;
  private final Duration timeout;
  private final long maxAttachmentBytes;
  private final int resumeAttempts;

  HttpContentClient(URI endpoint, EnvelopeSecurity security, String from, String to,
      HttpClient client, Duration timeout, long maxAttachmentBytes, int resumeAttempts) {
    this.endpoint = endpoint;
    this.security = security;
    this.from = from;
    this.to = to;
    this.client = client;
    this.timeout = timeout;
    this.maxAttachmentBytes = maxAttachmentBytes;
    this.resumeAttempts = resumeAttempts;
  }

  /** See {@link HttpTransport#open}. */
  InputStream open(Announced attachment) {
    Contents.checkSize(attachment, maxAttachmentBytes);
    Resuming stream = new Resuming(attachment);
    try {
      stream.connect();
    } catch (IOException e) {
      throw new RetriableException("attachment " + Envelopes.printable(attachment.attachmentId())
          + " of " + to + " cannot be fetched from " + endpoint + ": " + e, e);
    }
    return new Contents.Checked(stream, attachment);
  }

  /**
   * The partner's content from a byte offset on, asked for again from the offset reached when
   * the connection breaks or ends early. Gives at most the announced size.
   */
  private final class Resuming extends InputStream {
    private final Announced announced;
    private InputStream current;
    private long offset;
    private int failures;
    /** Set by {@link #close}, which another thread may call while this one reads. */
    private volatile boolean closed;

    Resuming(Announced announced) {
      this.announced = announced;
    }

    /** Asks for the content from {@code offset} on. */
    void connect() throws IOException {
      HttpResponse<InputStream> response;
      try {
        response = client.send(request(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted fetching from " + to, e);
      }
      int status = response.statusCode();
      if (status == 200 && offset == 0 || status == 206 && offset > 0) {
        current = accepted(response);
        if (closed) { // (closed while this asked: nobody else would close the answer)
          closeCurrent();
          throw new IOException("the content stream is closed");
        }
        return;
      }
      refused(response);
    }

    /** A GET signed for {@code offset}, with a {@code Range} from it when past the start. */
    private HttpRequest request() {
      byte[] envelope = Envelopes.sealContent(security, from, to, new Envelopes.Requested(
          announced.attachmentId(), announced.size(), announced.sha256(), offset));
      HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
          .header("Authorization", HttpContentServer.SCHEME + " "
              + Base64.getUrlEncoder().withoutPadding().encodeToString(envelope)).GET();
      if (offset > 0) {
        request.header("Range", "bytes=" + offset + "-");
      }
      return request.build();
    }

    /** The body of a 200 or 206, when its length and range fit what is asked for. */
    private InputStream accepted(HttpResponse<InputStream> response) throws IOException {
      long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (length > announced.size() - offset) {
        response.body().close();
        throw new ContentRefusedException(ContentRefusedException.Reason.SIZE_MISMATCH,
            "Content-Length", Long.toString(length), "the partner sends more than the "
                + (announced.size() - offset) + " bytes left of attachment "
                + Envelopes.printable(announced.attachmentId()));
      }
      String range = response.headers().firstValue("Content-Range").orElse("");
      if (offset > 0 && !range.startsWith("bytes " + offset + "-")) {
        response.body().close();
        throw new IOException("the partner resumed at \"" + Envelopes.printable(range)
            + "\", not at byte " + offset);
      }
      return response.body();
    }

    /** Throws what another answer means: gone, refused, or a failure to resume from. */
    private void refused(HttpResponse<InputStream> response) throws IOException {
      int status = response.statusCode();
      String reason = reason(response.body());
      String which = "attachment " + Envelopes.printable(announced.attachmentId()) + " of " + to;
      switch (status) {
        case 410 -> throw new TrackerException(which + " is gone: " + reason, null, Map.of());
        case 401, 403, 404 -> throw new ContentRefusedException(status == 404
            ? ContentRefusedException.Reason.NOT_ANNOUNCED
            : ContentRefusedException.Reason.REFUSED_BY_PARTNER, "attachmentId",
            announced.attachmentId(), which + " is refused by the partner (" + status + "): "
                + reason);
        default -> throw new IOException(which + ": the partner answered " + status + ": "
            + reason);
      }
    }

    /**
     * The start of a refusal's text, read within the timeout: the request's timeout ends with
     * the headers, and a partner that then stalled the body held the reading apply for good.
     */
    private String reason(InputStream answer) throws IOException {
      try (InputStream body = answer;
          AnswerDeadline stall = new AnswerDeadline(body, System.nanoTime()
              + timeout.toNanos())) {
        try {
          // (without the line break a text answer ends with, which would show as "?")
          return StrictJson.printable(new String(body.readNBytes(1024), StandardCharsets.UTF_8)
              .strip(), 300);
        } catch (IOException e) {
          if (stall.passed()) {
            return "(no text came within the timeout, " + timeout + ")";
          }
          throw e;
        }
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (true) {
        if (closed) { // (a read broken by the close is no break to resume from)
          throw new IOException("the content stream is closed at byte " + offset);
        }
        if (offset >= announced.size()) {
          return -1; // the rest, if any, is not read: more than announced is never taken
        }
        try {
          if (current == null) {
            connect();
          }
          int n = timedRead(b, off, (int) Math.min(len, announced.size() - offset));
          if (n > 0) {
            offset += n;
            failures = 0;
            return n;
          }
          if (n < 0) {
            throw new IOException("the connection ended at byte " + offset + " of "
                + announced.size());
          }
        } catch (IOException e) {
          resumeOrGiveUp(e);
        }
      }
    }

    /**
     * A read of the current answer that waits at most the timeout for its bytes: the request's
     * timeout ends with the headers, and a partner that then stalled held the reading apply for
     * good. A stall is a broken connection, resumed from the byte reached.
     */
    private int timedRead(byte[] b, int off, int len) throws IOException {
      InputStream reading = current;
      try (AnswerDeadline stall = new AnswerDeadline(reading, System.nanoTime()
          + timeout.toNanos())) {
        try {
          return reading.read(b, off, len);
        } catch (IOException e) {
          if (stall.passed()) {
            throw new IOException("no bytes came for longer than the timeout (" + timeout
                + ") at byte " + offset, e);
          }
          throw e;
        }
      }
    }

    private void resumeOrGiveUp(IOException e) throws IOException {
      closeCurrent();
      if (++failures > resumeAttempts) {
        throw new IOException("attachment " + Envelopes.printable(announced.attachmentId())
            + " of " + to + ": gave up at byte " + offset + " after " + failures
            + " broken connections in a row: " + e.getMessage(), e);
      }
      LOG.debug("{} <- {}: attachment fetch broke at byte {}; resuming: {}", from, to,
          offset, e.toString());
    }

    private void closeCurrent() {
      if (current != null) {
        try {
          current.close();
        } catch (IOException ignored) {
          // broken already
        }
        current = null;
      }
    }

    @Override
    public void close() {
      closed = true;
      closeCurrent();
    }
  }
}
