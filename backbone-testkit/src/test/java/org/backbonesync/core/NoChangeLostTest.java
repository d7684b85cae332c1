package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.InMemoryTransport;
import org.backbonesync.testkit.ManualExecutor;
import org.backbonesync.testkit.SimulatedCrash;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/**
 * A person's last change ends on both sides however the engine's steps and the trackers'
 * timestamps fall: the seeds the fault simulation once found failing, each cut down to the steps
 * that lost a change.
 */
class NoChangeLostTest {
  private final ManualExecutor tasks = new ManualExecutor();

  private SyncTestDriver synced(FieldMapping... mappings) {
    SyncTestDriver.Builder builder = SyncTestDriver.builder()
        .engine(e -> e.taskExecutor(tasks));
    for (FieldMapping m : mappings) {
      builder.fieldMapping(m);
    }
    SyncTestDriver sync = builder.build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(1));
    return sync;
  }

  private static String priority(InMemoryIssueTracker tracker, String key) {
    return tracker.value(key, "priority").asText();
  }

  /**
   * Simulation seed 8559. Bob's second edit comes in the millisecond of the poll that sent his
   * first one; A's resync, which had not seen the first, then brings B the value of the second.
   * The equal values made B take it as the partner's, so the second edit was never sent, and A
   * kept the first.
   */
  @Test
  void anEditInTheMillisecondOfThePollThatSentTheOneBeforeIsNotLost() {
    SyncTestDriver sync = synced(
        FieldMapping.passthrough(SyncTestDriver.PRIORITY, "priority", Direction.BOTH),
        FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH));
    assertEquals("Medium", priority(sync.b(), "PB-1"));
    sync.b("bob").edit("PB-1", "priority", "High");
    sync.poll("PB"); // sends High
    sync.engine().resync("PA", ResyncRequest.all(), "admin");
    tasks.runAll(); // sends Medium, not having seen High
    sync.b("bob").edit("PB-1", "priority", "Medium"); // same millisecond as B's poll

    sync.deliver("PA");
    sync.apply("PB");
    sync.runUntilQuiet();

    assertEquals("Medium", priority(sync.b(), "PB-1"));
    assertEquals("Medium", priority(sync.a(), "PA-1"), "bob's last edit reached A");
  }

  /**
   * Simulation seeds 45725 and 59517 after the fix above. A poll that fails on an issue must
   * search again from that issue's oldest change not examined, not from its last update: the
   * next search's changelog starts where the search does, and it left out bob's first edit.
   */
  @Test
  void anEditOfAnIssueThatAPollFailedOnIsSentByTheNextPoll() {
    boolean[] failNext = {false};
    SyncTestDriver sync = synced(
        FieldMapping.passthrough(SyncTestDriver.PRIORITY, "priority", Direction.BOTH),
        FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH),
        FieldMapping.of("files", "attachments", Direction.BOTH, "attachment", "attachment",
            null));
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (failNext[0] && call.operation().equals("attachments")) {
          failNext[0] = false;
          throw new RetriableException("429 from the tracker", null, null);
        }
      }
    });
    sync.b("bob").edit("PB-1", "priority", "High");
    sync.advance(Duration.ofMinutes(5)); // far more than the poll's overlap
    sync.b("bob").edit("PB-1", "summary", "Printer on fire, second floor");

    failNext[0] = true;
    sync.poll("PB"); // fails on PB-1, which is examined again next poll
    sync.advance(Duration.ofSeconds(10));
    sync.runUntilQuiet();

    assertEquals("Printer on fire, second floor", sync.a().value("PA-1", "summary").asText());
    assertEquals("High", priority(sync.a(), "PA-1"), "bob's first edit reached A");
  }

  /**
   * Simulation seed 727896 (sweep of 1..1,000,000). B's change on its way loses at A against an
   * older change of A's that B then applies, and keeps, through a newer change of bob's not sent
   * yet. B went on taking A for holding the value on its way; when bob set the field back to
   * that value, B's poll saw no change to send: A kept its value, B bob's.
   */
  @Test
  void anEditBackToAValueThePartnerRefusedIsSent() {
    SyncTestDriver sync = synced(
        FieldMapping.passthrough(SyncTestDriver.PRIORITY, "priority", Direction.BOTH),
        FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH));
    sync.b("bob").edit("PB-1", "priority", "High");
    sync.poll("PB"); // High goes, not delivered yet
    sync.advance(Duration.ofSeconds(10));
    sync.a("alice").edit("PA-1", "priority", "Low"); // newer than High: A will keep it
    sync.poll("PA");
    sync.deliver("PA");
    sync.advance(Duration.ofSeconds(10));
    sync.b("bob").edit("PB-1", "priority", "Medium"); // newer than Low, not sent yet
    sync.apply("PB"); // Low loses against Medium here
    sync.b("bob").edit("PB-1", "priority", "High");

    sync.runUntilQuiet();

    assertEquals("High", priority(sync.b(), "PB-1"));
    assertEquals("High", priority(sync.a(), "PA-1"), "bob's last edit reached A");
  }

  /**
   * Simulation seeds 1374507 and 1474929 (sweep of 1,000,001..2,000,000). B creates PB-3 for
   * PA-3 and crashes before recording the pair; bob links PB-3 to PB-1 meanwhile. B's polls left
   * PB-3 alone, its pair not recorded, and moved the watermark past the link; once the pair was
   * recorded, no later poll's changelog reached back to it, and A never got the link.
   */
  @Test
  void aLinkToAnIssueWhosePairIsNotRecordedYetIsSentOnceItIs() {
    boolean[] crashNext = {false};
    SyncTestDriver sync = synced(
        FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH),
        FieldMapping.of("links", "links", Direction.BOTH, "issuelinks", "issuelinks", null));
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void after(TrackerCall call) {
        if (crashNext[0] && call.operation().equals("createIssue")) {
          crashNext[0] = false;
          throw new SimulatedCrash("after createIssue");
        }
      }
    });
    sync.a("alice").create("Paper jam");
    sync.runUntilQuiet(); // PA-2 and PB-2
    sync.a("alice").create("Toner empty");
    sync.poll("PA");
    sync.deliver("PA");
    crashNext[0] = true;
    assertThrows(SimulatedCrash.class, () -> sync.apply("PB")); // PB-3 made, pair not recorded
    sync.restart();

    sync.b("bob").createLink("Relates", "PB-3", "PB-1");
    sync.advance(Duration.ofMinutes(5)); // far more than the poll's overlap
    sync.b("bob").edit("PB-2", "summary", "Paper jam, tray 2");
    sync.poll("PB"); // finds PB-3 without its pair, and PB-2 five minutes later
    sync.runUntilQuiet();

    assertEquals(List.of("PA-3 Relates PA-1"), sync.a().links("PA-3").stream()
        .map(l -> l.outwardIssue() + " " + l.type() + " " + l.inwardIssue()).toList());
    assertEquals("Paper jam, tray 2", sync.a().value("PA-2", "summary").asText());
  }

  /**
   * Simulation seeds 705660152 and 67444838 (CI's random bases at 481d552). B's clock is 110 s
   * behind. A copy of A's create, already applied, is held on its way; bob sets High (sent to A),
   * then Low; an operator deletes B's row, and the copy arrives. B finds PB-1 by its marker, and
   * the create's Medium, stamped when alice created PA-1, wins over bob's Low, stamped earlier by
   * B's clock (the newer stamp wins, as documented). B then sent PB-1 whole with Medium as the
   * sync user's (time 0), and A, holding bob's High as the sync user's too, kept High on the tie:
   * both sides ended on High, neither the newest stamp nor bob's last edit.
   */
  @Test
  void aCreateDeliveredAgainAfterTheRowWasDeletedLeavesBothSidesOnTheNewestStamp() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .skewB(Duration.ofSeconds(-110))
        .fieldMapping(
            FieldMapping.passthrough(SyncTestDriver.PRIORITY, "priority", Direction.BOTH))
        .fieldMapping(
            FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .build();
    createHeldWhileBobEditsTwiceAndBsRowIsDeleted(sync, "High", "Low");

    assertEquals("Medium", priority(sync.b(), "PB-1"), "the newest stamp: alice's create");
    assertEquals("Medium", priority(sync.a(), "PA-1"));
  }

  /**
   * B's clock is 110 s behind. Alice creates PA-1 (Medium); a copy of the create, applied
   * already, is held on its way. Bob sets {@code first} (High on A, sent there), then {@code
   * second}, stamped 80 s before alice's create; an operator deletes B's row; the copy arrives.
   */
  private static void createHeldWhileBobEditsTwiceAndBsRowIsDeleted(SyncTestDriver sync,
      String first, String second) {
    sync.a("alice").create("Printer on fire"); // Medium
    sync.transportAtoB().inject(InMemoryTransport.Fault.DROP_ACK, 1);
    sync.poll("PA");
    sync.deliver("PA"); // arrives; A keeps it to send again
    sync.advance(Duration.ofSeconds(1));
    sync.transportAtoB().inject(InMemoryTransport.Fault.HOLD, 1);
    sync.deliver("PA"); // the copy, held on its way
    sync.apply("PB"); // creates PB-1
    sync.advance(Duration.ofSeconds(20));
    sync.b("bob").edit("PB-1", "priority", first);
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA");
    assertEquals("High", priority(sync.a(), "PA-1"));
    sync.advance(Duration.ofSeconds(10));
    sync.b("bob").edit("PB-1", "priority", second);
    sync.engine().deleteSyncInformation("PB", sync.syncInfoB().get(0).id());

    sync.transportAtoB().releaseHeld();
    sync.apply("PB");
    sync.runUntilQuiet();
  }

  /**
   * The seeds' case above (B's clock 110 s behind, B's row deleted while a copy of A's
   * create is held), with priority through a correlation table (A High/Medium/Low, B P1/P2/P3).
   * The message carries "Medium" (A's name), B's export reads "P2": IssueValues.whole finds no
   * applied value equal to it, and the whole carried P2 as the sync user's (time 0) again
   * (helper-88's review of a3edd68).
   */
  @Test
  void aCreateDeliveredAgainAfterTheRowWasDeletedThroughACorrelationTable() throws Exception {
    SyncTestDriver sync = SyncTestDriver.builder()
        .skewB(Duration.ofSeconds(-110))
        .projectB(p -> p.priorities("P1", "P2", "P3", "P4"))
        .fieldMapping(FieldMapping.of("map-priority", "correlation", Direction.BOTH,
            "priority", "priority", new ObjectMapper().readTree("""
                {"rows": [{"a": "High", "b": "P1"}, {"a": "Medium", "b": "P2"},
                          {"a": "Low", "b": "P3"}]}""")))
        .fieldMapping(
            FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .build();
    createHeldWhileBobEditsTwiceAndBsRowIsDeleted(sync, "P1", "P3");

    String a = priority(sync.a(), "PA-1");
    String b = priority(sync.b(), "PB-1");
    assertEquals("P2 / Medium", b + " / " + a, "both on the newest stamp (alice's create)");
  }

  /**
   * Simulation seed 18737 (operators, imports, ignores, backups), cut down. Bob's create
   * reaches A, which creates PA-1 and records the pair, but the rest of the apply fails (429):
   * the create stays in A's inbox. Bob assigns PB-1 to alice in the create's millisecond (B's
   * clock has not moved), and an operator deletes A's row. A applies the create again, finds
   * PA-1 by its marker, and sends PA-1 whole: the empty assignee goes with the create's time,
   * which is bob's own stamp. B weighs it against bob's assignment, same stamp: A wins the tie;
   * A keeps its value against bob's assignment on the tie too. Bob's last edit is lost on both
   * sides (helper-88's review of a3edd68, which sent every applied value with its time).
   */
  @Test
  void aCreateAppliedAgainOnAAfterItsRowWasDeletedDoesNotWinATieAgainstBobsEdit() {
    boolean[] failNext = {false};
    SyncTestDriver sync = SyncTestDriver.builder()
        .fieldMapping(
            FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(
            FieldMapping.passthrough(SyncTestDriver.PRIORITY, "priority", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough("m-assignee", "assignee", Direction.BOTH))
        .build();
    sync.a().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (failNext[0] && call.operation().equals("updateIssue")) {
          failNext[0] = false;
          throw new RetriableException("429 from the tracker", null, null);
        }
      }
    });
    sync.b("bob").create("Printer on fire"); // unassigned
    sync.poll("PB");
    sync.deliver("PB");
    failNext[0] = true;
    sync.apply("PA"); // creates PA-1 and records the pair; the rest fails: retried later
    sync.deliver("PA");
    sync.apply("PB"); // the PAIRED
    sync.b("bob").edit("PB-1", "assignee", "alice"); // the create's millisecond
    sync.engine().deleteSyncInformation("PA", sync.syncInfoA().get(0).id());

    sync.advance(Duration.ofSeconds(10)); // the retry comes due; A does not poll before it
    sync.apply("PA"); // the create again: PA-1 found by its marker
    sync.runUntilQuiet();

    assertEquals("alice / alice", sync.b().value("PB-1", "assignee").asText() + " / "
        + sync.a().value("PA-1", "assignee").asText(), "bob's assignment on both sides");
  }
}
