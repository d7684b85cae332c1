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

  /** Seven issues a minute apart on Server, PA-1 oldest; the session warmed up. */
  private void sevenServerIssues() {
    site(FakeJiraServer.Flavour.SERVER, 100);
    for (int i = 0; i < 7; i++) {
      site.clock.advance(Duration.ofMinutes(1));
      site.project.create("Issue " + i);
    }
    warmAndClear();
  }

  /** The keys of every page of one search by two, with {@code between} run after page one. */
  private List<String> searchByTwo(Runnable between) {
    List<String> keys = new java.util.ArrayList<>();
    String token = null;
    do {
      ChangePage page = site.tracker.findUpdatedSince(0, null, 2, token);
      page.issues().forEach(c -> keys.add(c.issue().key()));
      token = page.nextPageToken();
      if (keys.size() == 2) {
        between.run();
      }
    } while (token != null);
    return keys;
  }

  /**
   * Server pages by offset: an issue of page one deleted before page two is asked moves every
   * later issue a place back. The next page goes on after page one's last issue, not at the
   * offset, so PA-3 (first of page two) is not skipped.
   */
  @Test
  void anIssueOfAnEarlierPageDeletedMeanwhileSkipsNoIssueOnServer() {
    sevenServerIssues();

    List<String> keys = searchByTwo(() -> site.project.as("alice").delete("PA-1"));

    assertEquals(List.of("PA-1", "PA-2", "PA-3", "PA-4", "PA-5", "PA-6", "PA-7"), keys);
    assertEquals(5, site.server.count("GET", "/search"),
        "4 pages, and one request more where the order moved back");
  }

  /** The same when an issue of page one is updated meanwhile: it comes again at the end. */
  @Test
  void anIssueOfAnEarlierPageUpdatedMeanwhileSkipsNoIssueOnServer() {
    sevenServerIssues();

    List<String> keys = searchByTwo(() -> {
      site.clock.advance(Duration.ofMinutes(1));
      site.project.as("alice").edit("PA-1", "summary", "moved to the end");
    });

    assertEquals(List.of("PA-1", "PA-2", "PA-3", "PA-4", "PA-5", "PA-6", "PA-7", "PA-1"), keys);
  }

  /**
   * Jira Server's index holds {@code updated} to the second and orders within one by key, where
   * the answer shows milliseconds: PA-2 comes after PA-1, though updated 800 ms before it. PA-1,
   * page one, is deleted: PA-2 is not taken for an issue read before it.
   */
  @Test
  void anIssueOfTheSameSecondAfterADeletedOneIsNotSkippedOnServer() {
    List<String> issues = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(
        issue("PA-1", "10:00:00.900"), issue("PA-2", "10:00:00.100"),
        issue("PA-3", "10:00:05.000")));
    HostileOrigin jira = HostileOrigin.http().serverBasics();
    jira.on("GET", "/rest/api/2/search", r -> {
      int startAt = Integer.parseInt(r.query().replaceAll(".*startAt=(\\d+).*", "$1"));
      int max = Integer.parseInt(r.query().replaceAll(".*maxResults=(\\d+).*", "$1"));
      List<String> page = issues.subList(Math.min(startAt, issues.size()),
          Math.min(startAt + max, issues.size()));
      return HostileOrigin.Answer.json("{\"startAt\":" + startAt + ",\"maxResults\":" + max
          + ",\"total\":" + issues.size() + ",\"issues\":[" + String.join(",", page) + "]}");
    });
    try (jira) {
      var pa = jira.siteNeverWaiting(JiraFlavour.SERVER, "sync@example.com", "s3cret-token")
          .build().project("PA");
      List<String> keys = new java.util.ArrayList<>();
      String token = null;
      do {
        ChangePage page = pa.findUpdatedSince(0, null, 1, token);
        page.issues().forEach(c -> keys.add(c.issue().key()));
        token = page.nextPageToken();
        issues.remove(issue("PA-1", "10:00:00.900"));
      } while (token != null);

      assertEquals(List.of("PA-1", "PA-2", "PA-3"), keys);
    }
  }

  private static String issue(String key, String time) {
    String at = "\"2026-01-01T" + time + "+0000\"";
    return "{\"id\":\"1000" + key.substring(3) + "\",\"key\":\"" + key + "\",\"fields\":{"
        + "\"summary\":\"x\",\"created\":" + at + ",\"updated\":" + at + "}}";
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
