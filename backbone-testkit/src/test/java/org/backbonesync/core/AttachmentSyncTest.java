package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import org.backbonesync.spi.tracker.TrackerException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.IssueChanges;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SimulatedCrash;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/** Files reach the partner issue once, streamed and checked; deletions go from the original. */
class AttachmentSyncTest {
  private static SyncTestDriver driver(String settings) throws Exception {
    return SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH, "attachment",
            "attachment", new ObjectMapper().readTree(settings)))
        .build();
  }

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String content(InMemoryIssueTracker tracker, Attachment a) throws IOException {
    try (InputStream in = tracker.download(a.id())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> names(InMemoryIssueTracker tracker, String key) {
    return tracker.attachments(key).stream().map(Attachment::filename).toList();
  }

  @Test
  void anAttachmentReachesThePartnerOnceWithTheSameContent() throws Exception {
    SyncTestDriver sync = driver("{}");
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();

    sync.a("alice").upload(pa1, "smoke.txt", "text/plain", bytes("a lot of smoke"));
    sync.runUntilQuiet();
    sync.runUntilQuiet();

    List<Attachment> copies = sync.b().attachments("PB-1");
    assertEquals(1, copies.size());
    assertEquals("smoke.txt", copies.get(0).filename());
    assertEquals("text/plain", copies.get(0).mimeType());
    assertEquals("a lot of smoke", content(sync.b(), copies.get(0)));
    assertEquals(List.of("smoke.txt"), names(sync.a(), pa1), "no echo");
  }

  /**
   * A site that sends more of a file than it listed (an endless body keeps a stall timeout from
   * ever firing, so the poll hashing it never ended: helper-130) is read no further than the
   * listed size: the file is not copied, the poll says why, and the rest of the issue syncs.
   */
  @Test
  void aFileLongerThanItsListedSizeIsNotReadPastIt() throws Exception {
    SyncTestDriver sync = SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH, "attachment",
            "attachment", new ObjectMapper().createObjectNode()))
        .trackers((key, project) -> !key.equals("PA") ? project
            : TrackerProxies.answering(project, (method, args, own) -> method.equals("download")
                ? new java.io.SequenceInputStream((InputStream) own.call(),
                    new ByteArrayInputStream(new byte[1 << 20])) : own.call()))
        .build();
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();

    sync.a("alice").upload(pa1, "smoke.txt", "text/plain", bytes("a lot of smoke"));
    sync.a("alice").edit(pa1, "summary", "Printer still on fire");
    for (int i = 0; i < 3; i++) {
      sync.step();
    }

    assertEquals(List.of(), names(sync.b(), "PB-1"), "not copied");
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText(),
        "the issue waits for its file (the poll tries again)");
    assertTrue(sync.events().events().stream().anyMatch(e -> String.valueOf(e.detail())
        .contains("cannot read attachment \"smoke.txt\" of PA-1: it is longer than the 14 bytes"
            + " its tracker listed; not read further")), sync.events().events().toString());
  }

  /** A's tracker, listing no size for any attachment (-1), as a Jira answer without one. */
  private static SyncTestDriver unlistedSizesOnA(String settings) throws Exception {
    return SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH, "attachment",
            "attachment", new ObjectMapper().readTree(settings)))
        .trackers((key, project) -> !key.equals("PA") ? project
            : TrackerProxies.answering(project, (method, args, own) -> switch (method) {
              case "attachments" -> unlisted((List<?>) own.call());
              case "findUpdatedSince" -> {
                ChangePage page = (ChangePage) own.call();
                yield new ChangePage(page.issues().stream().map(i -> new IssueChanges(i.issue(),
                    i.changelog(), i.comments(), i.attachments() == null ? null
                        : unlisted(i.attachments()))).toList(), page.nextPageToken());
              }
              default -> own.call();
            }))
        .build();
  }

  private static List<Attachment> unlisted(List<?> attachments) {
    return attachments.stream().map(Attachment.class::cast).map(a -> new Attachment(a.id(),
        a.filename(), a.mimeType(), -1, a.author(), a.created())).toList();
  }

  /**
   * A tracker that lists no size for its files (a Jira answer without {@code size}): each is
   * measured as it is read, and reaches the partner whole with its size. Read as 0 before, every
   * download failed past its first byte and the issue's changes waited for the file for good.
   */
  @Test
  void aFileWhoseSizeIsNotListedIsMeasuredAndCopied() throws Exception {
    SyncTestDriver sync = unlistedSizesOnA("{}");
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();

    sync.a("alice").upload(pa1, "smoke.txt", "text/plain", bytes("a lot of smoke"));
    sync.a("alice").edit(pa1, "summary", "Printer still on fire");
    sync.runUntilQuiet();

    List<Attachment> copies = sync.b().attachments("PB-1");
    assertEquals(List.of("smoke.txt"), names(sync.b(), "PB-1"));
    assertEquals(14, copies.get(0).size());
    assertEquals("a lot of smoke", content(sync.b(), copies.get(0)));
    assertEquals("Printer still on fire", sync.b().value("PB-1", "summary").asText());

    sync.b("bob").upload("PB-1", "ash.txt", "text/plain", bytes("ash"));
    sync.runUntilQuiet();
    assertEquals(List.of("smoke.txt", "ash.txt"), names(sync.a(), pa1), "and back, once");
  }

  /**
   * With {@code maxSize}, a file whose size is not listed is read no further than it: a longer
   * one is left out, as a listed one would be, and the rest of the issue syncs.
   */
  @Test
  void aFileWhoseSizeIsNotListedIsHeldToMaxSize() throws Exception {
    SyncTestDriver sync = unlistedSizesOnA("{\"maxSize\": 10}");
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();

    sync.a("alice").upload(pa1, "smoke.txt", "text/plain", bytes("a lot of smoke"));
    sync.a("alice").upload(pa1, "ash.txt", "text/plain", bytes("ash"));
    sync.a("alice").edit(pa1, "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertEquals(List.of("ash.txt"), names(sync.b(), "PB-1"));
    assertEquals("Printer still on fire", sync.b().value("PB-1", "summary").asText());
  }

  /** A driver whose {@code side}'s site refuses every download with a 403 while forbidden. */
  private static SyncTestDriver refusingDownloadsOn(String side, AtomicBoolean forbidden) {
    return SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH, "attachment",
            "attachment", new ObjectMapper().createObjectNode()))
        .trackers((key, project) -> !key.equals(side) ? project
            : TrackerProxies.answering(project, (method, args, own) -> {
              if (method.equals("download") && forbidden.get()) {
                throw new TrackerException("GET /attachment/content/10000 answered 403",
                    null, Map.of());
              }
              return own.call();
            }))
        .build();
  }

  /**
   * A file its site refuses to serve for good (a 403: a tracker's refusal, not a failure for
   * now) is left out, and the rest of the issue reaches the partner. Held back, it kept every
   * change of its issue from the partner, the poll failing on it for good. The file goes with
   * the issue's next change once the site serves it.
   */
  @Test
  void aFileTheSiteRefusesHoldsBackNothingElse() throws Exception {
    AtomicBoolean forbidden = new AtomicBoolean(true);
    SyncTestDriver sync = refusingDownloadsOn("PA", forbidden);
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();

    sync.a("alice").upload(pa1, "smoke.txt", "text/plain", bytes("a lot of smoke"));
    sync.a("alice").edit(pa1, "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertEquals("Printer still on fire", sync.b().value("PB-1", "summary").asText());
    assertEquals(List.of(), names(sync.b(), "PB-1"));

    forbidden.set(false);
    sync.a("alice").edit(pa1, "summary", "Printer out");
    sync.runUntilQuiet();
    sync.runUntilQuiet();
    assertEquals(List.of("smoke.txt"), names(sync.b(), "PB-1"), "with the next change, once");
    assertEquals("a lot of smoke", content(sync.b(), sync.b().attachments("PB-1").get(0)));
  }

  /**
   * After the store is lost, each side sends its issue whole, ending with "complete" so that the
   * partner deletes its copies of files no longer there. A file the site refuses to serve then
   * is left out of that send, but it is still there: its copy on the partner stays. Sent as
   * complete without it, the partner deleted the copy of a file that was never deleted.
   */
  @Test
  void aFileTheSiteRefusesInAWholeSendKeepsItsCopy() throws Exception {
    AtomicBoolean forbidden = new AtomicBoolean(false);
    SyncTestDriver sync = refusingDownloadsOn("PB", forbidden);
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b("bob").upload("PB-1", "log.txt", "text/plain", bytes("jam at tray 2"));
    sync.runUntilQuiet();
    assertEquals(List.of("log.txt"), names(sync.a(), pa1));
    sync.advance(Duration.ofMinutes(1));

    sync.restartOn(new InMemoryStores()); // a lost database
    forbidden.set(true);
    sync.b("bob").edit("PB-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertEquals("Printer still on fire", sync.a().value(pa1, "summary").asText());
    assertEquals(List.of("log.txt"), names(sync.a(), pa1), "the copy of a file still there");

    forbidden.set(false);
    sync.b("bob").edit("PB-1", "summary", "Printer out");
    sync.runUntilQuiet();
    assertEquals(List.of("log.txt"), names(sync.a(), pa1), "served again: linked, not copied");
  }

  @Test
  void filtersKeepFilesBack() throws Exception {
    SyncTestDriver sync = driver("""
        {"maxSize": 10, "mimeTypes": ["image/*", "text/plain"], "fileNames": ".*\\\\.(png|txt)"}""");
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").upload(pa1, "ok.png", "image/png", bytes("png"));
    sync.a("alice").upload(pa1, "big.txt", "text/plain", bytes("far more than ten bytes"));
    sync.a("alice").upload(pa1, "doc.pdf", "application/pdf", bytes("pdf"));
    sync.a("alice").upload(pa1, "notes.md", "text/plain", bytes("md"));

    sync.runUntilQuiet();

    assertEquals(List.of("ok.png"), names(sync.b(), "PB-1"));
  }

  @Test
  void theSameContentIsNotAttachedTwice() throws Exception {
    SyncTestDriver sync = driver("{}");
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b("bob").upload("PB-1", "manual.pdf", "application/pdf", bytes("the manual"));
    sync.a("alice").upload(pa1, "printer-manual.pdf", "application/pdf", bytes("the manual"));

    sync.runUntilQuiet();

    assertEquals(List.of("manual.pdf"), names(sync.b(), "PB-1"));
    assertEquals(List.of("printer-manual.pdf"), names(sync.a(), pa1));
  }

  @Test
  void deletingAnOriginalDeletesItsCopyButDeletingACopyDoesNot() throws Exception {
    SyncTestDriver sync = driver("{}");
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    Attachment log = sync.a("alice").upload(pa1, "log.txt", "text/plain", bytes("log"));
    sync.a("alice").upload(pa1, "photo.png", "image/png", bytes("photo"));
    sync.runUntilQuiet();

    sync.a("alice").deleteAttachment(log.id());
    Attachment photoCopy = sync.b().attachments("PB-1").stream()
        .filter(a -> a.filename().equals("photo.png")).findFirst().orElseThrow();
    sync.b("bob").deleteAttachment(photoCopy.id());
    sync.runUntilQuiet();

    assertEquals(List.of(), names(sync.b(), "PB-1"));
    assertEquals(List.of("photo.png"), names(sync.a(), pa1), "the original stays");
  }

  /**
   * Alice attaches the same file twice and deletes one of the two: PB-1's copy (one for both:
   * the same content is attached once) stays while PA-1 still has the content, and goes with
   * the second. The copy went with whichever she deleted first. Also where A lists no sizes
   * (the file kept is measured to tell the partner its size).
   */
  @Test
  void deletingOneOfTwoEqualFilesKeepsTheCopyUntilBothAreGone() throws Exception {
    for (int run = 0; run < 4; run++) {
      int first = run % 2;
      SyncTestDriver sync = run < 2 ? driver("{}") : unlistedSizesOnA("{}");
      String pa1 = sync.a("alice").create("Printer on fire");
      sync.runUntilQuiet();
      List<Attachment> twice = List.of(
          sync.a("alice").upload(pa1, "error.png", "image/png", bytes("the error")),
          sync.a("alice").upload(pa1, "error (1).png", "image/png", bytes("the error")));
      sync.runUntilQuiet();
      assertEquals(1, sync.b().attachments("PB-1").size(), "the content attached once");

      sync.a("alice").deleteAttachment(twice.get(first).id());
      sync.runUntilQuiet();
      List<Attachment> copies = sync.b().attachments("PB-1");
      assertEquals(1, copies.size(), "PA-1 still has the content; run " + run);
      assertEquals("the error", content(sync.b(), copies.get(0)));

      sync.a("alice").deleteAttachment(twice.get(1 - first).id());
      sync.runUntilQuiet();
      assertEquals(List.of(), names(sync.b(), "PB-1"), "both gone; run " + run);
    }
  }

  @Test
  void aCrashAfterTheUploadDoesNotUploadTwice() throws Exception {
    SyncTestDriver sync = driver("{}");
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.a("alice").upload(pa1, "smoke.txt", "text/plain", bytes("smoke"));
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      private boolean crashed;

      @Override
      public void after(TrackerCall call) {
        if (call.operation().equals("upload") && !crashed) {
          crashed = true;
          throw new SimulatedCrash("after upload");
        }
      }
    });

    assertThrows(SimulatedCrash.class, sync::runUntilQuiet);
    sync.restart();
    sync.runUntilQuiet();

    assertEquals(List.of("smoke.txt"), names(sync.b(), "PB-1"));
    assertEquals(1, sync.b().calls("upload").size());
    assertArrayEquals("smoke".getBytes(StandardCharsets.UTF_8),
        sync.b().download(sync.b().attachments("PB-1").get(0).id()).readAllBytes());
  }
}
