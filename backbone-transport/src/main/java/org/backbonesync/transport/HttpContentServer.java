package org.backbonesync.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.transport.AttachmentContent.Announced;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;
import org.backbonesync.transport.HttpTransportHandler.ContentResponse;
import org.backbonesync.transport.HttpTransportHandler.Local;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the partner's content requests for {@link HttpTransportHandler#content}: checks the
 * signed request in the {@code Authorization} header and its {@code Range}, and streams an
 * attachment the local side announced to that partner from the local tracker. Thread-safe.
 */
final class HttpContentServer {
  /** The handler's logger: hosts set the level of the handler's name. */
  private static final Logger LOG = LoggerFactory.getLogger(HttpTransportHandler.class);
  /** The {@code Authorization} scheme of a content request. */
  static final String SCHEME = HttpTransportHandler.AUTH_SCHEME;
  /** The longest {@code Authorization} header read: an envelope with an id of 1,000 characters. */
  private static final int MAX_AUTHORIZATION = 8192;
  private final EnvelopeSecurity security;
  private final EnvelopeIdStore envelopeIds;
  private final ReplayGuard replays;
  private final Map<String, Local> locals;
  private final Rejections rejections;

  /**
   * @param locals the handler's local connectors, read live
   * @param rejections the handler's counts, shared with its envelopes
   */
  HttpContentServer(EnvelopeSecurity security, EnvelopeIdStore envelopeIds, ReplayGuard replays,
      Map<String, Local> locals, Rejections rejections) {
    this.security = security;
    this.envelopeIds = envelopeIds;
    this.replays = replays;
    this.locals = locals;
    this.rejections = rejections;
  }

  /** See {@link HttpTransportHandler#content}. */
  ContentResponse content(String method, String authorization, String range) {
    if (!"GET".equals(method)) {
      return text(405, "only GET");
    }
    if (authorization == null) {
      // HTTP's first step of authentication (a request without credentials, answered with the
      // scheme to use): what the service's --check sends, not a refused envelope to warn about
      LOG.debug("transport {} content: a request without credentials, answered with the scheme",
          security.synchronizationId());
      return text(401, "a signed content request is needed (Authorization: " + SCHEME
          + " <envelope>)");
    }
    try {
      Envelopes.Opened request = Envelopes.open(security,
          new ByteArrayInputStream(decode(authorization)));
      Local local = locals.get(request.to());
      if (local == null || local.content() == null || !local.partner().equals(request.from())
          || !request.kind().equals(Envelopes.CONTENT)) {
        throw new EnvelopeRejectedException(Reason.NOT_PARTNER, "a content request of "
            + request.kind() + " from " + Envelopes.printable(request.from()) + " to "
            + Envelopes.printable(request.to()) + " is not served here");
      }
      long now = security.clock().millis();
      replays.take(request, now);
      return answer(local, request, range, now);
    } catch (EnvelopeRejectedException e) {
      rejections.count(LOG, "transport " + security.synchronizationId() + " content", e);
      return text(switch (e.reason()) {
        case BAD_SIGNATURE, UNKNOWN_KEY, MALFORMED, STALE, TOO_LARGE, LIMIT -> 401;
        case NOT_PARTNER, WRONG_SYNCHRONIZATION -> 403;
        case DUPLICATE -> 409;
        default -> 400;
      }, e.getMessage());
    } catch (IOException e) {
      return text(400, "the request cannot be read");
    }
  }

  /** The signed envelope of an {@code Authorization} header. */
  private static byte[] decode(String authorization) {
    int values = authorization.split(",", -1).length; // (base64url holds no comma)
    if (values > 1) {
      // only one can be checked: which one a host or a proxy passes on is not ours to guess
      throw new EnvelopeRejectedException(Reason.MALFORMED, "the Authorization header was given "
          + values + " times; a content request carries one");
    }
    if (authorization == null || !authorization.startsWith(SCHEME + " ")
        || authorization.length() > MAX_AUTHORIZATION) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "no signed content request in"
          + " the Authorization header (\"" + SCHEME + " <envelope>\", at most "
          + MAX_AUTHORIZATION + " characters)");
    }
    try {
      return Base64.getUrlDecoder().decode(authorization.substring(SCHEME.length() + 1));
    } catch (IllegalArgumentException e) {
      throw new EnvelopeRejectedException(Reason.MALFORMED, "the content request is not"
          + " base64url");
    }
  }

  /** Serves a request taken: when its Range is the signed offset and it was announced. */
  private ContentResponse answer(Local local, Envelopes.Opened request, String range, long now) {
    Envelopes.Requested wanted = request.attachment();
    String expectedRange = wanted.offset() == 0 ? null : "bytes=" + wanted.offset() + "-";
    if (!Objects.equals(range, expectedRange) && !(wanted.offset() == 0
        && "bytes=0-".equals(range))) {
      return text(400, "the Range header \"" + Envelopes.printable(range)
          + "\" is not the signed offset " + wanted.offset());
    }
    Announced announced = new Announced(wanted.id(), "", wanted.size(), wanted.sha256());
    if (!envelopeIds.isRemembered(HttpTransport.announcedScope(security, request.to()),
        Contents.key(announced), now)) {
      LOG.warn("transport {}: {} asked for attachment {} of {}, which was not announced to it"
          + " with that size and hash; refused", security.synchronizationId(),
          Envelopes.printable(request.from()), Envelopes.printable(wanted.id()),
          request.to());
      return text(404, new ContentRefusedException(
          ContentRefusedException.Reason.NOT_ANNOUNCED, "attachmentId", wanted.id(),
          "not announced to " + request.from() + " with size " + wanted.size()
              + " and this SHA-256").getMessage());
    }
    return serve(local.content(), wanted);
  }

  /** Streams an announced attachment from the tracker, from the requested offset. */
  private ContentResponse serve(IssueTracker tracker, Envelopes.Requested wanted) {
    InputStream in;
    try {
      in = tracker.download(wanted.id());
    } catch (TrackerException gone) {
      return text(410, "attachment " + Envelopes.printable(wanted.id())
          + " is no longer here");
    } catch (RuntimeException e) {
      LOG.warn("transport {}: attachment {} cannot be read: {}", security.synchronizationId(),
          Envelopes.printable(wanted.id()), e.toString());
      return text(503, "the attachment cannot be read now; ask again later");
    }
    try {
      in.skipNBytes(wanted.offset());
    } catch (IOException e) {
      closeQuietly(in);
      return text(503, "the attachment cannot be read from byte " + wanted.offset()
          + " now; ask again later");
    }
    long length = wanted.size() - wanted.offset();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/octet-stream");
    headers.put("Accept-Ranges", "bytes");
    if (wanted.offset() > 0) {
      headers.put("Content-Range", "bytes " + wanted.offset() + "-" + (wanted.size() - 1) + "/"
          + wanted.size());
    }
    return new ContentResponse(wanted.offset() > 0 ? 206 : 200, Map.copyOf(headers), length,
        Contents.limited(in, length));
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // nothing more to read from it
    }
  }

  /**
   * A refusal in text; a 401 names the scheme it asks for ({@code WWW-Authenticate}, which HTTP
   * requires of it), by which the sync service's {@code --check} tells a partner service's
   * transport from another server at the partner's URL.
   */
  private static ContentResponse text(int status, String message) {
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = status == 401
        ? Map.of("Content-Type", "text/plain; charset=utf-8", "WWW-Authenticate", SCHEME)
        : Map.of("Content-Type", "text/plain; charset=utf-8");
    return new ContentResponse(status, headers, bytes.length, new ByteArrayInputStream(bytes));
  }
}
