package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/**
 * An apply claims a chunk of issue pairs with one lease and begins no more of them once half
 * the lease has passed: the rest wait, queued, for the next apply, so that no pair is applied
 * after its claim may have gone to another node (a slow tracker, paced or paused by its rate
 * limits, can take that long for a chunk).
 */
class ApplyChunkLeaseTest {
  @Test
  void pairsNotBegunByHalfTheLeaseWaitForTheNextApply() {
    SyncTestDriver sync = SyncTestDriver.builder().build(); // the engine's lease: 1 minute
    for (int i = 1; i <= 3; i++) {
      sync.a("alice").create("issue " + i);
    }
    sync.poll("PA");
    sync.deliver("PA");
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void after(TrackerCall call) {
        if (call.operation().equals("createIssue")) {
          sync.clock().advance(Duration.ofSeconds(20)); // a slow create
        }
      }
    });

    sync.apply("PB");

    // begun at 0 s and 20 s; the third would begin at 40 s, past half the lease
    assertEquals(2, sync.b().allIssues().size());
    assertEquals(1, sync.stores().messages().incomingCount("PB"), "the third stays queued");

    sync.apply("PB");

    assertEquals(3, sync.b().allIssues().size());
    assertEquals(0, sync.stores().messages().incomingCount("PB"));
  }
}
