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
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.transport.MessageTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a connector's messages to its partner's engine over HTTP: POSTs signed envelopes of at
 * most {@code maxBatchMessages} messages and the security's {@code maxEnvelopeBytes} (the
 * partner's limit: both sides set the same) to the partner's {@link HttpTransportHandler} and
 * takes the message ids of the signed acknowledgement it answers with. A message larger than the
 * partner accepts is not sent and blocks nothing: the others flow, and {@link #undeliverable()}
 * says which and why.
 * A message not acknowledged stays in the engine's outbox and is sent again (after the engine's
 * backoff when the partner cannot be reached), so a partner that is down for a while only delays
 * the sync, and a crash never loses or reorders a message. Thread-safe.
 */
public final class HttpTransport implements MessageTransport {
  private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
  private final URI endpoint;
  private final EnvelopeSecurity security;
  private final String from;
  private final String to;
  private final HttpClient client;
  private final Duration timeout;
  private final int maxBatchMessages;
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
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new RetriableException("partner " + to + " at " + endpoint + " cannot be reached: "
          + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("interrupted sending to " + to, e);
    }
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        // at most 1 KB of what the partner says: a hostile answer cannot fill the memory
        String reason;
        try {
          reason = Envelopes.printable(new String(body.readNBytes(1024),
              StandardCharsets.UTF_8), 300);
        } catch (IOException closed) {
          reason = "(no text: " + closed.getMessage() + ")"; // a refusal may close at once
        }
        if (response.statusCode() == 413) {
          throw new TooLarge(reason);
        }
        throw new RetriableException("partner " + to + " at " + endpoint + " answered "
            + response.statusCode() + ": " + reason, null);
      }
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
    } catch (IOException e) {
      throw new RetriableException("the answer of " + to + " cannot be read: " + e, e);
    }
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

    private Builder(URI endpoint, EnvelopeSecurity security, String from, String to) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      this.security = Objects.requireNonNull(security, "security");
      this.from = Objects.requireNonNull(from, "fromConnector");
      this.to = Objects.requireNonNull(to, "toConnector");
    }

    /** The HTTP client (TLS settings, proxy). Default: a new one. */
    public Builder httpClient(HttpClient value) {
      this.client = Objects.requireNonNull(value, "httpClient");
      return this;
    }

    /** How long one POST may take. Default 30 s. */
    public Builder timeout(Duration value) {
      this.timeout = Objects.requireNonNull(value, "timeout");
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

    /** The transport. */
    public HttpTransport build() {
      return new HttpTransport(this);
    }
  }
}
