package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Seeded random interleavings of edits on both sides and of queue steps: every run ends with both
 * sides equal on every two-way field, and with no more messages than the edits explain. A failing
 * seed is printed; {@code -Dbackbone.interleavings=N} runs more, {@code -Dbackbone.seed=N} one.
 */
class RandomInterleavingsTest {
  private static final int RUNS = Integer.getInteger("backbone.interleavings", 500);
  private static final List<String> WORDS = List.of("red", "green", "blue", "urgent", "later");
  private static final List<String> PRIORITIES = List.of("High", "Medium", "Low");

  @Test
  void everyInterleavingConvergesWithoutAMessageStorm() {
    Long only = Long.getLong("backbone.seed");
    for (long seed = only != null ? only : 1; seed <= (only != null ? only : RUNS); seed++) {
      try {
        run(seed);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed + " failed (replay with -Dbackbone.seed=" + seed
            + "): "
            + e.getMessage(), e);
      }
    }
  }


  private static void run(long seed) {
    Random random = new Random(seed);
    SyncTestDriver sync = SyncTestDriver.builder()
        .skewB(Duration.ofSeconds(random.nextInt(601) - 300))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.PRIORITY, "priority",
            Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.BOTH)
            .withConflict(ConflictRule.MERGE))
        .build();
    int issues = 1 + random.nextInt(2);
    for (int i = 0; i < issues; i++) {
      sync.a("alice").create("issue " + i);
    }
    sync.runUntilQuiet();
    sync.events().clear();
    int edits = 0;
    int steps = 10 + random.nextInt(20);
    for (int s = 0; s < steps; s++) {
      int issue = 1 + random.nextInt(issues);
      boolean sideA = random.nextBoolean();
      InMemoryIssueTracker tracker = sideA ? sync.a("alice") : sync.b("bob");
      String key = (sideA ? "PA-" : "PB-") + issue;
      switch (random.nextInt(8)) {
        case 0 -> {
          tracker.edit(key, "summary", WORDS.get(random.nextInt(WORDS.size())) + " " + s);
          edits++;
        }
        case 1 -> {
          tracker.edit(key, "priority", PRIORITIES.get(random.nextInt(PRIORITIES.size())));
          edits++;
        }
        case 2 -> {
          List<String> labels = new ArrayList<>();
          for (String w : WORDS) {
            if (random.nextInt(3) == 0) {
              labels.add(w);
            }
          }
          tracker.edit(key, "labels",
              InMemoryIssueTracker.strings(labels.toArray(String[]::new)));
          edits++;
        }
        case 3 -> sync.poll(sideA ? "PA" : "PB");
        case 4 -> sync.deliver(sideA ? "PA" : "PB");
        case 5 -> sync.apply(sideA ? "PA" : "PB");
        default -> sync.advance(Duration.ofMillis(random.nextInt(3000)));
      }
    }
    sync.runUntilQuiet();

    for (int i = 1; i <= issues; i++) {
      for (String field : List.of("summary", "priority", "labels")) {
        assertEquals(sync.a().value("PA-" + i, field), sync.b().value("PB-" + i, field),
            field + " of issue " + i + " differs; conflicts: "
                + sync.engine().conflicts("PA", null) + " / " + sync.engine().conflicts("PB", null));
      }
    }
    long messages = sync.events().count(Type.QUEUED, "PA") + sync.events().count(Type.QUEUED, "PB");
    assertTrue(messages <= 2L * edits, messages + " messages for " + edits + " edits");
  }
}
