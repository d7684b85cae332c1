package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Labels (a merged field) added on both sides while one side's row of the pair is lost: both
 * additions stay. The side whose row is intact sent its change to the lost row, which the
 * partner's new row drops; the whole it then sends the new row says its labels replaced what
 * its change still pending replaced, so the addition is merged (it said they replaced
 * themselves, no addition, and bob's label was lost on both sides: helper-89).
 */
class LostRowMergeTest {
  private static SyncTestDriver labelsSynced() {
    return SyncTestDriver.builder()
        .fieldMapping(
            FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.BOTH)
            .withConflict(ConflictRule.MERGE))
        .build();
  }

  private static String labels(SyncTestDriver sync) {
    return sync.a().value("PA-1", "labels") + " / " + sync.b().value("PB-1", "labels");
  }

  @ParameterizedTest(name = "the row deleted on {0}")
  @ValueSource(strings = {"PA", "PB"})
  void labelsAddedOnBothSidesWhileARowIsGoneAreBothKept(String lost) {
    SyncTestDriver sync = labelsSynced();
    sync.a("alice").updateIssue(sync.a("alice").create("Printer on fire"),
        Map.of("labels", strings("base")));
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();
    long row = (lost.equals("PA") ? sync.syncInfoA() : sync.syncInfoB()).get(0).id();
    sync.engine().deleteSyncInformation(lost, row);

    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings("base", "alice")));
    sync.advance(Duration.ofSeconds(1));
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings("base", "bob")));
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();

    assertEquals(strings("alice", "base", "bob") + " / " + strings("alice", "base", "bob"),
        labels(sync));
  }

  /**
   * Bob's create reaches A, which makes PA-1 but fails the rest (429): the create stays queued.
   * Alice and bob each add a label, an operator deletes A's row, and A applies the create again,
   * finding PA-1 by its marker.
   */
  @Test
  void aCreateAppliedAgainAfterARowIsDeletedKeepsBothSidesLabels() {
    boolean[] failNext = {false};
    SyncTestDriver sync = labelsSynced();
    sync.a().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (failNext[0] && call.operation().equals("updateIssue")) {
          failNext[0] = false;
          throw new RetriableException("429 from the tracker", null, null);
        }
      }
    });
    sync.b("bob").updateIssue(sync.b("bob").create("Printer on fire"),
        Map.of("labels", strings("base")));
    sync.poll("PB");
    sync.deliver("PB");
    failNext[0] = true;
    sync.apply("PA"); // creates PA-1 and records the pair; the rest fails: retried later
    sync.deliver("PA");
    sync.apply("PB"); // the PAIRED
    sync.advance(Duration.ofSeconds(1));
    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings("base", "alice")));
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings("base", "red")));
    sync.engine().deleteSyncInformation("PA", sync.syncInfoA().get(0).id());

    sync.advance(Duration.ofSeconds(10)); // the retry comes due
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    sync.runUntilQuiet();

    assertEquals(strings("alice", "base", "red") + " / " + strings("alice", "base", "red"),
        labels(sync));
  }
}
