package org.backbonesync.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What a failed assertion on the recorded events shows: the latest of them, readably. */
class RecordingListenerTest {

  @Test
  void itShowsItsEventsOneALine() {
    RecordingListener events = new RecordingListener();
    assertEquals("RecordingListener[0 events]", events.toString());

    events.polled("PA", 1, 1);
    events.exportFailed("PA", "PA-1", "outgoing field mapping m-1 failed");

    assertEquals("RecordingListener[2 events:\n  PA POLLED 1 found, 1 queued\n"
        + "  PA EXPORT_FAILED PA-1: outgoing field mapping m-1 failed]", events.toString());
  }

  @Test
  void itShowsTheLastFiftyEventsEachCutShort() {
    RecordingListener events = new RecordingListener();
    for (int i = 1; i <= 120; i++) {
      events.polled("PA", i, 0);
    }
    events.exportFailed("PA", "PA-1", "x".repeat(1_000));

    String[] lines = events.toString().split("\n");

    assertEquals("RecordingListener[121 events, the last 50:", lines[0]);
    assertEquals(51, lines.length);
    assertEquals("  PA POLLED 72 found, 0 queued", lines[1]);
    String failed = "PA EXPORT_FAILED PA-1: ";
    assertEquals("  " + failed + "x".repeat(200 - failed.length()) + "...]", lines[50]);
  }
}
