package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The copies a lost issue's partner holds of the lost issue's comments, worklogs and files reach
 * the lost issue's new copy. {@link ReusedKeyStory}: bob's PB-2 is copied to PA-2, where alice
 * comments, logs work and attaches a file, which the sync copies to PB-2; A's restore loses
 * PA-2, and PB-2's create, sent again, makes PA-3, which links PB-2's row again. PB-2's copies
 * are the only ones left of alice's items: PB-2's whole carries them to PA-3 as its own, and
 * neither side duplicates or deletes them after, through edits and through wholes either way
 * (each side's row made again by an admin's delete: the partner's whole then names only its
 * own items, and a carried one is no copy of a partner's item to delete).
 */
class CarriedAfterRestoreTest {
  private static final long NINE = 1_610_874_000_000L; // 2021-01-17T09:00Z
  private final SyncTestDriver sync = driver();

  private static SyncTestDriver driver() {
    try {
      ObjectMapper json = new ObjectMapper();
      return SyncTestDriver.builder()
          .projectA(p -> p.user("alice", "Alice Archer", "alice@example.com"))
          .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary",
              Direction.BOTH))
          .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
              "comment", null))
          .fieldMapping(FieldMapping.of("map-worklogs", "worklogs", Direction.BOTH, "worklog",
              "worklog", null))
          .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH,
              "attachment", "attachment", json.readTree("{}")))
          .build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Alice's items on PA-2, copied to PB-2 before A's restore loses PA-2; PA-3 made after. */
  private void aliceWritesOnTheIssueALaterRestoreLoses() {
    ReusedKeyStory.copyMadeAgainUnderANewKey(sync, s -> {
      s.a("alice").addComment("PA-2", "Toner is low");
      s.a("alice").addWorklog("PA-2", NINE, 600, "Shook the toner");
      s.a("alice").upload("PA-2", "jam.txt", "text/plain", bytes("paper jam at tray 2"));
      s.advance(Duration.ofSeconds(1));
      s.poll("PA");
      s.deliver("PA");
      s.apply("PB"); // (PB's outbox keeps PB-2's create, to be sent again)
    });
    assertEquals(List.of("Alice Archer wrote:\nToner is low"), comments(sync.b(), "PB-2"),
        "alice's items reached PB-2 before the restore");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
  }

  @Test
  void aliceItemsReachTheLostIssuesNewCopyOnce() {
    aliceWritesOnTheIssueALaterRestoreLoses();

    assertEquals("PA-3", ReusedKeyStory.row(sync.syncInfoB(), "PB-2").remoteIssueKey());
    assertBothHoldOnce();
  }

  @Test
  void carriedItemsAreNeitherDuplicatedNorDeletedByLaterEditsOrWholes() {
    aliceWritesOnTheIssueALaterRestoreLoses();
    assertBothHoldOnce();
    sync.advance(Duration.ofMinutes(1));
    String copy = sync.a().comments("PA-3").get(0).id();
    sync.a("alice").editComment("PA-3", copy, "Alice Archer wrote:\nToner is out");
    sync.b("bob").addComment("PB-2", "Ordered toner");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());
    assertEquals(List.of("Alice Archer wrote:\nToner is out", "Ordered toner"),
        comments(sync.b(), "PB-2"), "an edit of the carried comment's copy reaches PB-2");

    // PA-3's row made again: PA-3 goes whole (naming no copy it holds), and PB-2 answers whole
    sync.engine().deleteSyncInformation("PA", ReusedKeyStory.row(sync.syncInfoA(), "PA-3").id());
    sync.advance(Duration.ofMinutes(1));
    sync.a("alice").edit("PA-3", "summary", "Scanner jams, tray 2");
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    assertEquals("Scanner jams, tray 2", sync.b().value("PB-2", "summary").asText());
    assertAll(
        () -> assertEquals(List.of("Alice Archer wrote:\nToner is out",
            "bob wrote:\nOrdered toner"), comments(sync.a(), "PA-3"), "PA-3's comments"),
        () -> assertEquals(List.of("Alice Archer wrote:\nToner is out", "Ordered toner"),
            comments(sync.b(), "PB-2"), "PB-2's comments"),
        () -> assertWorklogAndFileOnce());
  }

  /**
   * A delete of a carried item goes as any synced item's: a comment's or a worklog's from either
   * side, a file's from PB-2, whose file is the original now.
   */
  @Test
  void aCarriedItemDeletedOnEitherSideGoesOnTheOther() {
    aliceWritesOnTheIssueALaterRestoreLoses();
    sync.advance(Duration.ofMinutes(1));
    sync.b("bob").deleteComment("PB-2", sync.b().comments("PB-2").get(0).id());
    sync.a("alice").deleteWorklog("PA-3", sync.a().worklogs("PA-3").get(0).id());
    sync.b("bob").deleteAttachment(sync.b().attachments("PB-2").get(0).id());
    assertEquals(List.of(), sync.runUntilQuietExpectingFailures());

    for (InMemoryIssueTracker side : List.of(sync.a(), sync.b())) {
      String key = side == sync.a() ? "PA-3" : "PB-2";
      assertAll(() -> assertEquals(List.of(), comments(side, key), key + "'s comments"),
          () -> assertEquals(List.of(), worklogs(side, key), key + "'s worklogs"),
          () -> assertEquals(List.of(), files(side, key), key + "'s files"));
    }
  }

  /** PA-3 and PB-2 each hold alice's comment, worklog and file once, as PB-2 held them. */
  private void assertBothHoldOnce() {
    assertAll(() -> assertEquals(List.of("Alice Archer wrote:\nToner is low"),
            comments(sync.a(), "PA-3"), "PA-3's comments"),
        () -> assertEquals(List.of("Alice Archer wrote:\nToner is low"),
            comments(sync.b(), "PB-2"), "PB-2's comments"),
        () -> assertWorklogAndFileOnce());
  }

  /** PA-3 and PB-2 each hold alice's worklog and file once. */
  private void assertWorklogAndFileOnce() {
    assertAll(Stream.of("PA-3", "PB-2").flatMap(key -> {
      InMemoryIssueTracker side = key.equals("PA-3") ? sync.a() : sync.b();
      return Stream.of(() -> assertEquals(List.of("600 Alice Archer: Shook the toner"),
              worklogs(side, key), key + "'s worklogs"),
          () -> assertEquals(List.of("jam.txt paper jam at tray 2"), files(side, key),
              key + "'s files"));
    }));
  }

  private static List<String> comments(InMemoryIssueTracker tracker, String key) {
    return tracker.comments(key).stream().map(c -> c.body()).toList();
  }

  private static List<String> worklogs(InMemoryIssueTracker tracker, String key) {
    return tracker.worklogs(key).stream()
        .map(w -> w.timeSpentSeconds() + " " + w.comment()).toList();
  }

  private static List<String> files(InMemoryIssueTracker tracker, String key) {
    return tracker.attachments(key).stream().map(a -> a.filename() + " " + text(tracker, a))
        .toList();
  }

  private static String text(InMemoryIssueTracker tracker, Attachment a) {
    try (InputStream in = tracker.download(a.id())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
