package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.backbonesync.testkit.SyncTestDriver;

/**
 * Steps of the take-back stories of merged labels that run the sync by hand ({@code
 * TakeBackRightAfterTest}, {@code TakeBackEmptyLabelsTest}, {@code TakeBackSameChangeTest}): a
 * person's edit without a poll; a row's flag set; a story played as the review's harness writes
 * it; and what both issues show.
 */
final class TakeBackStories {
  private TakeBackStories() {}

  /** PA-1 and PB-1 synced without labels (summary only), labels merged. */
  static SyncTestDriver noLabels() {
    SyncTestDriver sync = SyncTestDriver.builder().summaryAndMergedLabels().build();
    sync.a("alice").create("Printer on fire");
    MergedLabels.settle(sync);
    assertBoth(sync);
    return sync;
  }

  /** PA-1 and PB-1 synced with the labels base and bob, merged. */
  static SyncTestDriver baseAndBob() {
    return baseAndBob(SyncTestDriver.builder());
  }

  /** As {@link #baseAndBob()}, the sync built on {@code builder} (its stores, say). */
  static SyncTestDriver baseAndBob(SyncTestDriver.Builder builder) {
    return MergedLabels.labelled(builder, "base", "bob");
  }

  /**
   * Plays a story step by step, as the review's harness writes them: {@code A+z} alice adds z
   * (three seconds on, not polled), {@code B-z} bob removes it, {@code PA ignores} and {@code PA
   * takes back} (A's row's flag), {@code poll:PB}, {@code deliver:PA} (its outbox to the
   * partner), {@code apply:PA}, {@code resync:PA} (an admin's resync of every issue), {@code restore:PB} (its
   * row deleted and imported again with its counts), {@code settle} ({@link MergedLabels#settle}), {@code adv} (five
   * seconds on). Then it settles, takes back both rows that ignore, and settles twice (the
   * harness writes those take-backs at a story's end too).
   */
  static void play(SyncTestDriver sync, String story) {
    String[] steps = story.replace(" ignores", ":ignores").replace(" takes back", ":back")
        .split(" ");
    for (String step : steps) {
      String[] s = step.split(":");
      switch (s[0]) {
        case "settle" -> MergedLabels.settle(sync);
        case "adv" -> sync.advance(Duration.ofSeconds(5));
        case "poll" -> sync.poll(s[1]);
        case "deliver" -> sync.deliver(s[1]);
        case "apply" -> sync.apply(s[1]);
        case "restore" -> restore(sync, s[1]);
        case "resync" -> {
          sync.engine().resync(s[1], ResyncRequest.all(), "admin");
          sync.runUntilQuiet();
        }
        case "PA", "PB" -> ignore(sync, s[0], s[1].equals("ignores"));
        default -> edit(sync, step);
      }
    }
    MergedLabels.settle(sync);
    for (String connector : List.of("PA", "PB")) {
      var rows = connector.equals("PA") ? sync.syncInfoA() : sync.syncInfoB();
      if (rows.get(0).incomingChangesIgnored()) {
        ignore(sync, connector, false);
      }
    }
    MergedLabels.settle(sync);
    MergedLabels.settle(sync);
  }

  /**
   * An admin deletes the connector's row and imports it again with its counts (a restored
   * store): a row made anew, whose partner takes the old row's messages as stale.
   */
  private static void restore(SyncTestDriver sync, String connector) {
    var row = (connector.equals("PA") ? sync.syncInfoA() : sync.syncInfoB()).get(0);
    sync.engine().deleteSyncInformation(connector, row.id());
    sync.engine().importSyncInformation(connector, List.of(new SyncInfoImport(
        row.localIssueKey(), row.remoteIssueKey(), null, null, null,
        row.outgoingMessageSequenceId(), null, row.incomingMessageSequenceId(), false)));
  }

  private static void edit(SyncTestDriver sync, String step) {
    boolean alice = step.charAt(0) == 'A';
    String key = alice ? "PA-1" : "PB-1";
    List<String> labels = list((alice ? sync.a() : sync.b()).value(key, "labels"));
    String label = step.substring(2);
    labels.remove(label);
    if (step.charAt(1) == '+') {
      labels.add(label);
    }
    sync.advance(Duration.ofSeconds(3));
    (alice ? sync.a("alice") : sync.b("bob"))
        .updateIssue(key, Map.of("labels", strings(labels.toArray(String[]::new))));
  }

  /** Alice sets PA-1's labels, ten seconds on (not polled yet). */
  static void alice(SyncTestDriver sync, String... labels) {
    sync.advance(Duration.ofSeconds(10));
    sync.a("alice").updateIssue("PA-1", Map.of("labels", strings(labels)));
  }

  /** Bob sets PB-1's labels, ten seconds on (not polled yet). */
  static void bob(SyncTestDriver sync, String... labels) {
    sync.advance(Duration.ofSeconds(10));
    sync.b("bob").updateIssue("PB-1", Map.of("labels", strings(labels)));
  }

  /**
   * {@link MergedLabels#bobsLabelApplied()}, then the connector's row ignores its partner's
   * changes: where most take-back stories start.
   */
  static SyncTestDriver ignoring(String connector) {
    SyncTestDriver sync = MergedLabels.bobsLabelApplied();
    ignore(sync, connector, true);
    return sync;
  }

  /** The connector's row takes its partner's changes back, and all settles. */
  static void takeBack(SyncTestDriver sync, String connector) {
    ignore(sync, connector, false);
    MergedLabels.settle(sync);
  }

  /** Sets or clears the {@code incomingChangesIgnored} of the connector's row. */
  static void ignore(SyncTestDriver sync, String connector, boolean ignored) {
    var rows = connector.equals("PA") ? sync.syncInfoA() : sync.syncInfoB();
    sync.engine().setIncomingChangesIgnored(connector, rows.get(0).id(), ignored);
  }

  /** Both issues have these labels (in any order), and both in one order. */
  static void assertBoth(SyncTestDriver sync, String... expected) {
    JsonNode a = sync.a().value("PA-1", "labels");
    JsonNode b = sync.b().value("PB-1", "labels");
    assertEquals(new TreeSet<>(List.of(expected)) + " / " + new TreeSet<>(List.of(expected)),
        new TreeSet<>(list(a)) + " / " + new TreeSet<>(list(b)),
        "PA-1 / PB-1 labels, sorted (as they are: " + a + " / " + b + ")");
    assertEquals(list(a), list(b), "both in one order");
  }

  /** The labels as a list (empty for none), in their order. */
  static List<String> list(JsonNode labels) {
    List<String> out = new ArrayList<>();
    if (labels != null) {
      labels.forEach(l -> out.add(l.asText()));
    }
    return out;
  }
}
