package org.backbonesync.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.backbonesync.core.SyncListener;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.MessageStore;

/**
 * A {@link SyncListener} that counts the engine's events in a Micrometer {@link MeterRegistry}.
 * Give it to the engine with {@code SyncEngine.builder().listener(...)}.
 *
 * <p>Every meter is tagged {@code synchronization} (the id given to {@link #builder}) and {@code
 * connector} (the connector key of the event); some add {@code outcome}, {@code action}, {@code
 * winner} or {@code rule}, whose values are a fixed set. No meter is tagged with an issue key,
 * a message id or a user, so the number of time series stays bounded by the number of
 * connectors.
 *
 * <table>
 * <caption>The meters</caption>
 * <tr><th>name</th><th>type</th><th>extra tags</th><th>counts</th></tr>
 * <tr><td>{@code backbone.polls}</td><td>counter</td><td></td><td>searches for changed
 *     issues</td></tr>
 * <tr><td>{@code backbone.poll.issues}</td><td>counter</td><td></td><td>issues those searches
 *     found</td></tr>
 * <tr><td>{@code backbone.exports.failed}</td><td>counter</td><td></td><td>changed issues that
 *     could not be examined (examined again at the next poll)</td></tr>
 * <tr><td>{@code backbone.messages.queued}</td><td>counter</td><td></td><td>messages put in the
 *     outbox</td></tr>
 * <tr><td>{@code backbone.messages.sent}</td><td>counter</td><td></td><td>messages the partner
 *     acknowledged</td></tr>
 * <tr><td>{@code backbone.messages.delivery.failures}</td><td>counter</td><td></td><td>failed
 *     delivery attempts (the message stays queued)</td></tr>
 * <tr><td>{@code backbone.messages.received}</td><td>counter</td><td></td><td>messages stored in
 *     the inbox</td></tr>
 * <tr><td>{@code backbone.messages.processed}</td><td>counter</td><td>{@code outcome}: {@code
 *     applied}, {@code created}, {@code ignored}, {@code duplicate}, {@code failed}, {@code
 *     failed_permanent}</td><td>what became of incoming messages; a message retried after a
 *     failure counts again</td></tr>
 * <tr><td>{@code backbone.messages.admin}</td><td>counter</td><td>{@code action}: {@code retried},
 *     {@code skipped}</td><td>an admin's actions on failed messages</td></tr>
 * <tr><td>{@code backbone.conflicts}</td><td>counter</td><td>{@code winner}, {@code rule} (lower
 *     case of {@link ConflictRecord.Winner} and {@link ConflictRecord.Rule})</td><td>concurrent
 *     changes and refusals by responsibility</td></tr>
 * <tr><td>{@code backbone.messages.delivery.latency}</td><td>timer</td><td></td><td>from a
 *     message's {@code createdAt} to its acknowledgement, retries included</td></tr>
 * <tr><td>{@code backbone.messages.apply.latency}</td><td>timer</td><td></td><td>from a message's
 *     {@code createdAt} (the sender's clock) to its apply (this listener's clock): end to end,
 *     so between processes it includes their clocks' difference; negative values count as 0</td>
 *     </tr>
 * <tr><td>{@code backbone.outbox.messages}</td><td>gauge</td><td></td><td>messages in the outbox,
 *     when {@link Builder#backlog} is set</td></tr>
 * <tr><td>{@code backbone.inbox.messages}</td><td>gauge</td><td></td><td>messages in the inbox,
 *     when {@link Builder#backlog} is set</td></tr>
 * </table>
 *
 * <p>Thread-safe; each event costs a map look-up and an increment. Several engines may share one
 * registry when their synchronization ids differ.
 */
public final class MicrometerSyncListener implements SyncListener {
  private final MeterRegistry registry;
  private final String synchronizationId;
  private final Clock clock;
  private final Map<String, ConnectorMeters> meters = new ConcurrentHashMap<>();

  private MicrometerSyncListener(Builder builder) {
    this.registry = builder.registry;
    this.synchronizationId = builder.synchronizationId;
    this.clock = builder.clock == null ? Clock.systemUTC() : builder.clock;
    for (String key : builder.connectors) {
      meters(key);
    }
    if (builder.backlog != null) {
      MessageStore store = builder.backlog;
      for (String key : builder.connectors) {
        Gauge.builder("backbone.outbox.messages", store, s -> s.outgoingCount(key))
            .description("Messages in the outbox, not yet acknowledged by the partner")
            .tags(tags(key)).strongReference(true).register(registry);
        Gauge.builder("backbone.inbox.messages", store, s -> s.incomingCount(key))
            .description("Messages in the inbox, not yet applied (failed ones included)")
            .tags(tags(key)).strongReference(true).register(registry);
      }
    }
  }

  /**
   * Starts building a listener.
   *
   * @param registry where the meters are registered
   * @param synchronizationId the value of the {@code synchronization} tag: the id of the engine's
   *     synchronization
   */
  public static Builder builder(MeterRegistry registry, String synchronizationId) {
    return new Builder(registry, synchronizationId);
  }

  private Tags tags(String connectorKey) {
    return Tags.of("synchronization", synchronizationId, "connector", connectorKey);
  }

  private ConnectorMeters meters(String connectorKey) {
    return meters.computeIfAbsent(connectorKey, k -> new ConnectorMeters(registry, tags(k)));
  }

  private void latency(Timer timer, SyncMessage message) {
    timer.record(Math.max(0, clock.millis() - message.createdAt()), TimeUnit.MILLISECONDS);
  }

  @Override
  public void polled(String connectorKey, int issuesFound, int messagesBuilt) {
    ConnectorMeters m = meters(connectorKey);
    m.polls.increment();
    m.pollIssues.increment(issuesFound);
  }

  @Override
  public void exportFailed(String connectorKey, String issueKey, String error) {
    meters(connectorKey).exportsFailed.increment();
  }

  @Override
  public void queued(String connectorKey, SyncMessage message) {
    meters(connectorKey).queued.increment();
  }

  @Override
  public void sent(String connectorKey, SyncMessage message) {
    ConnectorMeters m = meters(connectorKey);
    m.sent.increment();
    latency(m.deliveryLatency, message);
  }

  @Override
  public void deliveryFailed(String connectorKey, SyncMessage message, String reason) {
    meters(connectorKey).deliveryFailures.increment();
  }

  @Override
  public void received(String connectorKey, SyncMessage message) {
    meters(connectorKey).received.increment();
  }

  @Override
  public void applied(
      String connectorKey, SyncMessage message, String localIssueKey, boolean created) {
    ConnectorMeters m = meters(connectorKey);
    (created ? m.created : m.applied).increment();
    latency(m.applyLatency, message);
  }

  @Override
  public void ignored(String connectorKey, SyncMessage message, String reason) {
    meters(connectorKey).ignored.increment();
  }

  @Override
  public void conflict(String connectorKey, ConflictRecord record) {
    meters(connectorKey).conflict(registry, record).increment();
  }

  @Override
  public void duplicate(String connectorKey, SyncMessage message) {
    meters(connectorKey).duplicate.increment();
  }

  @Override
  public void failed(String connectorKey, SyncMessage message, String error, boolean permanent) {
    ConnectorMeters m = meters(connectorKey);
    (permanent ? m.failedPermanent : m.failed).increment();
  }

  @Override
  public void fieldRefused(String connectorKey, SyncMessage message, String fieldMappingId,
      String field, String error) {
    meters(connectorKey).refused(registry, fieldMappingId).increment();
  }

  @Override
  public void retried(String connectorKey, SyncMessage message) {
    meters(connectorKey).retried.increment();
  }

  @Override
  public void skipped(String connectorKey, SyncMessage message) {
    meters(connectorKey).skipped.increment();
  }

  /** The meters of one connector, registered once. */
  private static final class ConnectorMeters {
    final Tags tags;
    final Counter polls;
    final Counter pollIssues;
    final Counter exportsFailed;
    final Counter queued;
    final Counter sent;
    final Counter deliveryFailures;
    final Counter received;
    final Counter applied;
    final Counter created;
    final Counter ignored;
    final Counter duplicate;
    final Counter failed;
    final Counter failedPermanent;
    final Counter retried;
    final Counter skipped;
    final Timer deliveryLatency;
    final Timer applyLatency;
    final Map<ConflictRecord.Winner, Map<ConflictRecord.Rule, Counter>> conflicts =
        new EnumMap<>(ConflictRecord.Winner.class);
    /** By field mapping id: the configuration's ids, so the series stay bounded. */
    final Map<String, Counter> refused = new ConcurrentHashMap<>();

    ConnectorMeters(MeterRegistry registry, Tags tags) {
      this.tags = tags;
      polls = counter(registry, "backbone.polls", "Searches for changed issues", Tags.empty());
      pollIssues = counter(registry, "backbone.poll.issues", "Issues the searches found",
          Tags.empty());
      exportsFailed = counter(registry, "backbone.exports.failed",
          "Changed issues that could not be examined", Tags.empty());
      queued = counter(registry, "backbone.messages.queued", "Messages put in the outbox",
          Tags.empty());
      sent = counter(registry, "backbone.messages.sent", "Messages the partner acknowledged",
          Tags.empty());
      deliveryFailures = counter(registry, "backbone.messages.delivery.failures",
          "Failed delivery attempts", Tags.empty());
      received = counter(registry, "backbone.messages.received", "Messages stored in the inbox",
          Tags.empty());
      applied = processed(registry, "applied");
      created = processed(registry, "created");
      ignored = processed(registry, "ignored");
      duplicate = processed(registry, "duplicate");
      failed = processed(registry, "failed");
      failedPermanent = processed(registry, "failed_permanent");
      retried = counter(registry, "backbone.messages.admin", "An admin's actions on failed"
          + " messages", Tags.of("action", "retried"));
      skipped = counter(registry, "backbone.messages.admin", "An admin's actions on failed"
          + " messages", Tags.of("action", "skipped"));
      deliveryLatency = timer(registry, "backbone.messages.delivery.latency",
          "From a message's creation to its acknowledgement");
      applyLatency = timer(registry, "backbone.messages.apply.latency",
          "From a message's creation to its apply");
    }

    private Counter processed(MeterRegistry registry, String outcome) {
      return counter(registry, "backbone.messages.processed", "What became of incoming messages",
          Tags.of("outcome", outcome));
    }

    private Counter counter(MeterRegistry registry, String name, String description, Tags extra) {
      return Counter.builder(name).description(description).tags(tags.and(extra))
          .register(registry);
    }

    private Timer timer(MeterRegistry registry, String name, String description) {
      return Timer.builder(name).description(description).tags(tags)
          .minimumExpectedValue(Duration.ofMillis(1)).register(registry);
    }

    Counter refused(MeterRegistry registry, String fieldMappingId) {
      return refused.computeIfAbsent(fieldMappingId, id -> counter(registry,
          "backbone.fields.refused", "Field values the tracker refused, by the incoming mapping"
              + " that wrote them", Tags.of("mapping", id)));
    }

    synchronized Counter conflict(MeterRegistry registry, ConflictRecord record) {
      return conflicts.computeIfAbsent(record.winner(),
              w -> new EnumMap<>(ConflictRecord.Rule.class))
          .computeIfAbsent(record.rule(), r -> counter(registry, "backbone.conflicts",
              "Concurrent changes and refusals by responsibility",
              Tags.of("winner", record.winner().name().toLowerCase(java.util.Locale.ROOT),
                  "rule", r.name().toLowerCase(java.util.Locale.ROOT))));
    }
  }

  /**
   * Builds a {@link MicrometerSyncListener}. Setters fail at once on a null or empty value,
   * naming it. Not thread-safe.
   */
  public static final class Builder {
    private final MeterRegistry registry;
    private final String synchronizationId;
    private final List<String> connectors = new ArrayList<>();
    private Clock clock;
    private MessageStore backlog;

    private Builder(MeterRegistry registry, String synchronizationId) {
      this.registry = Objects.requireNonNull(registry, "registry");
      this.synchronizationId = text("synchronizationId", synchronizationId);
    }

    private static String text(String name, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be empty, was "
            + (value == null ? "null" : "\"" + value + "\""));
      }
      return value;
    }

    /**
     * The clock of the latency timers: the engine's, so that a test's manual clock measures
     * them. Default: the system clock in UTC.
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Connectors whose meters are registered now, at zero, instead of at their first event; a
     * dashboard then shows them before anything happened. The backlog gauges are registered
     * for these connectors.
     */
    public Builder connectors(String... connectorKeys) {
      for (String key : connectorKeys) {
        connectors.add(text("connectorKey", key));
      }
      return this;
    }

    /**
     * Adds the backlog gauges {@code backbone.outbox.messages} and {@code backbone.inbox.messages}
     * for each of {@link #connectors}, read from the engine's message store (e.g. {@code
     * stores.messages()}) whenever the registry publishes: one count query per gauge and
     * publication with a database store.
     */
    public Builder backlog(MessageStore messages) {
      this.backlog = Objects.requireNonNull(messages, "messages");
      return this;
    }

    /** Builds the listener and registers the meters of the connectors named so far. */
    public MicrometerSyncListener build() {
      if (backlog != null && connectors.isEmpty()) {
        throw new IllegalStateException(
            "backlog gauges need the connectors they count: call connectors(...)");
      }
      return new MicrometerSyncListener(this);
    }
  }
}
