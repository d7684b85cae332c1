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
 * a batch once, and commits), with the driver's default mappings: 5.7 per change; before the
 * page's and round's batched reads and writes it was 19.8.
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
    assertTrue(perChange <= 7, perChange + " round trips per change");
  }
}
