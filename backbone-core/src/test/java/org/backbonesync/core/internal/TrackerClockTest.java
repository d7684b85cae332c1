package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.OptionalLong;
import org.backbonesync.spi.tracker.IssueTracker;
import org.junit.jupiter.api.Test;

/**
 * When a poll asks the tracker's time, and how far it lets the watermark move: never past an
 * issue left for the next poll, and a margin of nine overlaps behind the tracker's clock.
 */
class TrackerClockTest {
  private static final long MINUTE = 60_000;
  private final Deque<OptionalLong> answers = new ArrayDeque<>();
  private int asked;
  private final IssueTracker tracker = (IssueTracker) Proxy.newProxyInstance(
      IssueTracker.class.getClassLoader(), new Class<?>[] {IssueTracker.class},
      (proxy, method, args) -> {
        if (!method.getName().equals("serverTime")) {
          throw new UnsupportedOperationException(method.getName());
        }
        asked++;
        return answers.isEmpty() ? OptionalLong.of(1_000 * MINUTE) : answers.poll();
      });
  private final TrackerClock clock = new TrackerClock("PA", tracker, MINUTE);

  @Test
  void theWatermarkMovesToTheTrackersTimeLessNineOverlapsNeverPastAnIssueLeft() {
    assertEquals(OptionalLong.of(991 * MINUTE), clock.beforeSearch(0, 0));

    PollProgress free = new PollProgress(100, 40, Long.MAX_VALUE);
    free.movableTo(500);
    assertEquals(500, free.newWatermark());

    PollProgress left = new PollProgress(100, 40, Long.MAX_VALUE);
    left.movableTo(500);
    left.leaveFrom(200);
    assertEquals(200, left.newWatermark(), "not past the issue left for the next poll");

    PollProgress behind = new PollProgress(100, 40, Long.MAX_VALUE);
    behind.movableTo(50);
    assertEquals(100, behind.newWatermark(), "never back");
  }

  @Test
  void aPageIsMovedPastOnlyWhenItIsTenOverlapsOldAndTheTrackerWasNotAskedForAMinute() {
    long now = 100 * MINUTE;
    assertFalse(clock.asksPast(now, now - 10 * MINUTE), "not older than margin and overlap");
    assertTrue(clock.asksPast(now, now - 10 * MINUTE - 1));

    clock.beforeSearch(now, now - 20 * MINUTE);
    assertFalse(clock.asksPast(now + MINUTE - 1, now - 5 * MINUTE - 20 * MINUTE));
    assertTrue(clock.asksPast(now + MINUTE, now - 19 * MINUTE), "moved on: a minute later");
  }

  @Test
  void theWaitDoublesWhileTheSameOldestIssueStaysInTheSearch() {
    long oldest = 0;
    long now = 20 * MINUTE;
    long[] waits = new long[8];
    for (int i = 0; i < waits.length; i++) {
      clock.beforeSearch(now, oldest);
      long next = now + 1;
      while (!clock.asksPast(next, oldest)) {
        next += 1_000;
      }
      waits[i] = (next - now) / MINUTE;
      now = next;
    }
    assertEquals("[1, 2, 4, 8, 16, 32, 64, 64]", Arrays.toString(waits),
        "a search that starts earlier than asked (JQL at the minute, a day early without a"
            + " time zone) costs an ask ever more rarely");
    clock.beforeSearch(now, oldest + MINUTE); // the oldest moved on: the wait is a minute again
    assertFalse(clock.asksPast(now + MINUTE - 1, oldest + MINUTE));
    assertTrue(clock.asksPast(now + MINUTE, oldest + MINUTE));
  }

  @Test
  void aPageTheTrackerLeftEmptyIsAskedPastAndWaitsLongerWhileItStaysEmpty() {
    long now = 20 * MINUTE;
    assertTrue(clock.asksPast(now, Long.MIN_VALUE), "what it left out is older than the start");
    clock.beforeSearch(now, 0);
    assertTrue(clock.asksPast(now + MINUTE, Long.MIN_VALUE));
    clock.beforeSearch(now + MINUTE, Long.MIN_VALUE);
    assertFalse(clock.asksPast(now + 3 * MINUTE - 1, Long.MIN_VALUE), "still there: two minutes");
    assertTrue(clock.asksPast(now + 3 * MINUTE, Long.MIN_VALUE));
  }

  @Test
  void aTrackerThatCannotTellIsNotAskedAgainAndOneThatFailsIs() {
    answers.add(OptionalLong.empty());
    assertEquals(OptionalLong.empty(), clock.beforeSearch(0, -20 * MINUTE));
    assertFalse(clock.asksPast(100 * MINUTE, 0), "cannot tell: never again");

    TrackerClock failing = new TrackerClock("PB", (IssueTracker) Proxy.newProxyInstance(
        IssueTracker.class.getClassLoader(), new Class<?>[] {IssueTracker.class},
        (proxy, method, args) -> {
          throw new IllegalStateException("connection reset");
        }), MINUTE);
    assertEquals(OptionalLong.empty(), failing.beforeSearch(0, -20 * MINUTE));
    assertTrue(failing.asksPast(2 * MINUTE, -20 * MINUTE), "a failure tells nothing: asked again");
    assertEquals(1, asked);
  }
}
