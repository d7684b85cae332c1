package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.testkit.ForwardingStores;
import org.backbonesync.testkit.RecordingListener;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit: a poll queues a page's messages in one transaction and an apply records a chunk
 * of pairs' outcomes in one, instead of one each (the transactions counted are the engine's
 * {@code inTransaction} calls) (on a durable store each commit waits for a
 * flush of its log); one pair whose writes fail rolls back alone and is tried again, the others
 * commit.
 */
class GroupCommitTest {
  private static final int ISSUES = 10;

  private final AtomicInteger transactions = new AtomicInteger();
  /** The issue key whose row's writes fail, or null. */
  private volatile String failing;
  /** Runs once, armed, after a read of a page's synced values (the poll read its rows). */
  private final AtomicReference<Runnable> afterRowsRead = new AtomicReference<>();
  private final SyncTestDriver sync =
      SyncTestDriver.builder().stores(watched(new InMemoryStores())).build();

  @BeforeEach
  void tenPairs() {
    for (int i = 1; i <= ISSUES; i++) {
      sync.a("alice").create("issue " + i);
    }
    sync.runUntilQuiet();
    sync.advance(Duration.ofSeconds(5));
    sync.runUntilQuiet();
    for (int i = 1; i <= ISSUES; i++) {
      sync.a("alice").edit("PA-" + i, "summary", "edited " + i);
    }
  }

  @Test
  void aPollQueuesAPageOfChangesInOneTransaction() {
    transactions.set(0);
    assertEquals(ISSUES, sync.poll("PA").messagesQueued());

    // the messages queued together, with the page's pair claims given back; then the watermark
    // with the poll's lease given back (taking the leases are single store calls, each a
    // transaction of its own, not counted here): two whatever the number of issues
    assertEquals(2, transactions.get(), "transactions of a poll finding " + ISSUES);
    sync.runUntilQuiet();
    for (int i = 1; i <= ISSUES; i++) {
      assertEquals("edited " + i, sync.b().value("PB-" + i, "summary").asText());
    }
  }

  @Test
  void anApplyRecordsAChunkOfPairsInOneTransaction() {
    sync.poll("PA");
    sync.deliver("PA");
    transactions.set(0);
    List<ApplyOutcome> outcomes = sync.apply("PB");

    assertEquals(ISSUES, outcomes.size());
    outcomes.forEach(o -> assertInstanceOf(ApplyOutcome.Applied.class, o));
    // their outcomes recorded together (the pairs' claims are single store calls)
    assertEquals(1, transactions.get(), "transactions of an apply of " + ISSUES + " messages");
    assertEquals(0, sync.stores().messages().incomingCount("PB"));
    for (SyncInfo row : sync.syncInfoB()) {
      assertEquals(2, row.incomingMessageSequenceId(), row.localIssueKey());
    }
  }

  @Test
  void aPairWhoseOutcomeCannotBeRecordedStaysQueuedAndTheOthersCommit() {
    sync.poll("PA");
    sync.deliver("PA");
    failing = "PB-3";
    List<ApplyOutcome> outcomes = sync.apply("PB");

    assertEquals(ISSUES, outcomes.size());
    assertInstanceOf(ApplyOutcome.Failed.class, outcomes.get(2), outcomes.toString());
    assertEquals(ISSUES - 1,
        outcomes.stream().filter(o -> o instanceof ApplyOutcome.Applied).count());
    assertEquals(1, sync.stores().messages().incomingCount("PB"), "only PA-3's stays queued");
    List<InboxEntry> left = sync.engine().failedMessages("PB");
    assertEquals("PA-3", left.get(0).message().sourceIssueKey());
    assertTrue(left.get(0).error().contains("disk full"), left.get(0).error());
    for (SyncInfo row : sync.syncInfoB()) {
      assertEquals(row.localIssueKey().equals("PB-3") ? 1 : 2, row.incomingMessageSequenceId(),
          "nothing of PB-3's outcome is kept, all of the others': " + row.localIssueKey());
    }

    failing = null;
    sync.engine().retry("PB", left.get(0).message().messageId());
    sync.runUntilQuiet();
    assertEquals(0, sync.stores().messages().incomingCount("PB"));
    assertEquals(2, row("PB-3").incomingMessageSequenceId());
    assertEquals("edited 3", sync.b().value("PB-3", "summary").asText());
    assertEquals(1, sync.events().events(RecordingListener.Type.APPLIED)
        .stream().filter(e -> e.message().sourceIssueKey().equals("PA-3")
            && e.message().sequenceId() == 2).count(), "applied once, when recorded");
  }

  @Test
  void aPairWhoseMessageCannotBeQueuedIsExaminedAgainAndTheOthersGo() {
    failing = "PA-3";
    assertEquals(ISSUES - 1, sync.poll("PA").messagesQueued());
    assertEquals(ISSUES - 1, sync.stores().messages().outgoingCount("PA"));
    assertEquals(1, row("PA-3", sync.syncInfoA()).outgoingMessageSequenceId(),
        "nothing of PA-3's message is kept");

    failing = null;
    sync.advance(Duration.ofSeconds(5));
    assertEquals(1, sync.poll("PA").messagesQueued(), "PA-3's change, examined again");
    sync.runUntilQuiet();
    for (int i = 1; i <= ISSUES; i++) {
      assertEquals("edited " + i, sync.b().value("PB-" + i, "summary").asText());
    }
  }

  /**
   * An apply on another node writes PA-3's row after the poll examined it and before the page's
   * commit: PA-3 is left for the next poll, and the page's other messages still commit together,
   * not each alone after the group's rollback.
   */
  @Test
  void aPairWrittenSinceItWasExaminedIsLeftOutAndTheOthersCommitTogether() {
    afterRowsRead.set(() -> {
      SyncInfo row = row("PA-3", sync.syncInfoA());
      sync.stores().syncInfo().update(row); // (a new stamp: written since)
    });
    transactions.set(0);

    assertEquals(ISSUES - 1, sync.poll("PA").messagesQueued());

    assertEquals(1, transactions.get(), "the page's (PA-3 holds the watermark back)");
    sync.advance(Duration.ofSeconds(5));
    assertEquals(1, sync.poll("PA").messagesQueued(), "PA-3's change, examined again");
    sync.runUntilQuiet();
    for (int i = 1; i <= ISSUES; i++) {
      assertEquals("edited " + i, sync.b().value("PB-" + i, "summary").asText());
    }
  }

  /** A pair with a conflict whose recording is rolled back with the group and written alone. */
  @Test
  void aConflictOfAPairWrittenAgainAloneIsRecordedOnce() {
    sync.b("bob").edit("PB-5", "summary", "bob's 5");
    sync.advance(Duration.ofSeconds(1));
    sync.poll("PA");
    sync.poll("PB");
    sync.deliver("PA");
    sync.deliver("PB");
    failing = "PB-3";
    sync.apply("PB");
    failing = null;
    for (var left : sync.engine().failedMessages("PB")) {
      sync.engine().retry("PB", left.message().messageId());
    }
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    assertEquals(sync.a().value("PA-5", "summary"), sync.b().value("PB-5", "summary"));
    assertEquals(sync.events().events(RecordingListener.Type.CONFLICT).size(),
        sync.stores().conflicts().list("PB", "PB-5").size()
            + sync.stores().conflicts().list("PA", "PA-5").size(),
        "conflict events vs records");
    assertTrue(sync.stores().conflicts().list("PB", "PB-5").size() <= 1,
        sync.stores().conflicts().list("PB", "PB-5").toString());
  }

  /** Two messages of one pair, the group of the first failing for another pair. */
  @Test
  void twoMessagesOfAPairStayInOrderWhenTheGroupFails() {
    sync.poll("PA");
    sync.advance(Duration.ofSeconds(1));
    sync.a("alice").edit("PA-5", "summary", "second 5");
    sync.poll("PA");
    sync.deliver("PA");
    failing = "PB-3";
    List<ApplyOutcome> outcomes = sync.apply("PB");
    assertEquals(ISSUES + 1, outcomes.size(), outcomes.toString());
    assertEquals("second 5", sync.b().value("PB-5", "summary").asText());
    assertEquals(3, row("PB-5").incomingMessageSequenceId());
  }

  private SyncInfo row(String localKey) {
    return row(localKey, sync.syncInfoB());
  }

  private static SyncInfo row(String localKey, List<SyncInfo> rows) {
    return rows.stream().filter(r -> r.localIssueKey().equals(localKey)).findFirst()
        .orElseThrow();
  }

  /** The stores, counting outermost transactions; a row of {@link #failing} cannot be written. */
  private Stores watched(Stores real) {
    ThreadLocal<Integer> depth = ThreadLocal.withInitial(() -> 0);
    return new ForwardingStores(real) {
      @Override
      public <T> T inTransaction(Supplier<T> work) {
        if (depth.get() == 0) {
          transactions.incrementAndGet();
        }
        depth.set(depth.get() + 1);
        try {
          return super.inTransaction(work);
        } finally {
          depth.set(depth.get() - 1);
        }
      }

      @Override
      public SyncInfoStore syncInfo() {
        SyncInfoStore store = super.syncInfo();
        return (SyncInfoStore) Proxy.newProxyInstance(SyncInfoStore.class.getClassLoader(),
            new Class<?>[] {SyncInfoStore.class}, (proxy, method, args) -> {
              if (method.getName().equals("update")
                  && ((SyncInfo) args[0]).localIssueKey().equals(failing)) {
                throw new IllegalStateException("disk full");
              }
              Object result;
              try {
                result = method.invoke(store, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (method.getName().equals("syncedValues") && args[0] instanceof Collection) {
                Runnable hook = afterRowsRead.getAndSet(null);
                if (hook != null) {
                  hook.run();
                }
              }
              return result;
            });
      }
    };
  }
}
