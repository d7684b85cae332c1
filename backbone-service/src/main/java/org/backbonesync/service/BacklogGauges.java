package org.backbonesync.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.backbonesync.spi.store.MessageStore;

/**
 * One synchronization's backlog gauges, {@code backbone.outbox.messages} and {@code
 * backbone.inbox.messages} per connector, as the Micrometer module names them, but counted from
 * the store by the service's steps ({@link #refresh}) and only shown by a scrape. Counted by the
 * scrape itself, a store that does not answer held {@code /metrics} for as long as each count
 * waited for a connection: 120 s for four gauges on a stopped PostgreSQL, past any scraper's
 * timeout, so every other meter was lost with them. A count that failed reads NaN until one
 * succeeds. Thread-safe.
 */
final class BacklogGauges {
  /** The gauges' names, outbox first. */
  static final List<String> NAMES = List.of("backbone.outbox.messages", "backbone.inbox.messages");

  private final MessageStore messages;
  private final List<String> connectors;
  private final Map<String, double[]> counts = new ConcurrentHashMap<>();

  /**
   * Registers the gauges of {@code connectors} and counts them once.
   *
   * @throws RuntimeException the store's failure when it cannot count
   */
  BacklogGauges(MeterRegistry registry, String synchronizationId, List<String> connectors,
      MessageStore messages) {
    this.messages = messages;
    this.connectors = List.copyOf(connectors);
    for (String key : this.connectors) {
      counts.put(key, new double[] {Double.NaN, Double.NaN});
      Gauge.builder(NAMES.get(0), counts, c -> c.get(key)[0])
          .description("Messages in the outbox, not yet acknowledged by the partner")
          .tags("synchronization", synchronizationId, "connector", key).register(registry);
      Gauge.builder(NAMES.get(1), counts, c -> c.get(key)[1])
          .description("Messages in the inbox, not yet applied (failed ones included)")
          .tags("synchronization", synchronizationId, "connector", key).register(registry);
    }
    refresh();
  }

  /** Makes every gauge read NaN, unknown, without asking the store (it was found unavailable). */
  void unknown() {
    connectors.forEach(k -> counts.put(k, new double[] {Double.NaN, Double.NaN}));
  }

  /**
   * Counts every connector's messages again.
   *
   * @throws RuntimeException the store's failure; the gauges then read NaN
   */
  void refresh() {
    for (String key : connectors) {
      try {
        counts.put(key, new double[] {messages.outgoingCount(key), messages.incomingCount(key)});
      } catch (RuntimeException e) {
        unknown();
        throw e;
      }
    }
  }
}
