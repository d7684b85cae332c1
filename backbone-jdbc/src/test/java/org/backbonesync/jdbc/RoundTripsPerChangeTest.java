package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * What a change costs the database end to end, through the engine's group commits on the JDBC
 * stores: a poll, a delivery and an apply of 50 edited issues, counted in round trips (statements,
 * a batch once, and commits), with the driver's default mappings: 3.6 per change (4.6 before an
 * apply round handed out the rows it read at once, 4.66 before the claims went back with the
 * writes' commits, 5.7 at f1785df, 19.8 before the page's and round's batched reads and
 * writes), and in statements the database executes.
 */
class RoundTripsPerChangeTest {
  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Test
  void fiftyEditsCostAFewRoundTripsEach() {
    CountedStatements db = new CountedStatements("jdbc:h2:mem:roundtrips"
        + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1");
    SyncTestDriver sync = SyncTestDriver.builder().stores(JdbcStores.open(db.dataSource)).build();
    List<String> keys = new ArrayList<>();
    for (int i = 1; i <= 50; i++) {
      keys.add(sync.a("alice").create("issue " + i));
    }
    sync.runUntilQuiet();
    db.reset();

    for (String key : keys) {
      sync.a("alice").edit(key, "summary", "edited " + key);
    }
    sync.runUntilQuiet();

    assertEquals(50, sync.syncInfoA().size());
    sync.syncInfoA().forEach(row -> assertEquals("edited " + row.localIssueKey(),
        sync.b().value(row.remoteIssueKey(), "summary").asText()));
    double perChange = db.count() / 50.0;
    assertTrue(perChange <= 4, perChange + " round trips per change");
    // 50 for the inbox (the driver's transport delivers a message per request), the rest the
    // steps': 14; 16 when the poll's page and the apply's chunk gave back their pair claims in
    // commits of their own, not with their writes
    assertTrue(db.commits() <= 64, db.commits() + " commits");
    // what the database runs, a batch's entries each: 14.06 per change (2 of them trace rows, 2
    // the outbox's, which the handover within one engine skips); 16.06 when a trace write kept
    // the queued and received steps its sent and applied ones imply; 18.98 when claims went back
    // in a delete per pair and an apply removed pending changes of ours that were not there
    double executed = db.executions() / 50.0;
    assertTrue(executed <= 14.5, executed + " statements executed per change");
  }
}
