package org.backbonesync.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.StrictJson;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.spi.transport.AttachmentContent;
import org.backbonesync.spi.transport.MessageTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Over 350 lines: the Builder and its documented settings are a quarter of it.
/**
 * Sends a connector's messages to its partner's engine over HTTP: POSTs signed envelopes of at
 * most {@code maxBatchMessages} messages and the security's {@code maxEnvelopeBytes} (the
 * partner's limit: both sides set the same) to the partner's {@link HttpTransportHandler} and
 * takes the message ids of the signed acknowledgement it answers with. A message larger than the
 * partner accepts is not sent and blocks nothing: the others flow, and {@link #undeliverable()}
 * says which and why.
 * A message not acknowledged stays in the engine's outbox and is sent again (after the engine's
 * backoff when the partner cannot be reached), so a partner that is down for a while only delays
 * the sync, and a crash never loses or reorders a message.
 *
 * <p>Attachments: before it sends a message whose {@code add} operations announce files, the
 * transport remembers them ({@link Builder#attachmentIds}) for this side's handler, which serves
 * their content to the partner and nothing else. As an {@link AttachmentContent} it fetches the
 * files the partner announces from the partner's handler: a GET on the same endpoint, signed
 * like an envelope, streamed, at most {@code maxAttachmentBytes} (an announcement over it is
 * refused before any request), checked against the announced size and SHA-256, and resumed
 * with an HTTP {@code Range} from the byte reached when the connection breaks. Thread-safe.
 */
public final class HttpTransport implements MessageTransport, AttachmentContent {
  private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
  private final URI endpoint;
  private final EnvelopeSecurity security;
  private final String from;
  private final String to;
  private final HttpClient client;
  private final Duration timeout;
  private final int maxBatchMessages;
  private final EnvelopeIdStore attachmentIds;
  private final Duration contentRetention;
  private final HttpContentClient content;
  private final MessageCodec codec = new MessageCodec();
  private final Map<String, String> undeliverable = new ConcurrentHashMap<>();

  private HttpTransport(Builder b) {
    this.endpoint = b.endpoint;
    this.security = b.security;
    this.from = b.from;
    this.to = b.to;
    this.client = b.client != null ? b.client
        : HttpClient.newBuilder().connectTimeout(b.timeout).build();
    this.timeout = b.timeout;
    this.maxBatchMessages = b.maxBatchMessages;
    this.attachmentIds = b.attachmentIds;
    this.contentRetention = b.contentRetention;
    this.content = new HttpContentClient(endpoint, security, from, to, client, timeout,
        b.maxAttachmentBytes, b.resumeAttempts);
  }

  /**
   * Starts a transport from a local connector to its partner's endpoint.
   *
   * @param endpoint where the partner binds its {@link HttpTransportHandler}
   * @param fromConnector the local connector's key
   * @param toConnector the partner connector's key
   */
  public static Builder builder(URI endpoint, EnvelopeSecurity security, String fromConnector,
      String toConnector) {
    return new Builder(endpoint, security, fromConnector, toConnector);
  }

  /**
   * Messages not sent because they do not fit into an envelope the partner accepts, by message
   * id, with why; the other messages flow meanwhile. The engine keeps them in the outbox and
   * lists them as undeliverable until an admin retries them (once both sides accept larger
   * envelopes) or skips them. Cleared of a message when it is acknowledged.
   */
  @Override
  public Map<String, String> undeliverable() {
    return Map.copyOf(undeliverable);
  }

  /**
   * Sends the messages in envelopes the partner accepts. A message too large for any envelope is
   * left out (see {@link #undeliverable()}); an envelope the partner refuses as too large (its
   * limit is lower than this side's) is split in two and sent again, down to single messages;
   * other refusals and an unreachable partner stop the sending.
   */
  @Override
  public Set<String> send(List<SyncMessage> messages) {
    announce(messages);
    Envelopes.Split split = Envelopes.split(security, from, to, messages, maxBatchMessages);
    split.tooLarge().forEach((m, bytes) ->
        markUndeliverable(m, Envelopes.tooLargeReason(m, bytes, security)));
    Set<String> acked = new LinkedHashSet<>();
    RetriableException failure = null;
    for (List<SyncMessage> batch : split.batches()) {
      try {
        acked.addAll(postSplitting(batch));
      } catch (RetriableException e) {
        failure = e; // the partner is down or refuses this side: the next batch would fail too
        break;
      }
    }
    acked.forEach(undeliverable::remove);
    if (acked.isEmpty() && failure != null) {
      throw failure;
    }
    return acked;
  }

  /**
   * Remembers the attachments the messages announce, before the partner can ask for them: this
   * side's handler serves only those.
   */
  private void announce(List<SyncMessage> messages) {
    List<Announced> announced = Contents.announcedIn(messages);
    if (announced.isEmpty()) {
      return;
    }
    if (attachmentIds == null) {
      LOG.warn("{} -> {}: messages announce attachments but no attachmentIds store is set, so"
          + " this side's handler will refuse to serve them", from, to);
      return;
    }
    long now = security.clock().millis();
    for (Announced a : announced) {
      attachmentIds.remember(announcedScope(security, from), Contents.key(a),
          now + contentRetention.toMillis(), now);
    }
  }

  /** Where a connector's announced attachments are remembered. */
  static String announcedScope(EnvelopeSecurity security, String connector) {
    return security.synchronizationId() + "/" + connector + "/attachments";
  }

  /**
   * Opens an attachment the partner announced, from the partner's handler; see the class
   * comment. The first request is made here; a connection that breaks later is resumed inside
   * the stream's reads, at most {@code resumeAttempts} times in a row without progress.
   *
   * @throws ContentRefusedException when it is larger than {@code maxAttachmentBytes} (before
   *     any request) or the partner refuses the request (401, 403, 404)
   * @throws TrackerException when the partner's file is gone (410)
   * @throws RetriableException when the partner cannot be reached or answers otherwise
   */
  @Override
  public InputStream open(Announced attachment) {
    return content.open(attachment);
  }

  private void markUndeliverable(SyncMessage m, String reason) {
    if (undeliverable.put(m.messageId(), reason) == null) {
      LOG.warn("{} -> {}: {}", from, to, reason);
    }
  }

  /** Posts one batch; one the partner finds too large is sent in halves. */
  private Set<String> postSplitting(List<SyncMessage> batch) {
    List<byte[]> encoded = new ArrayList<>(batch.size());
    for (SyncMessage m : batch) {
      encoded.add(codec.encode(m));
    }
    try {
      return post(encoded);
    } catch (TooLarge e) {
      if (batch.size() == 1) {
        markUndeliverable(batch.get(0), "message " + batch.get(0).messageId() + " of "
            + batch.get(0).sourceIssueKey() + " is refused by the partner as too large: "
            + e.getMessage() + ". It stays in the outbox, and the other messages go on");
        return Set.of();
      }
      Set<String> acked = new LinkedHashSet<>(postSplitting(batch.subList(0, batch.size() / 2)));
      acked.addAll(postSplitting(batch.subList(batch.size() / 2, batch.size())));
      return acked;
    }
  }

  /** The partner answered 413: its envelope limit is lower than this side's. */
  private static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge(String partnerSays) {
      super(partnerSays, null, false, false);
    }
  }

  private Set<String> post(List<byte[]> batch) {
    byte[] envelope = Envelopes.seal(security, Envelopes.MESSAGES, from, to, batch, List.of());
    HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
        .header("Content-Type", "application/vnd.backbone-envelope")
        .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build();
    HttpResponse<InputStream> response;
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new RetriableException("partner " + to + " at " + endpoint + " cannot be reached: "
          + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("interrupted sending to " + to, e);
    }
    try (InputStream body = response.body();
        AnswerDeadline late = new AnswerDeadline(body, deadline)) {
      try {
        if (response.statusCode() != 200) {
          RuntimeException refused = refusal(response.statusCode(), body);
          // (a 413 is told by its status: without its text it is still one to split)
          throw late.passed() && !(refused instanceof TooLarge)
              ? tooSlow(response.statusCode(), null) : refused;
        }
        return acknowledged(body);
      } catch (RetriableException e) {
        throw late.passed() ? tooSlow(response.statusCode(), e) : e;
      } catch (IOException e) {
        if (late.passed()) {
          throw tooSlow(response.statusCode(), e);
        }
        throw e;
      }
    } catch (IOException e) {
      throw new RetriableException("the answer of " + to + " cannot be read: " + e, e);
    }
  }

  /** A partner whose answer's body did not come whole within the request's timeout. */
  private RetriableException tooSlow(int status, Exception cause) {
    return new RetriableException("partner " + to + " at " + endpoint + " answered " + status
        + " but did not send the whole answer within the timeout (" + timeout + ")", cause);
  }

  /** What a refusal means: {@link TooLarge} for a 413, else retriable. */
  private RuntimeException refusal(int status, InputStream body) {
    // at most 1 KB of what the partner says: a hostile answer cannot fill the memory
    String reason;
    try {
      // (without the line break a text answer ends with, which would show as "?")
      reason = StrictJson.printable(new String(body.readNBytes(1024),
          StandardCharsets.UTF_8).strip(), 300);
    } catch (IOException closed) {
      reason = "(no text: " + closed.getMessage() + ")"; // a refusal may close at once
    }
    if (status == 413) {
      return new TooLarge(reason);
    }
    return new RetriableException("partner " + to + " at " + endpoint + " answered "
        + status + ": " + reason, null);
  }

  /** The message ids of the partner's signed acknowledgement. */
  private Set<String> acknowledged(InputStream body) throws IOException {
    Envelopes.Opened ack;
    try {
      ack = Envelopes.open(security, body); // reads at most the envelope limit
    } catch (EnvelopeRejectedException e) {
      LOG.warn("{}: the acknowledgement of {} was refused: {}", from, to, e.getMessage());
      throw new RetriableException("the acknowledgement of " + to + " was refused: "
          + e.getMessage(), e);
    }
    if (!ack.kind().equals(Envelopes.ACKS) || !ack.from().equals(to)
        || !ack.to().equals(from)) {
      throw new RetriableException("the answer of " + to + " is not its acknowledgement to "
          + from, null);
    }
    return new LinkedHashSet<>(ack.acked());
  }

  @Override
  public String toString() {
    return "HttpTransport[" + from + " -> " + to + " at " + endpoint + "]";
  }

  /** Settings of an {@link HttpTransport}. */
  public static final class Builder {
    private final URI endpoint;
    private final EnvelopeSecurity security;
    private final String from;
    private final String to;
    private HttpClient client;
    private Duration timeout = Duration.ofSeconds(30);
    private int maxBatchMessages = 100;
    private EnvelopeIdStore attachmentIds;
    private Duration contentRetention = Duration.ofDays(30);
    private long maxAttachmentBytes = 1L << 30;
    private int resumeAttempts = 5;

    private Builder(URI endpoint, EnvelopeSecurity security, String from, String to) {
      this.endpoint = checked(Objects.requireNonNull(endpoint, "endpoint"));
      this.security = Objects.requireNonNull(security, "security");
      this.from = connector("fromConnector", from);
      this.to = connector("toConnector", to);
      if (from.equals(to)) {
        throw new IllegalArgumentException("toConnector must be the partner's connector, not this"
            + " one: both were \"" + Envelopes.printable(from) + "\"");
      }
    }

    /**
     * A connector key as envelopes name it: every envelope from a blank one was refused by the
     * partner (403), for good (helper-129).
     */
    private static String connector(String name, String key) {
      Objects.requireNonNull(key, name);
      if (key.isBlank() || !Envelopes.printable(key).equals(key)) {
        throw new IllegalArgumentException(name + " must be a connector key (printable, not"
            + " blank), was \"" + Envelopes.printable(key) + "\"");
      }
      return key;
    }

    /** The HTTP client (TLS settings, proxy). Default: a new one. */
    public Builder httpClient(HttpClient value) {
      this.client = Objects.requireNonNull(value, "httpClient");
      return this;
    }

    /**
     * An endpoint a request can go to, and that no text shows a secret of: http or https with
     * a host, and no user part, query or fragment (the envelopes' signature is the credential;
     * a password in the user part, or a gateway's key in the query, went into toString and
     * every delivery failure's text, helper-92, helper-129). The service's partner URL and
     * {@code JiraSite} refuse the same.
     */
    private static URI checked(URI endpoint) {
      if (endpoint.getRawUserInfo() != null) {
        throw new IllegalArgumentException("endpoint must not have a user part (the envelopes"
            + " are signed; nothing else is sent), was " + endpoint.getScheme() + "://***@"
            + endpoint.getHost() + "...");
      }
      if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
        throw new IllegalArgumentException("endpoint must not have a query or a fragment (the"
            + " envelopes are signed; nothing else is sent), was \""
            + withoutQuery(endpoint) + "\"");
      }
      String scheme = endpoint.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)
          || endpoint.getHost() == null) {
        throw new IllegalArgumentException("endpoint must be an http or https URL with a host,"
            + " was \"" + Envelopes.printable(endpoint.toString()) + "\"");
      }
      return endpoint;
    }

    /** The endpoint, printable, up to its query or fragment, each then shown as "?…", "#…". */
    private static String withoutQuery(URI endpoint) {
      String text = endpoint.toString();
      int cut = text.length();
      for (char c : new char[] {'?', '#'}) {
        int at = text.indexOf(c);
        if (at >= 0 && at < cut) {
          cut = at;
        }
      }
      return Envelopes.printable(text.substring(0, cut))
          + (endpoint.getRawQuery() != null ? "?…" : "")
          + (endpoint.getRawFragment() != null ? "#…" : "");
    }

    /** How long one POST may take, from 1 ms to a day. Default 30 s. */
    public Builder timeout(Duration value) {
      Objects.requireNonNull(value, "timeout");
      this.timeout = Durations.within("timeout", value, Durations.DAY);
      return this;
    }

    /** The most messages in one envelope. Default 100. */
    public Builder maxBatchMessages(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxBatchMessages must be positive, was " + value);
      }
      this.maxBatchMessages = value;
      return this;
    }

    /**
     * Where the attachments this side's messages announce are remembered, for this side's
     * {@link HttpTransportHandler} (given the same store) to serve them, and only them, to the
     * partner: e.g. {@code stores.envelopeIds()} of the engine's stores, durable so that they
     * are served after a restart too. Needed when the synchronization syncs attachments.
     */
    public Builder attachmentIds(EnvelopeIdStore value) {
      this.attachmentIds = Objects.requireNonNull(value, "attachmentIds");
      return this;
    }

    /**
     * How long after announcing an attachment the partner may fetch it: as long as the partner
     * may be down or its message wait, from 1 ms to 365 days. Default 30 days.
     */
    public Builder contentRetention(Duration value) {
      // an announcement is remembered until now plus this, which must not wrap past a long
      this.contentRetention = Durations.within("contentRetention", value, Durations.YEAR);
      return this;
    }

    /**
     * The largest attachment fetched from the partner, in bytes; a larger announcement is
     * refused before any request. Default 1 GiB.
     */
    public Builder maxAttachmentBytes(long value) {
      if (value < 0) {
        throw new IllegalArgumentException("maxAttachmentBytes must not be negative, was "
            + value);
      }
      this.maxAttachmentBytes = value;
      return this;
    }

    /**
     * How many times in a row a fetch whose connection breaks is resumed without getting a byte
     * further. Default 5.
     */
    public Builder resumeAttempts(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("resumeAttempts must not be negative, was " + value);
      }
      this.resumeAttempts = value;
      return this;
    }

    /** The transport. */
    public HttpTransport build() {
      return new HttpTransport(this);
    }
  }
}
