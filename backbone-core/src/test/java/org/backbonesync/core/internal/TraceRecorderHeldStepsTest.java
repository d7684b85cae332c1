package org.backbonesync.core.internal;

import static org.backbonesync.core.internal.KeptTrace.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a periodic run's write holds back: a queued or received step younger than a second waits
 * for the next write, where its message's next step most often is, so that one row says both.
 */
class TraceRecorderHeldStepsTest {
  private final KeptTrace store = new KeptTrace();
  private long now = 1_000_000;
  private final Clock clock = new MillisClock(() -> now);

  private final TraceRecorder recorder = new TraceRecorder(store, clock, 20);

  private List<String> written() {
    return store.written();
  }

  @Test
  void aMessageReceivedInOneRunAndAppliedInTheNextShowsOnlyItsApply() {
    recorder.sent("PA", message("PA-1", 1));
    recorder.received("PB", message("PA-1", 1));
    recorder.flushRun();
    assertEquals(List.of("PA SENT PA-1 #1"), written(), "the receipt waits for the next write");

    now += 20;
    recorder.applied("PB", message("PA-1", 1), "PB-1", false);
    recorder.flushRun();

    assertEquals(List.of("PA SENT PA-1 #1", "PB APPLIED PA-1 #1"), written());
  }

  @Test
  void aStepNotFurtherASecondLaterIsWrittenThen() {
    recorder.queued("PA", message("PA-1", 1));
    recorder.flushRun();
    now += TraceRecorder.MAX_WAIT_MILLIS - 1;
    recorder.flushRun();
    recorder.flushIfDue();
    assertEquals(List.of(), written(), "not a second yet");

    now += 1;
    recorder.flushIfDue(); // (the step's end: its oldest entry waited a second)

    assertEquals(List.of("PA QUEUED PA-1 #1"), written());
  }

  @Test
  void anEntryGatheredAfterAHeldStepIsWrittenAndTheStepAfter() {
    recorder.received("PB", message("PA-1", 1));
    recorder.flushRun();
    now += 10;
    recorder.received("PB", message("PA-2", 1));
    recorder.failed("PB", message("PA-2", 1), "refused", false);
    recorder.flushRun();
    assertEquals(List.of("PB FAILED PA-2 #1"), written());

    now += TraceRecorder.MAX_WAIT_MILLIS;
    recorder.flushRun();

    assertEquals(List.of("PB FAILED PA-2 #1", "PB RECEIVED PA-1 #1"), written(),
        "written a second after its receipt, after an entry that came later: a trace orders"
            + " them by time");
  }

  @Test
  void anIssuesEntriesAfterAHeldStepWaitWithItInTheirOrder() {
    recorder.received("PB", message("PA-1", 1));
    recorder.received("PB", message("PA-1", 2));
    recorder.failed("PB", message("PA-1", 2), "refused", false);
    recorder.flushRun();
    assertEquals(List.of(), written(), "#2's failure waits behind #1's receipt");

    now += TraceRecorder.MAX_WAIT_MILLIS;
    recorder.flushRun();

    assertEquals(List.of("PB RECEIVED PA-1 #1", "PB FAILED PA-1 #2"), written());
  }

  @Test
  void aWriteHoldsBackAtMostMaxHeldSteps() {
    int steps = TraceRecorder.MAX_HELD + 30;
    for (int i = 1; i <= steps; i++) {
      recorder.received("PB", message("PA-" + i, 1));
    }
    recorder.flushRun();

    assertEquals(30, store.kept.size(), "the steps past the first " + TraceRecorder.MAX_HELD);
    assertEquals("PB RECEIVED PA-" + (TraceRecorder.MAX_HELD + 1) + " #1", written().get(0));
  }

  @Test
  void aStepGatheringPastMaxGatheredHoldsBackItsYoungStepsToo() {
    for (int i = 1; i <= TraceRecorder.MAX_GATHERED / 2; i++) {
      recorder.sent("PA", message("PA-" + i, 1));
      recorder.received("PB", message("PA-" + i, 1)); // (the last gathered writes)
    }
    assertEquals(TraceRecorder.MAX_GATHERED / 2, store.kept.size(), "the sent entries");

    now += 20;
    for (int i = 1; i <= TraceRecorder.MAX_GATHERED / 2; i++) {
      recorder.applied("PB", message("PA-" + i, 1), "PB-" + i, false);
    }
    recorder.flushRun();

    assertEquals(List.of(), written().stream().filter(e -> e.contains("RECEIVED")).toList());
  }

  @Test
  void aStepUnderAClockThatStandsStillIsWrittenByTheThirdWriteAtThatTime() {
    recorder.received("PB", message("PA-1", 1));
    recorder.received("PB", message("PA-2", 1));
    recorder.failed("PB", message("PA-2", 1), "refused", false);
    recorder.flushRun();
    recorder.flushRun();
    assertEquals(List.of("PB FAILED PA-2 #1"), written(), "held by two writes at one time");

    recorder.flushRun(); // (a fixed clock, or a test's manual one not moved)

    assertEquals(List.of("PB FAILED PA-2 #1", "PB RECEIVED PA-1 #1"), written(),
        "the clock does not move: the third write takes it");
  }

  @Test
  void aStepGatheredBeforeTheClockWasSetBackIsWrittenByTheNextRun() {
    recorder.received("PB", message("PA-1", 1));
    now -= 3_600_000; // (the host's clock set back an hour)

    recorder.flushRun();

    assertEquals(List.of("PB RECEIVED PA-1 #1"), written(),
        "not a second younger than the clock: an hour 'in the future', its age unknown");
  }

  @Test
  void aTraceReadAndTheEnginesCloseWriteHeldSteps() {
    recorder.received("PB", message("PA-1", 1));
    recorder.flushRun();
    recorder.flush(); // (before a trace is read)
    assertEquals(List.of("PB RECEIVED PA-1 #1"), written());

    recorder.received("PB", message("PA-2", 1));
    recorder.flushRun();
    recorder.close();

    assertEquals(List.of("PB RECEIVED PA-1 #1", "PB RECEIVED PA-2 #1"), written());
  }
}
