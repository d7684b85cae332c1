package org.backbonesync.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/** Given a scripted sync between PA and PB, the registry counts what the engine did. */
class MicrometerSyncListenerTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ManualClock clock = ManualClock.startingAt2026();
  private final InMemoryStores stores = new InMemoryStores();
  private final MicrometerSyncListener metrics = MicrometerSyncListener
      .builder(registry, "sync-pa-pb")
      .clock(clock)
      .connectors("PA", "PB")
      .backlog(stores.messages())
      .build();
  // PA knows a priority that PB does not: a message carrying it fails on PB.
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .clock(clock)
      .stores(stores)
      .projectA(p -> p.priorities("Blocker", "High", "Medium", "Low"))
      .listener(metrics)
      .build();

  private double count(String name, String connector, String... tags) {
    Counter c = registry.find(name).tag("connector", connector).tags(tags).counter();
    return c == null ? -1 : c.count();
  }

  private double gauge(String name, String connector) {
    return registry.get(name).tag("connector", connector).gauge().value();
  }

  @Test
  void metersAreRegisteredAtZeroForTheNamedConnectors() {
    assertEquals(0, count("backbone.messages.queued", "PA"));
    assertEquals(0, count("backbone.messages.processed", "PB", "outcome", "failed_permanent"));
    assertEquals(0, gauge("backbone.outbox.messages", "PA"));
    assertEquals("sync-pa-pb", registry.get("backbone.messages.sent").tag("connector", "PB")
        .counter().getId().getTag("synchronization"));
  }

  @Test
  void aScriptedSyncIsCountedByConnectorAndOutcome() {
    // two issues created on PA reach PB
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");
    sync.runUntilQuiet();
    assertEquals(2, count("backbone.messages.processed", "PB", "outcome", "created"));
    assertEquals(0, count("backbone.messages.processed", "PB", "outcome", "applied"));

    // PB is unreachable for a while: delivery fails, the message waits in PA's outbox
    sync.transportAtoB().setDown(true);
    sync.a("alice").edit("PA-2", "summary", "Coffee machine refilled");
    sync.step();
    assertEquals(1, gauge("backbone.outbox.messages", "PA"));
    assertTrue(count("backbone.messages.delivery.failures", "PA") >= 1);
    sync.advance(Duration.ofMinutes(2));
    sync.transportAtoB().setDown(false);
    sync.runUntilQuiet();
    assertEquals(0, gauge("backbone.outbox.messages", "PA"));
    assertEquals(1, count("backbone.messages.processed", "PB", "outcome", "applied"));
    Timer delivery = registry.get("backbone.messages.delivery.latency").tag("connector", "PA")
        .timer();
    assertTrue(delivery.max(TimeUnit.SECONDS) >= 120,
        "the message waited two minutes for PB: " + delivery.max(TimeUnit.SECONDS));

    // a priority PB lacks: the message fails for good and waits in PB's inbox for an admin
    sync.a("alice").edit("PA-1", "priority", "Blocker");
    sync.runUntilQuiet();
    assertEquals(1, count("backbone.messages.processed", "PB", "outcome", "failed_permanent"));
    assertEquals(1, count("backbone.fields.refused", "PB", "mapping", SyncTestDriver.PRIORITY));
    assertEquals(1, gauge("backbone.inbox.messages", "PB"));
    sync.engine().skip("PB", sync.engine().failedMessages("PB").get(0).message().messageId());
    sync.runUntilQuiet();
    assertEquals(1, count("backbone.messages.admin", "PB", "action", "skipped"));
    assertEquals(0, gauge("backbone.inbox.messages", "PB"));

    // both sides edit one summary before the sync runs: a conflict, decided by the newer change
    sync.a("alice").edit("PA-2", "summary", "Coffee machine broken");
    sync.advance(Duration.ofSeconds(5));
    sync.b("bob").edit("PB-2", "summary", "Coffee machine fixed");
    sync.runUntilQuiet();
    double conflicts = registry.find("backbone.conflicts").counters().stream()
        .mapToDouble(Counter::count).sum();
    assertTrue(conflicts >= 1, "conflicts " + conflicts);
    assertEquals(conflicts, sync.events().events(Type.CONFLICT).size());

    // every counter agrees with the driver's own record of the events
    for (String key : Set.of("PA", "PB")) {
      assertEquals(sync.events().count(Type.QUEUED, key), count("backbone.messages.queued", key));
      assertEquals(sync.events().count(Type.SENT, key), count("backbone.messages.sent", key));
      assertEquals(sync.events().count(Type.DELIVERY_FAILED, key),
          count("backbone.messages.delivery.failures", key));
      assertEquals(sync.events().count(Type.RECEIVED, key),
          count("backbone.messages.received", key));
      assertEquals(sync.events().count(Type.APPLIED, key),
          count("backbone.messages.processed", key, "outcome", "applied")
              + count("backbone.messages.processed", key, "outcome", "created"));
      assertEquals(sync.events().count(Type.FAILED, key),
          count("backbone.messages.processed", key, "outcome", "failed")
              + count("backbone.messages.processed", key, "outcome", "failed_permanent"));
      assertEquals(sync.events().count(Type.POLLED, key), count("backbone.polls", key));
      assertEquals(sync.events().count(Type.SENT, key),
          registry.get("backbone.messages.delivery.latency").tag("connector", key).timer()
              .count());
      assertEquals(sync.events().count(Type.APPLIED, key),
          registry.get("backbone.messages.apply.latency").tag("connector", key).timer()
              .count());
    }
  }

  @Test
  void noMeterIsTaggedWithAnIssueKeyOrAMessageId() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, second floor");
    sync.runUntilQuiet();

    Set<String> tagKeys = new TreeSet<>();
    for (Meter meter : registry.getMeters()) {
      for (Tag tag : meter.getId().getTags()) {
        tagKeys.add(tag.getKey());
        assertFalse(tag.getValue().matches("P[AB]-\\d+.*"), meter.getId().toString());
      }
    }
    assertTrue(Set.of("synchronization", "connector", "outcome", "action", "winner", "rule")
        .containsAll(tagKeys), tagKeys.toString());
  }

  @Test
  void theBuilderNamesABadValue() {
    var empty = assertThrows(IllegalArgumentException.class,
        () -> MicrometerSyncListener.builder(registry, " "));
    assertEquals("synchronizationId must not be empty, was \" \"", empty.getMessage());
    var noConnectors = assertThrows(IllegalStateException.class,
        () -> MicrometerSyncListener.builder(registry, "s").backlog(stores.messages())
            .build());
    assertEquals("backlog gauges need the connectors they count: call connectors(...)",
        noConnectors.getMessage());
  }

  /**
   * After a lost store, B's poll pairs PB-1 again by its origin marker while B applies A's
   * message, which found PB-1 by the same marker: the store refuses the apply's row, the message
   * is tried again at once and applied. An expected race, not a failure in the metrics.
   */
  @Test
  void aPairThePollMadeWhileAnApplyFoundItsIssueCountsNoFailure() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.restartOn(new InMemoryStores()); // a lost store
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, again");
    sync.poll("PA");
    sync.deliver("PA");
    AtomicBoolean polled = new AtomicBoolean();
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (call.operation().equals("updateIssue") && polled.compareAndSet(false, true)) {
          sync.poll("PB"); // between the apply's marker lookup and its new row
        }
      }
    });

    sync.apply("PB");
    sync.b().intercept(null);
    sync.runUntilQuiet();

    assertTrue(polled.get());
    assertEquals("Printer on fire, again", sync.b().value("PB-1", "summary").asText());
    assertEquals(0, count("backbone.messages.processed", "PB", "outcome", "failed"));
    assertEquals(0, count("backbone.messages.processed", "PB", "outcome", "failed_permanent"));
  }
}
