package org.backbonesync.core;

import static org.backbonesync.core.MergedLabels.bobsLabelApplied;
import static org.backbonesync.core.MergedLabels.labels;
import static org.backbonesync.core.MergedLabels.settle;
import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Labels (a merged field) across a row of the pair made again or taken back: bob added "bob"
 * on B and A applied it (A answers nothing about labels, so B's change stays pending there);
 * then an operator acts on A's row, and alice removes "bob" or leaves the labels alone. What
 * alice did stands on both sides.
 *
 * <p>The other bet is not taken: a label added on B while A's row is gone goes to the lost row,
 * which A's new row never applies, and B's whole then says its labels replaced themselves, so
 * that addition is lost (helper-89). B cannot tell the two apart (7dbe810 took B's pending
 * change as never applied, and helper-94 found these four cases broken by it); A's changelog
 * could (did its sync user write B's value?), which is not built.
 */
class LostRowMergeTest {
  private static void aliceRemovesBobsLabelAMinuteLater(SyncTestDriver sync) {
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings("base")));
    settle(sync);
  }

  @Test
  void aLabelRemovedOnAAfterItsRowIsDeletedStaysRemoved() {
    SyncTestDriver sync = bobsLabelApplied();
    sync.engine().deleteSyncInformation("PA", sync.syncInfoA().get(0).id());

    aliceRemovesBobsLabelAMinuteLater(sync);

    assertEquals(strings("base") + " / " + strings("base"), labels(sync));
  }

  @Test
  void labelsUntouchedOnAAfterItsRowIsDeletedStayAsTheyWere() {
    SyncTestDriver sync = bobsLabelApplied();
    sync.engine().deleteSyncInformation("PA", sync.syncInfoA().get(0).id());
    sync.advance(Duration.ofMinutes(1));

    sync.a("alice").updateIssue("PA-1",
        Map.of("summary", TextNode.valueOf("Printer on fire, 2nd floor")));
    settle(sync);

    assertEquals(strings("base", "bob") + " / " + strings("base", "bob"), labels(sync));
  }

  @Test
  void aLabelRemovedOnAWhileItIgnoredStaysRemovedAfterTheTakeBack() {
    SyncTestDriver sync = bobsLabelApplied();
    long row = sync.syncInfoA().get(0).id();
    sync.engine().setIncomingChangesIgnored("PA", row, true);

    aliceRemovesBobsLabelAMinuteLater(sync);
    sync.engine().setIncomingChangesIgnored("PA", row, false);
    settle(sync);

    assertEquals(strings("base") + " / " + strings("base"), labels(sync));
  }

  @Test
  void aLabelRemovedOnAAfterItsRowIsImportedBackStaysRemoved() {
    SyncTestDriver sync = bobsLabelApplied();
    SyncInfo r = sync.syncInfoA().get(0);
    sync.engine().deleteSyncInformation("PA", r.id());
    sync.engine().importSyncInformation("PA", List.of(new SyncInfoImport(r.localIssueKey(),
        r.remoteIssueKey(), r.firstSyncDate(), r.lastOutgoingChange(), r.lastChangeSeen(),
        r.outgoingMessageSequenceId(), r.lastIncomingChange(), r.incomingMessageSequenceId(),
        r.incomingChangesIgnored())));

    aliceRemovesBobsLabelAMinuteLater(sync);

    assertEquals(strings("base") + " / " + strings("base"), labels(sync));
  }
}
