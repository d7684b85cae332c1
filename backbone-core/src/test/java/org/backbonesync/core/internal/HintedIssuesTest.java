package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What a hinted read left while an apply held the pairs comes back when an apply ends, and at
 * once when one ended while the read ran (it may have let the pairs go before the read put them
 * aside, and nothing else would bring them back before the next poll).
 */
class HintedIssuesTest {
  private final AtomicInteger wakes = new AtomicInteger();
  private final HintedIssues hints =
      new HintedIssues(key -> key.startsWith("PA-"), wakes::incrementAndGet);

  @Test
  void issuesLeftBusyWaitForTheApplysEnd() {
    long ended = hints.appliesEnded();

    hints.leftBusy(List.of("PA-1", "PA-2"), ended);

    assertEquals(0, wakes.get(), "nothing to read while the apply holds them");
    assertEquals(new HintedIssues.Taken(List.of(), false), hints.take());
    hints.applyEnded();
    assertEquals(1, wakes.get());
    assertEquals(new HintedIssues.Taken(List.of("PA-1", "PA-2"), false), hints.take());
    hints.applyEnded();
    assertEquals(1, wakes.get(), "read once");
  }

  @Test
  void issuesLeftBusyAfterTheApplyEndedAreReadAtOnce() {
    long ended = hints.appliesEnded();
    hints.applyEnded(); // the apply let the pairs go as the read put them aside

    hints.leftBusy(List.of("PA-1"), ended);

    assertEquals(1, wakes.get());
    assertEquals(new HintedIssues.Taken(List.of("PA-1"), false), hints.take());
  }

  @Test
  void moreLeftBusyThanItKeepsGiveWayToAPoll() {
    List<String> many = IntStream.rangeClosed(1, HintedIssues.MAX_KEYS + 1)
        .mapToObj(i -> "PA-" + i).toList();

    hints.leftBusy(many, hints.appliesEnded());

    assertEquals(new HintedIssues.Taken(List.of(), true), hints.take());
    hints.applyEnded();
    assertEquals(new HintedIssues.Taken(List.of(), false), hints.take(), "none kept twice");
  }
}
