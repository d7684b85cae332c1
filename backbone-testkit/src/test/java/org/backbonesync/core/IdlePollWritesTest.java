package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.ConflictStore;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.TaskStore;
import org.backbonesync.spi.store.TraceStore;
import org.backbonesync.spi.store.WatermarkStore;
import org.backbonesync.testkit.CountingStores;
import org.backbonesync.testkit.ForwardingStores;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A poll that finds nothing new writes nothing to the stores: no lease taken and given back, no
 * watermark stored again, no pair claimed. A node serving a thousand synchronizations would
 * otherwise write several rows per connector every poll interval while nobody edits anything.
 */
class IdlePollWritesTest {
  private final List<String> writes = new ArrayList<>();
  private final SyncTestDriver sync =
      SyncTestDriver.builder().stores(counting(new InMemoryStores())).build();

  @Test
  void aPollThatFindsNothingNewWritesNothing() {
    sync.a("alice").create("Printer on fire");
    sync.b("bob").create("Scanner jammed");
    sync.runUntilQuiet();
    sync.advance(Duration.ofSeconds(5));
    sync.runUntilQuiet(); // the pollers have seen the sync's own writes
    writes.clear();

    for (int i = 0; i < 3; i++) {
      sync.advance(Duration.ofSeconds(5));
      sync.poll("PA");
      sync.poll("PB");
    }

    assertEquals(List.of(), writes, "idle polls: no write");
  }

  @Test
  void withCommentsSyncedAPollThatFindsNothingNewWritesNothing() {
    SyncTestDriver comments = SyncTestDriver.builder().stores(counting(new InMemoryStores()))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary",
            Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", null))
        .build();
    comments.a("alice").create("Printer on fire");
    comments.runUntilQuiet();
    comments.a("alice").addComment("PA-1", "Have you tried turning it off?");
    comments.b("bob").addComment("PB-1", "Yes, twice.");
    comments.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    comments.runUntilQuiet();
    comments.advance(Duration.ofSeconds(5));
    comments.runUntilQuiet();
    writes.clear();

    for (int i = 0; i < 3; i++) {
      comments.advance(Duration.ofSeconds(5));
      comments.poll("PA");
      comments.poll("PB");
    }

    assertEquals(List.of(), writes, "idle polls: no write (no pair claimed either)");
    assertEquals(2, comments.b().comments("PB-1").size());
  }

  @Test
  void aChangeAfterIdlePollsIsStillSentAndWrittenUnderTheLease() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofSeconds(5));
    sync.runUntilQuiet();
    sync.poll("PA");
    writes.clear();

    sync.advance(Duration.ofSeconds(5));
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    assertEquals(1, sync.poll("PA").messagesQueued());

    assertTrue(writes.indexOf("tryLease") >= 0, "the poll lease is taken: " + writes);
    assertEquals("tryLease", writes.get(0), "before any other write: " + writes);
    sync.runUntilQuiet();
    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText());
  }

  /**
   * The stores, every call that is not a read recorded by method name, in order (which
   * {@link CountingStores} does not keep).
   */
  private Stores counting(Stores real) {
    Map<Class<?>, Object> watched = new HashMap<>();
    return new ForwardingStores(real) {
      @Override
      public SyncInfoStore syncInfo() {
        return watch(SyncInfoStore.class, super.syncInfo());
      }

      @Override
      public MessageStore messages() {
        return watch(MessageStore.class, super.messages());
      }

      @Override
      public WatermarkStore watermarks() {
        return watch(WatermarkStore.class, super.watermarks());
      }

      @Override
      public TaskStore tasks() {
        return watch(TaskStore.class, super.tasks());
      }

      @Override
      public ConflictStore conflicts() {
        return watch(ConflictStore.class, super.conflicts());
      }

      @Override
      public LeaseStore leases() {
        return watch(LeaseStore.class, super.leases());
      }

      @Override
      public TraceStore trace() {
        return watch(TraceStore.class, super.trace());
      }

      private <T> T watch(Class<T> type, T store) {
        synchronized (watched) {
          return type.cast(watched.computeIfAbsent(type, t -> Proxy.newProxyInstance(
              type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
                if (!CountingStores.reads(method.getName())) {
                  synchronized (writes) {
                    writes.add(method.getName());
                  }
                }
                try {
                  return method.invoke(store, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              })));
        }
      }
    };
  }
}
