package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.IssueChanges;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * After a burst of changes, idle polls stop reading it again. The search starts an overlap (a
 * minute) before the watermark, and the watermark stayed at the newest update found: 250 issues
 * changed at once were read again by every idle poll (three pages, and the lease) for as long as
 * nothing newer changed. A poll that read only old issues now asks the tracker's time before its
 * search and moves the watermark up to it.
 */
class IdleAfterBurstTest {
  private static final int BURST = 250;
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  @Test
  void afterABurstIdlePollsReadAnEmptyPage() {
    SyncTestDriver sync = driver((key, tracker) -> tracker);
    burst(sync);
    int askedBefore = sync.a().calls("serverTime").size();

    List<int[]> polls = idlePolls(sync, 24); // four minutes

    for (int[] poll : polls.subList(polls.size() - 6, polls.size())) {
      assertEquals(0, poll[0], "issues found by an idle poll, a minute after the burst left"
          + " the window: " + show(polls));
      assertEquals(1, poll[1], "searches of an idle poll: " + show(polls));
    }
    int asked = sync.a().calls("serverTime").size() - askedBefore;
    assertTrue(asked >= 1 && asked <= 2, "the tracker's time asked " + asked + " times (only"
        + " once the burst is an overlap old): " + show(polls));
  }

  @Test
  void aTrackerThatCannotTellItsTimeIsAskedOnceAndStillSyncs() {
    AtomicInteger asked = new AtomicInteger();
    SyncTestDriver sync = driver((key, tracker) -> key.equals("PA")
        ? withTime(tracker, () -> {
          asked.incrementAndGet();
          return OptionalLong.empty();
        }) : tracker);
    burst(sync);

    List<int[]> polls = idlePolls(sync, 24);

    assertEquals(1, asked.get(), "asked once, then known not to tell");
    assertEquals(BURST, polls.get(polls.size() - 1)[0],
        "the watermark stays at the newest update, as before: " + show(polls));
    sync.a("alice").edit("PA-7", "summary", "Printer on fire, after the burst");
    sync.runUntilQuiet();
    assertEquals("Printer on fire, after the burst", sync.b().value("PB-7", "summary").asText());
  }

  /**
   * The tracker's index lags 50 s behind its writes (Jira Cloud's search is eventually
   * consistent), less than the minute of overlap: a change made while polls move the watermark
   * up to the tracker's time is not yet found by them, and is found once indexed, by a search
   * that starts an overlap before that time.
   */
  @Test
  void aChangeTheLaggingIndexHidesWhileTheWatermarkMovesIsFoundLater() {
    SyncTestDriver sync = driver((key, tracker) -> key.equals("PA")
        ? lagging(tracker, Duration.ofSeconds(50)) : tracker);
    burst(sync, Duration.ofSeconds(50));
    sync.advance(Duration.ofSeconds(20));
    sync.a("alice").edit("PA-7", "summary", "Printer on fire, hidden a while");
    long editedAt = sync.clock().millis();
    int askedBefore = sync.a().calls("serverTime").size();

    List<int[]> polls = idlePolls(sync, 4); // 40 s: the edit is not in the index yet

    assertTrue(sync.a().calls("serverTime").size() > askedBefore,
        "a poll asked the tracker's time while the edit was hidden: " + show(polls));
    assertEquals("PA-7 #7", sync.b().value("PB-7", "summary").asText(),
        "not found yet (hidden by the index)");
    idlePolls(sync, 3);
    sync.runUntilQuiet();
    assertEquals("Printer on fire, hidden a while", sync.b().value("PB-7", "summary").asText(),
        "found once indexed (edited at " + editedAt + ")");
  }

  private static SyncTestDriver driver(BiFunction<String, InMemoryIssueTracker, IssueTracker>
      trackers) {
    return SyncTestDriver.builder()
        .engine(e -> e.pollPageSize(100).changeDetectionOverlap(Duration.ofMinutes(1)))
        .trackers(trackers)
        .build();
  }

  /** 250 issues created on PA at one instant, synced to PB. */
  private static void burst(SyncTestDriver sync) {
    burst(sync, Duration.ZERO);
  }

  /** The burst, synced after {@code indexed} (when a lagging index shows it). */
  private static void burst(SyncTestDriver sync, Duration indexed) {
    for (int i = 1; i <= BURST; i++) {
      sync.a("alice").create("PA-" + i + " #" + i);
    }
    sync.runFor(indexed);
    sync.runUntilQuiet();
    assertEquals(BURST, sync.syncInfoB().size());
    assertEquals("PA-7 #7", sync.b().value("PB-7", "summary").asText());
  }

  /** Polls of PA an interval apart: each one's issues found and searches made. */
  private static List<int[]> idlePolls(SyncTestDriver sync, int count) {
    List<int[]> polls = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sync.advance(INTERVAL);
      int searches = sync.a().calls("findUpdatedSince").size();
      PollResult result = sync.poll("PA");
      polls.add(new int[] {result.issuesFound(),
          sync.a().calls("findUpdatedSince").size() - searches});
    }
    return polls;
  }

  private static String show(List<int[]> polls) {
    return polls.stream().map(p -> p[0] + "/" + p[1]).toList().toString();
  }

  /** The tracker, with its time told by {@code time}. */
  private static IssueTracker withTime(InMemoryIssueTracker tracker,
      java.util.function.Supplier<OptionalLong> time) {
    return proxy(tracker, (method, args) -> method.equals("serverTime") ? time.get() : null);
  }

  /** The tracker, its search leaving out issues updated in the last {@code lag}. */
  private static IssueTracker lagging(InMemoryIssueTracker tracker, Duration lag) {
    return proxy(tracker, (method, args) -> {
      if (!method.equals("findUpdatedSince")) {
        return null;
      }
      ChangePage page = tracker.findUpdatedSince((long) args[0], (String) args[1],
          (int) args[2], (String) args[3]);
      long indexed = tracker.clock().millis() - lag.toMillis();
      List<IssueChanges> seen = page.issues().stream()
          .filter(c -> c.issue().updated() <= indexed).toList();
      return new ChangePage(seen, page.nextPageToken());
    });
  }

  /** A proxy answering what {@code answer} answers (non-null), else the tracker itself. */
  private static IssueTracker proxy(InMemoryIssueTracker tracker,
      BiFunction<String, Object[], Object> answer) {
    return (IssueTracker) Proxy.newProxyInstance(IssueTracker.class.getClassLoader(),
        new Class<?>[] {IssueTracker.class}, (p, method, args) -> {
          Object given = answer.apply(method.getName(), args);
          if (given != null) {
            return given;
          }
          try {
            return method.invoke(tracker, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
