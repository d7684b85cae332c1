package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Issues migrated into Jira from a legacy tracker keep its dates, placeholders before 1970
 * among them (1900-01-01): their times are negative epoch milliseconds, which a message refuses
 * (a field value's {@code changedAt} is 0 or more). They sync all the same, their values weighed
 * as older than any change made since.
 */
class BackdatedIssueTest {
  private static final long JANUARY_1900 = -2_208_988_800_000L;

  /** PA's search, its issues created, last updated and their changes made on 1900-01-01. */
  private static IssueTracker from1900(InMemoryIssueTracker tracker) {
    return TrackerProxies.searchPages(tracker, page -> new ChangePage(page.issues().stream()
        .map(c -> new IssueChanges(backdated(c.issue()), c.changelog().stream()
            .map(e -> new ChangelogEntry(e.id(), e.author(), JANUARY_1900, e.items()))
            .toList(), c.comments(), c.attachments()))
        .toList(), page.nextPageToken()));
  }

  private static TrackedIssue backdated(TrackedIssue i) {
    return new TrackedIssue(i.key(), i.issueType(), i.creator(), JANUARY_1900, JANUARY_1900,
        i.originMarker(), i.fields(), i.documents(), i.id());
  }

  @Test
  void anIssueCreatedAndChangedBefore1970IsSyncedWithItsValues() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .trackers((key, t) -> key.equals("PA") ? from1900(t) : t).build();
    sync.a("alice").create("Migrated from the old tracker");
    sync.a("alice").edit("PA-1", "summary", "Migrated, then edited");
    sync.runUntilQuiet();

    assertEquals("Migrated, then edited", sync.b().value("PB-1", "summary").asText());
  }

  /**
   * An issue made while the tracker's clock said 1965 (a CSV import sets any creation date),
   * copied once edited now; bob's later summary wins over the 1965 one when PA-1 is sent whole
   * (a resync), on both sides (from helper h188's review).
   */
  @Test
  void aChangeOfTheOtherSideWinsOverAValueSetBefore1970() {
    ManualClock clock = new ManualClock(Instant.parse("1965-03-01T00:00:00Z"));
    SyncTestDriver sync = SyncTestDriver.builder().clock(clock).build();
    sync.a("alice").create("Archived record");
    clock.advance(Duration.ofDays(365L * 61));
    sync.a("alice").edit("PA-1", "priority", "High");
    sync.runUntilQuiet();
    String copy = sync.syncInfoB().get(0).localIssueKey();
    assertEquals("Archived record", sync.b().value(copy, "summary").asText());

    sync.b("bob").edit(copy, "summary", "Record, catalogued");
    sync.engine().resync("PA", ResyncRequest.all(), "admin"); // (PA-1 whole: 1965's summary)
    sync.runUntilQuiet();

    assertEquals("Record, catalogued", sync.a().value("PA-1", "summary").asText());
    assertEquals("Record, catalogued", sync.b().value(copy, "summary").asText());
  }
}
