package org.backbonesync.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.transport.MessageReceiver;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving end of {@link HttpTransport}, framework-neutral: the host binds {@link
 * #handle} to a POST route of its HTTP server (see the README for the JDK's server). It reads at
 * most the envelope size limit, checks the signature before parsing, checks the synchronization,
 * the connectors and the timestamp, refuses an envelope whose id it has taken already (a replay
 * inside the window; ids are remembered in the {@link EnvelopeIdStore} for as long as the window,
 * after which the timestamp refuses it), stores each message through the local connector's
 * receiver (the engine's {@code receiver(key)}), and answers with a signed acknowledgement of the
 * messages stored. A refused envelope touches nothing, is counted by reason and answered with 4xx
 * and the reason (413 too large, 401 signature or key, 403 not the partner or synchronization,
 * 409 taken already, 400 otherwise); a store that fails is a 503.
 *
 * <p>{@link #content} serves the partner's GET for an attachment this side announced, bound to
 * the same route: the request carries a signed content envelope in its {@code Authorization}
 * header ({@code Backbone <base64url>}), checked like any envelope (signature, synchronization,
 * partner, window, replay), naming the attachment's id, size and SHA-256 and the byte offset to
 * start at (equal to the {@code Range} header's). Only an attachment that this side's {@link
 * HttpTransport} announced to the partner, with that size and hash, is served (404 otherwise),
 * streamed from the local tracker, never more than the announced size. Thread-safe.
 */
public final class HttpTransportHandler {
  /**
   * The {@code Authorization} scheme of a content request, which the handler's 401 names in
   * {@code WWW-Authenticate}: by it the sync service's {@code --check} tells a partner service's
   * transport from another server at the partner's URL.
   */
  public static final String AUTH_SCHEME = "Backbone";

  private static final Logger LOG = LoggerFactory.getLogger(HttpTransportHandler.class);
  private final EnvelopeSecurity security;
  private final ReplayGuard replays;
  private final Map<String, Local> locals = new ConcurrentHashMap<>();
  private final Rejections rejections = new Rejections();
  private final HttpContentServer contentServer;
  private final BodyBudget bodies;

  /**
   * A local connector: its partner, its receiver, and its tracker when it serves content.
   *
   * @param content null when the connector serves no content
   */
  record Local(String partner, MessageReceiver receiver, IssueTracker content) {}

  /** An answer for the host to send: status, body and content type. */
  public record Response(int status, byte[] body, String contentType) {}

  /**
   * An answer to a content request for the host to send: the status, the headers to set
   * ({@code Content-Type}, and {@code Content-Range} with a 206), the body's exact length in
   * bytes, and the body, streamed: the host copies it to the response and closes it.
   */
  public record ContentResponse(int status, Map<String, String> headers, long length,
      InputStream body) {}

  /**
   * A handler for one synchronization's envelopes.
   *
   * @param envelopeIds where the ids of the envelopes taken are remembered, e.g. {@code
   *     stores.envelopeIds()} of the engine's stores, so that a replay is refused after a
   *     restart too
   */
  public HttpTransportHandler(EnvelopeSecurity security, EnvelopeIdStore envelopeIds) {
    this.security = Objects.requireNonNull(security, "security");
    Objects.requireNonNull(envelopeIds, "envelopeIds");
    this.replays = new ReplayGuard(security, envelopeIds);
    this.contentServer = new HttpContentServer(security, envelopeIds, replays, locals,
        rejections);
    this.bodies = new BodyBudget(BODIES_AT_ONCE * security.maxEnvelopeBytes());
  }

  /**
   * How many envelopes of the largest size the handler reads at once (their bytes, across
   * requests): more wait for a 503 and are sent again ({@link Reason#BUSY}).
   */
  static final int BODIES_AT_ONCE = 4;

  /**
   * Accepts envelopes to a local connector from its partner only.
   *
   * @param receiver where its messages go, e.g. {@code engine.receiver(localConnector)}
   */
  public HttpTransportHandler connector(String localConnector, String partnerConnector,
      MessageReceiver receiver) {
    locals.put(Objects.requireNonNull(localConnector, "localConnector"),
        new Local(Objects.requireNonNull(partnerConnector, "partnerConnector"),
            Objects.requireNonNull(receiver, "receiver"), null));
    return this;
  }

  /**
   * Accepts envelopes to a local connector from its partner only, and serves the partner the
   * content of the attachments the local connector's {@link HttpTransport} announced to it.
   *
   * @param receiver where its messages go, e.g. {@code engine.receiver(localConnector)}
   * @param tracker the local connector's tracker, read for announced attachments only
   */
  public HttpTransportHandler connector(String localConnector, String partnerConnector,
      MessageReceiver receiver, IssueTracker tracker) {
    locals.put(Objects.requireNonNull(localConnector, "localConnector"),
        new Local(Objects.requireNonNull(partnerConnector, "partnerConnector"),
            Objects.requireNonNull(receiver, "receiver"),
            Objects.requireNonNull(tracker, "tracker")));
    return this;
  }

  /** Refused envelopes so far, by reason. */
  public Map<Reason, Long> rejected() {
    return rejections.snapshot();
  }

  /**
   * Handles one request.
   *
   * @param method the HTTP method (only POST is accepted)
   * @param body the request body; at most the size limit of it is read
   */
  public Response handle(String method, InputStream body) {
    if (!"POST".equals(method)) {
      return text(405, "only POST for envelopes, GET for attachment content");
    }
    try (BodyBudget.Share share = bodies.share()) {
      Envelopes.Opened envelope = Envelopes.open(security, body, security.window(), share::take);
      Local local = locals.get(envelope.to());
      if (local == null || !local.partner().equals(envelope.from())
          || !envelope.kind().equals(Envelopes.MESSAGES)) {
        throw new EnvelopeRejectedException(Reason.NOT_PARTNER, "an envelope of "
            + envelope.kind() + " from " + Envelopes.printable(envelope.from()) + " to "
            + Envelopes.printable(envelope.to()) + " is not taken here");
      }
      // taken before storing, atomically: of two copies arriving at once, one is refused
      replays.take(envelope, security.clock().millis());
      byte[] ack = Envelopes.seal(security, Envelopes.ACKS, envelope.to(), envelope.from(),
          List.of(), List.copyOf(EnvelopeIntake.store(envelope.to(), local.receiver(),
              envelope.messages()).ids()));
      return new Response(200, ack, "application/vnd.backbone-envelope");
    } catch (EnvelopeRejectedException e) {
      rejections.count(LOG, "transport " + security.synchronizationId(), e);
      if (e.reason() == Reason.TOO_LARGE) {
        drain(body);
      }
      return text(status(e.reason()), e.getMessage());
    } catch (IOException e) {
      return text(400, "the body cannot be read");
    } catch (RuntimeException e) {
      LOG.warn("transport {}: an envelope could not be taken: {}",
          security.synchronizationId(), e.toString());
      return text(503, "the envelope cannot be taken now; send it again later");
    }
  }

  /** The status a refused envelope is answered with. */
  private static int status(Reason reason) {
    return switch (reason) {
      case TOO_LARGE -> 413;
      case BAD_SIGNATURE, UNKNOWN_KEY -> 401;
      case NOT_PARTNER, WRONG_SYNCHRONIZATION -> 403;
      case DUPLICATE -> 409;
      case BUSY -> 503;
      default -> 400;
    };
  }

  /**
   * Serves one content request: the partner's GET for an attachment this side announced to it.
   * Refusals are answered with text: 401 no or a bad signature, 403 not the partner (or a
   * connector that serves no content), 404 not announced to the partner with that size and
   * hash, 409 a request taken already, 400 a {@code Range} other than the signed offset, 410 the
   * file is gone from the tracker, 503 the tracker cannot be read now.
   *
   * @param method the HTTP method (only GET is accepted)
   * @param authorization the request's {@code Authorization} header, or null; one sent more than
   *     once as its values joined with {@code ", "} (RFC 9110, 5.3), as the servlet module and
   *     the service pass it, so that it is refused (401) rather than one of them checked
   * @param range the request's {@code Range} header, or null
   */
  public ContentResponse content(String method, String authorization, String range) {
    return contentServer.content(method, authorization, range);
  }

  /**
   * Reads and drops the rest of a body refused as too large, up to four times the limit: a server
   * that answers and closes while the partner still sends makes the partner's client see a broken
   * connection instead of the 413 that tells it to send smaller envelopes. Beyond that a body is
   * left unread (the connection is closed on it).
   */
  private void drain(InputStream body) {
    try {
      long left = 4L * security.maxEnvelopeBytes();
      byte[] buffer = new byte[8192];
      int n;
      while (left > 0 && (n = body.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
        left -= n;
      }
    } catch (IOException ignored) {
      // the partner is gone already
    }
  }

  private static Response text(int status, String message) {
    return new Response(status, message.getBytes(StandardCharsets.UTF_8),
        "text/plain; charset=utf-8");
  }

  @Override
  public String toString() {
    return "HttpTransportHandler[" + security.synchronizationId() + ", " + locals.keySet() + "]";
  }
}
