package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.store.TraceEntry;
import org.backbonesync.spi.store.TraceEntry.Direction;
import org.backbonesync.spi.store.TraceEntry.Outcome;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * When the engine writes the trace: gathered during steps, written once the oldest entry waited a
 * second, at the end of every periodic run, and before a trace is read.
 */
class TraceWritesTest {
  private final SyncTestDriver sync = SyncTestDriver.builder().build();

  private List<Outcome> stored(String connector, Direction direction, String issue) {
    return sync.stores().trace().list(connector, direction, issue, 20).stream()
        .map(TraceEntry::outcome).toList();
  }

  @Test
  void aStepWritesTheTraceOnlyOnceItsOldestEntryWaitedASecond() {
    sync.a("alice").create("Printer on fire");
    sync.poll("PA");
    assertEquals(List.of(), stored("PA", Direction.OUT, "PA-1"), "gathered, not written yet");

    sync.advance(Duration.ofSeconds(1));
    sync.deliver("PA");

    // (queued and sent in one write: the sent entry says both)
    assertEquals(List.of(Outcome.SENT), stored("PA", Direction.OUT, "PA-1"));
    assertEquals(List.of(), stored("PB", Direction.IN, "PA-1"),
        "received this instant: waits for the write after, where its apply most often is");
  }

  @Test
  void aMessageStillUnappliedASecondAfterItsReceiptShowsAsReceived() {
    sync.a("alice").create("Printer on fire");
    sync.poll("PA");
    sync.deliver("PA");
    sync.engine().trace("PB", "PB-1"); // (not a trace of PA-1's pair yet: writes nothing held)
    assertEquals(List.of(Outcome.RECEIVED), stored("PB", Direction.IN, "PA-1"),
        "a trace read writes every step");

    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.advance(Duration.ofSeconds(1));
    sync.poll("PA");
    sync.deliver("PA");
    assertEquals(List.of(Outcome.RECEIVED), stored("PB", Direction.IN, "PA-1"), "held");

    sync.advance(Duration.ofSeconds(1));
    sync.poll("PB"); // (a step with nothing to do, a second later)

    assertEquals(List.of(Outcome.RECEIVED, Outcome.RECEIVED), stored("PB", Direction.IN, "PA-1"),
        "not applied within its second: shown waiting");
  }

  @Test
  void aPeriodicRunWritesWhatItGatheredAtItsEnd() {
    sync.a("alice").create("Printer on fire");

    sync.engine().runOnce();

    assertEquals(List.of(Outcome.SENT), stored("PA", Direction.OUT, "PA-1"));
    assertEquals(List.of(Outcome.CREATED), stored("PB", Direction.IN, "PA-1"));
  }

  @Test
  void readingATraceWritesWhatWasGatheredFirst() {
    sync.a("alice").create("Printer on fire");
    sync.poll("PA");

    IssueTrace trace = sync.engine().trace("PA", "PA-1");

    assertEquals(List.of(Outcome.QUEUED),
        trace.history().stream().map(TraceEntry::outcome).toList());
    assertEquals(1, trace.queuedOutgoing().size(), "queued and not sent: still in the outbox");
  }

  @Test
  void aMessageSentInALaterWriteShowsBothSteps() {
    sync.a("alice").create("Printer on fire");
    sync.poll("PA");
    sync.engine().trace("PA", "PA-1"); // (writes the queued entry)

    sync.deliver("PA");

    assertEquals(List.of(Outcome.QUEUED), stored("PA", Direction.OUT, "PA-1"),
        "the sent entry waits for its second");
    sync.engine().trace("PA", "PA-1");
    assertEquals(List.of(Outcome.QUEUED, Outcome.SENT), stored("PA", Direction.OUT, "PA-1"));
  }
}
