package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceStore;
import org.junit.jupiter.api.Test;

/**
 * A young step waits for a later write until it is a second old: by the engine's clock, which a
 * host or a test may fix or hold still, and which may be set back. The step must still reach
 * the store by the writes of runs, not only by a trace read or the engine's close.
 */
class TraceRecorderStillClockTest {
  private final List<TraceEntry> kept = new ArrayList<>();
  private long now = 1_000_000;
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now);
    }
  };
  private final TraceRecorder recorder = new TraceRecorder(new TraceStore() {
    @Override
    public void add(List<TraceEntry> entries, int keep) {
      kept.addAll(entries);
    }

    @Override
    public List<TraceEntry> list(String connectorKey, TraceEntry.Direction direction,
        String issueKey, int limit) {
      return List.of();
    }
  }, clock, 20);

  private List<String> written() {
    return kept.stream().map(e -> e.outcome() + " " + e.issueKey()).toList();
  }

  @Test
  void aStepUnderAClockThatStandsStillIsWrittenByALaterRun() {
    recorder.received("PB", message("PA-1", 1));
    recorder.received("PB", message("PA-2", 1));
    recorder.failed("PB", message("PA-2", 1), "refused", false);

    for (int run = 0; run < 100; run++) { // (a fixed clock, or a test's manual one not moved)
      recorder.flushRun();
      recorder.flushIfDue();
    }

    assertEquals(List.of("FAILED PA-2", "RECEIVED PA-1"), written(),
        "held at one run's write, written at the next");
  }

  @Test
  void aStepGatheredBeforeTheClockWasSetBackIsWrittenByTheNextRun() {
    recorder.received("PB", message("PA-1", 1));
    now -= 3_600_000; // (the host's clock set back an hour)

    recorder.flushRun();

    assertEquals(List.of("RECEIVED PA-1"), written(),
        "not a second younger than the clock: an hour 'in the future', its age unknown");
  }

  private static SyncMessage message(String issue, long sequenceId) {
    return new SyncMessage(1, "PA:" + issue + ":1:" + sequenceId, "s", "PA", "PB", issue, null,
        sequenceId, MessageKind.CHANGE, "Task", 1, Map.of());
  }
}
