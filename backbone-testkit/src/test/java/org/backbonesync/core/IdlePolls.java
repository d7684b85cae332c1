package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.backbonesync.testkit.CountingStores;
import org.backbonesync.testkit.SyncTestDriver;

/** What a test of a settled pair checks last: idle polls of both connectors write nothing. */
final class IdlePolls {
  private IdlePolls() {}

  /** Counts afresh, polls both connectors three times 5 s apart, and asserts no store write. */
  static void writeNothing(SyncTestDriver sync, CountingStores stores) {
    stores.reset();
    for (int i = 0; i < 3; i++) {
      sync.advance(Duration.ofSeconds(5));
      sync.poll(sync.keyA());
      sync.poll(sync.keyB());
    }
    assertEquals(0, stores.writes(), "idle polls: no write, " + stores.calls());
  }
}
