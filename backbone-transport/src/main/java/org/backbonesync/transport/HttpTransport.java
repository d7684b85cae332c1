package org.backbonesync.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.transport.MessageTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a connector's messages to its partner's engine over HTTP: POSTs signed envelopes of at
 * most {@code maxBatchMessages} messages and {@code maxBatchBytes} bytes to the partner's {@link
 * HttpTransportHandler} and takes the message ids of the signed acknowledgement it answers with.
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
  private final long maxBatchBytes;
  private final MessageCodec codec = new MessageCodec();

  private HttpTransport(Builder b) {
    this.endpoint = b.endpoint;
    this.security = b.security;
    this.from = b.from;
    this.to = b.to;
    this.client = b.client != null ? b.client
        : HttpClient.newBuilder().connectTimeout(b.timeout).build();
    this.timeout = b.timeout;
    this.maxBatchMessages = b.maxBatchMessages;
    this.maxBatchBytes = b.maxBatchBytes;
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

  @Override
  public Set<String> send(List<SyncMessage> messages) {
    Set<String> acked = new LinkedHashSet<>();
    RetriableException failure = null;
    for (List<byte[]> batch : batches(messages)) {
      try {
        acked.addAll(post(batch));
      } catch (RetriableException e) {
        failure = e; // later batches would come out of order at the partner anyway: stop
        break;
      }
    }
    if (acked.isEmpty() && failure != null) {
      throw failure;
    }
    return acked;
  }

  private List<List<byte[]>> batches(List<SyncMessage> messages) {
    List<List<byte[]>> out = new ArrayList<>();
    List<byte[]> current = new ArrayList<>();
    long bytes = 0;
    for (SyncMessage m : messages) {
      byte[] encoded = codec.encode(m);
      if (!current.isEmpty() && (current.size() >= maxBatchMessages
          || bytes + encoded.length > maxBatchBytes)) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(encoded);
      bytes += encoded.length;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  private Set<String> post(List<byte[]> batch) {
    byte[] envelope = Envelopes.seal(security, Envelopes.MESSAGES, from, to, batch, List.of());
    HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
        .header("Content-Type", "application/vnd.backbone-envelope")
        .POST(HttpRequest.BodyPublishers.ofByteArray(envelope)).build();
    HttpResponse<byte[]> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new RetriableException("partner " + to + " at " + endpoint + " cannot be reached: "
          + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableException("interrupted sending to " + to, e);
    }
    if (response.statusCode() != 200) {
      String reason = new String(response.body(), StandardCharsets.UTF_8);
      throw new RetriableException("partner " + to + " at " + endpoint + " answered "
          + response.statusCode() + ": " + Envelopes.printable(reason), null);
    }
    Envelopes.Opened ack;
    try {
      ack = Envelopes.open(security, new ByteArrayInputStream(response.body()));
    } catch (EnvelopeRejectedException e) {
      LOG.warn("{}: the acknowledgement of {} was refused: {}", from, to, e.getMessage());
      throw new RetriableException("the acknowledgement of " + to + " was refused: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new RetriableException("the acknowledgement of " + to + " cannot be read", e);
    }
    if (!ack.kind().equals(Envelopes.ACKS) || !ack.from().equals(to) || !ack.to().equals(from)) {
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
    private long maxBatchBytes = 1024 * 1024;

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

    /**
     * The most bytes of messages in one envelope (a single larger message goes alone). Default
     * 1 MiB; keep it below the partner's {@code maxEnvelopeBytes}.
     */
    public Builder maxBatchBytes(long value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxBatchBytes must be positive, was " + value);
      }
      this.maxBatchBytes = value;
      return this;
    }

    /** The transport. */
    public HttpTransport build() {
      return new HttpTransport(this);
    }
  }
}
