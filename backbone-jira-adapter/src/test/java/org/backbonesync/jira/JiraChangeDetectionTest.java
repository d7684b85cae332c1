package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.OptionalLong;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How changes are found: the search, its paging, and changelogs Jira cuts short. */
class JiraChangeDetectionTest {
  private FakeSite site;

  @AfterEach
  void stop() {
    if (site != null) {
      site.close();
    }
  }

  private FakeSite site(FakeJiraServer.Flavour flavour, int changelogLimit) {
    site = new FakeSite(flavour, ManualClock.startingAt2026(), p -> { },
        s -> s.changelogLimit(changelogLimit).timeZone(ZoneId.of("America/New_York")), s -> { });
    return site;
  }

  /** The session reads /myself and /field once, on its first search; forget those. */
  private void warmAndClear() {
    site.tracker.findUpdatedSince(0, null, 1, null);
    site.server.clearRequests();
  }

  private void edits(String key, int count) {
    for (int i = 0; i < count; i++) {
      site.clock.advance(Duration.ofSeconds(1));
      site.project.as("alice").edit(key, "summary", "edit " + i);
    }
  }

  @Test
  void aCloudChangelogCutShortIsPagedFromItsEndBackToTheWatermark() {
    site(FakeJiraServer.Flavour.CLOUD, 100);
    String key = site.project.create("Printer on fire");
    edits(key, 150);
    long since = site.clock.millis() + 1;
    edits(key, 230);
    warmAndClear();

    ChangePage page = site.tracker.findUpdatedSince(since, null, 50, null);

    List<ChangelogEntry> entries = page.issues().get(0).changelog();
    assertEquals(230, entries.size(), "every entry since the watermark, none before");
    assertEquals("edit 0", entries.get(0).items().get(0).to());
    assertEquals("edit 229", entries.get(229).items().get(0).to());
    assertEquals(1, site.server.count("GET", "/search/jql"));
    assertEquals(3, site.server.count("GET", "/changelog"),
        "pages from the end (280-379, 180-279, 80-179), not the whole history of 380");
  }

  @Test
  void aChangelogWithinTheEmbeddedPageCostsNothingMore() {
    site(FakeJiraServer.Flavour.CLOUD, 100);
    String key = site.project.create("Printer on fire");
    edits(key, 40);
    warmAndClear();

    ChangePage page = site.tracker.findUpdatedSince(0, null, 50, null);

    assertEquals(40, page.issues().get(0).changelog().size());
    assertEquals(List.of("GET /rest/api/3/search/jql"), site.server.requests().stream()
        .map(r -> r.method() + " " + r.path()).toList());
  }

  @Test
  void searchPagesAreFollowedByTokenOnCloudAndByOffsetOnServer() {
    for (FakeJiraServer.Flavour flavour : FakeJiraServer.Flavour.values()) {
      site(flavour, 100);
      for (int i = 0; i < 7; i++) {
        site.clock.advance(Duration.ofMinutes(1));
        site.project.create("Issue " + i);
      }
      warmAndClear();
      List<String> keys = new java.util.ArrayList<>();
      String token = null;
      int pages = 0;
      do {
        ChangePage page = site.tracker.findUpdatedSince(0, null, 3, token);
        page.issues().forEach(c -> keys.add(c.issue().key()));
        token = page.nextPageToken();
        pages++;
      } while (token != null);

      assertEquals(List.of("PA-1", "PA-2", "PA-3", "PA-4", "PA-5", "PA-6", "PA-7"), keys,
          flavour + ": oldest first");
      assertEquals(3, pages, flavour.toString());
      assertEquals(3, site.server.requests().size(), flavour.toString());
      site.close();
      site = null;
    }
  }

  @Test
  void theWatermarkIsWrittenInTheSyncUsersZoneAndTheMinuteBeforeIsReadAgain() {
    site(FakeJiraServer.Flavour.SERVER, 100);
    String key = site.project.create("Printer on fire");
    site.clock.advance(Duration.ofSeconds(20));
    site.project.as("alice").edit(key, "summary", "edited");
    long since = site.clock.millis() - 5_000; // 15 s after the create, in the same minute
    warmAndClear();

    ChangePage page = site.tracker.findUpdatedSince(since, null, 50, null);

    String jql = site.server.requests().get(0).query();
    assertTrue(jql.contains("updated >= \"2026-01-01 04:00\""), "09:00Z in New York: " + jql);
    assertEquals(1, page.issues().size());
    assertEquals(1, page.issues().get(0).changelog().size(), "only the edit, not older entries");
    assertNull(page.nextPageToken());
  }

  /** What a webhook's hint reads: one search for the named issues, with their changelogs. */
  @Test
  void hintedIssuesAreReadInOneSearchOnBothFlavours() {
    for (FakeJiraServer.Flavour flavour : FakeJiraServer.Flavour.values()) {
      site(flavour, 100);
      for (int i = 0; i < 4; i++) {
        site.project.create("Issue " + i);
      }
      long since = site.clock.millis() + 1;
      edits("PA-2", 2);
      edits("PA-4", 1);
      warmAndClear();

      List<IssueChanges> found = site.tracker.findChanged(
          List.of("PA-4", "PA-2", "PA-1", "XX-1", "PA-1) OR (project = X"), since, null);

      assertEquals(List.of("PA-2", "PA-4"), found.stream().map(c -> c.issue().key()).toList(),
          flavour + ": the named ones updated since, oldest first; PA-1 was not");
      assertEquals(2, found.get(0).changelog().size(), flavour.toString());
      assertEquals(1, site.server.requests().size(), flavour + ": one search");
      String jql = site.server.requests().get(0).query();
      assertTrue(jql.contains("issuekey in (PA-4, PA-2, PA-1)"), jql);
      site.close();
      site = null;
    }
  }

  /** An issue deleted after its webhook: Jira fails a search naming it; the others are read. */
  @Test
  void aHintedIssueJiraDoesNotKnowIsLeftOut() {
    site(FakeJiraServer.Flavour.CLOUD, 100);
    site.project.create("Printer on fire");
    long since = site.clock.millis() + 1;
    edits("PA-1", 1);
    warmAndClear();

    List<IssueChanges> found = site.tracker.findChanged(List.of("PA-1", "PA-77"), since, null);

    assertEquals(List.of("PA-1"), found.stream().map(c -> c.issue().key()).toList());
    assertEquals(3, site.server.count("GET", "/search/jql"), "both, then each alone");
  }

  /** One unknown key among eight costs a search per halving, not one per key. */
  @Test
  void oneUnknownKeyAmongManyIsFoundByHalving() {
    site(FakeJiraServer.Flavour.SERVER, 100);
    for (int i = 0; i < 7; i++) {
      site.project.create("Issue " + i);
    }
    long since = site.clock.millis() + 1;
    for (int i = 1; i <= 7; i++) {
      edits("PA-" + i, 1);
    }
    warmAndClear();

    List<IssueChanges> found = site.tracker.findChanged(List.of("PA-1", "PA-2", "PA-3", "PA-4",
        "PA-5", "PA-6", "PA-7", "PA-99"), since, null);

    assertEquals(7, found.size());
    assertEquals(7, site.server.count("GET", "/search"), "8 keys: 1 + 2 + 2 + 2, not 9");
  }

  /** The fake's serverTime is the clock its issues are stamped with, on both flavours. */
  @Test
  void theServerTimeIsTheClockIssuesAreStampedWith() {
    for (FakeJiraServer.Flavour flavour : FakeJiraServer.Flavour.values()) {
      site(flavour, 100);
      String key = site.project.create("Printer on fire");
      site.clock.advance(Duration.ofMillis(1234));

      assertEquals(OptionalLong.of(site.clock.millis()), site.tracker.serverTime(),
          flavour.toString());
      long updated = site.tracker.issue(key).orElseThrow().updated();
      assertEquals(1234, site.clock.millis() - updated, flavour.toString());
      site.close();
      site = null;
    }
  }

  /** A resync's progress counts the matching issues: Cloud asks for it, Server reads a total. */
  @Test
  void theMatchingIssuesAreCountedInOneRequestOnBothFlavours() {
    for (FakeJiraServer.Flavour flavour : FakeJiraServer.Flavour.values()) {
      site(flavour, 100);
      for (int i = 0; i < 5; i++) {
        site.project.create("Issue " + i);
      }
      site.project.as("alice").edit("PA-2", "labels",
          JsonNodeFactory.instance.arrayNode().add("sync"));
      warmAndClear();

      assertEquals(OptionalLong.of(5), site.tracker.countMatching(null), flavour
          .toString());
      assertEquals(OptionalLong.of(1), site.tracker.countMatching("labels = sync"));
      assertEquals(2, site.server.requests().size(), flavour + ": one request per count");
      assertEquals(flavour == FakeJiraServer.Flavour.CLOUD ? "POST" : "GET",
          site.server.requests().get(0).method());
      site.close();
      site = null;
    }
  }

  @Test
  void legacyServerSignInWithUserNameAndPassword() {
    site = new FakeSite(FakeJiraServer.Flavour.SERVER, ManualClock.startingAt2026(), p -> { },
        s -> { }, b -> b.credentials(JiraCredentials.password(FakeSite.SYNC_USER,
            FakeSite.SECRET)));
    site.project.create("Printer on fire");

    assertEquals("Printer on fire", site.tracker.issue("PA-1").orElseThrow().field("summary")
        .asText());
    assertEquals(FakeSite.SYNC_USER, site.site.signedInUser());
  }
}
