package org.backbonesync.core.internal;

import static org.backbonesync.core.internal.KeptTrace.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.backbonesync.spi.store.ConflictRecord;
import org.junit.jupiter.api.Test;

/**
 * What one trace write keeps: a message's queued or received step is left out when the same
 * write has the step after it, and kept otherwise.
 */
class TraceRecorderImpliedStepsTest {
  private final KeptTrace store = new KeptTrace();
  private final TraceRecorder recorder = new TraceRecorder(store,
      Clock.fixed(Instant.ofEpochMilli(1_000_000), ZoneOffset.UTC), 20);

  private List<String> written() {
    recorder.flush();
    return store.written();
  }

  @Test
  void aMessageQueuedAndSentInOneWriteShowsAsSent() {
    recorder.queued("PA", message("PA-1", 1));
    recorder.queued("PA", message("PA-2", 1));
    recorder.sent("PA", message("PA-1", 1));

    assertEquals(List.of("PA QUEUED PA-2 #1", "PA SENT PA-1 #1"), written(),
        "PA-2's message is still in the outbox: queued");
  }

  @Test
  void aSentMessageReportedBeforeItsQueuedStepShowsAsSent() {
    recorder.sent("PA", message("PA-1", 1)); // (a delivery thread ahead of the poll's report)
    recorder.queued("PA", message("PA-1", 1));

    assertEquals(List.of("PA SENT PA-1 #1"), written());
  }

  @Test
  void aFailedDeliveryImpliesTheQueuedStepToo() {
    recorder.queued("PA", message("PA-1", 1));
    recorder.deliveryFailed("PA", message("PA-1", 1), "partner down");

    assertEquals(List.of("PA DELIVERY_FAILED PA-1 #1"), written());
  }

  @Test
  void aMessageReceivedAndAppliedShowsAsAppliedWithItsConflictBetween() {
    recorder.received("PB", message("PA-1", 2));
    recorder.conflict("PB", new ConflictRecord(7, "PB", "PB-1", "PA-1", "m-summary", null,
        null, 0, 0, ConflictRecord.Winner.REMOTE, ConflictRecord.Rule.NEWEST_WINS, 1_000_000));
    recorder.applied("PB", message("PA-1", 2), "PB-1", false);

    assertEquals(List.of("PB CONFLICT PA-1", "PB APPLIED PA-1 #2"), written());
  }

  @Test
  void aReceivedMessageStaysWhenOnlyAnotherOneOrACopyWentFurther() {
    recorder.received("PB", message("PA-1", 1));
    recorder.received("PB", message("PA-1", 2));
    recorder.duplicate("PB", message("PA-1", 1)); // (a copy dropped: the first waits on)
    recorder.failed("PB", message("PA-1", 2), "refused", false);

    assertEquals(List.of("PB RECEIVED PA-1 #1", "PB DUPLICATE PA-1 #1", "PB FAILED PA-1 #2"),
        written());
  }

  @Test
  void stepsOfAnotherConnectorOrAnEarlierWriteAreKept() {
    recorder.queued("PA", message("PA-1", 1));
    recorder.flush();
    recorder.sent("PA", message("PA-1", 1));
    recorder.received("PB", message("PA-1", 1));
    recorder.applied("PX", message("PA-1", 1), "PX-1", false); // (same id, another connector)

    assertEquals(List.of("PA QUEUED PA-1 #1", "PA SENT PA-1 #1", "PB RECEIVED PA-1 #1",
        "PX APPLIED PA-1 #1"), written());
  }
}
