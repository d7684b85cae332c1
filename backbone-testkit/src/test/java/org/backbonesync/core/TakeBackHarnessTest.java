package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * A harness, not a check: random short stories of merged labels with ignores, take-backs, polls,
 * deliveries and edits (a third with A's incoming JQL instead of ignores), written with their
 * outcome to a file, to compare two builds ({@link TakeBackHarnessJudge} tells what each lost).
 * From helper-116's review of the skipped base. It does nothing unless asked:
 *
 * <pre>
 * mvn -pl backbone-testkit -am test -Dtest=TakeBackHarnessTest \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dtakeback.out=/tmp/this.txt \
 *   [-Dtakeback.n=7000] [-Dtakeback.from=1] [-Dtakeback.replay=/tmp/other.txt] \
 *   [-Dtakeback.trace=true]
 * </pre>
 *
 * <p>To compare a change with the code before it: copy this file onto the code before, write
 * each build's stories, replay each file on the other build, and judge both pairs ({@code
 * TakeBackHarnessJudge} with the code before's file first).
 *
 * <p>{@code takeback.replay} plays another build's stories: the random draws do not depend on the
 * labels, only whether an edit adds or removes, which is taken from there (a person's intent;
 * made as is, or no edit when it changes nothing here; an edit written {@code A+z!} there is left
 * out, to play a story's twin without it). {@code takeback.trace} writes both sides'
 * labels and skipped bases after each step. The file compiles on builds without the skipped base
 * (it reads it by reflection), so that it can be copied onto one to compare.
 */
class TakeBackHarnessTest {
  private static final List<String> UNIVERSE = List.of("base", "bob", "x", "y", "z");

  /** The edits of the story being replayed, or null. */
  private Deque<String> edits;

  @Test
  void stories() throws IOException {
    String out = System.getProperty("takeback.out");
    if (out == null) {
      return;
    }
    Map<Integer, Deque<String>> replay = replayed(System.getProperty("takeback.replay"));
    StringBuilder all = new StringBuilder();
    for (int seed = Integer.getInteger("takeback.from", 1);
        seed <= Integer.getInteger("takeback.n", 300); seed++) {
      StringBuilder log = new StringBuilder();
      String result;
      try {
        edits = replay == null ? null : replay.get(seed);
        result = story(seed, log);
      } catch (RuntimeException | AssertionError e) {
        result = "THREW " + e;
      }
      all.append(seed).append(": ").append(result).append("   [").append(log).append("]\n");
    }
    Files.writeString(Path.of(out), all);
  }

  /** The edits of each story of a file this test wrote, by story. */
  private static Map<Integer, Deque<String>> replayed(String file) throws IOException {
    if (file == null) {
      return null;
    }
    Map<Integer, Deque<String>> edits = new HashMap<>();
    for (TakeBackHarnessJudge.Story s : TakeBackHarnessJudge.read(Path.of(file)).values()) {
      Deque<String> d = new ArrayDeque<>();
      for (String t : s.steps()) {
        if (TakeBackHarnessJudge.EDIT.matcher(t.replace("!", "")).matches()) {
          d.add(t);
        }
      }
      edits.put(s.number(), d);
    }
    return edits;
  }

  private String story(int seed, StringBuilder log) {
    Random r = new Random(seed);
    boolean scoped = r.nextInt(3) == 0;
    SyncTestDriver sync = TakeBackStories.baseAndBob(SyncTestDriver.builder()
        .connectorA(c -> scoped ? c.withIncomingJql("priority != Low") : c));
    int steps = 6 + r.nextInt(10);
    for (int i = 0; i < steps; i++) {
      step(sync, r, r.nextInt(scoped ? 14 : 12), scoped, log);
      if (Boolean.getBoolean("takeback.trace")) {
        trace(sync, log);
      }
    }
    if (scoped) {
      sync.advance(Duration.ofSeconds(1));
      sync.a("alice").edit("PA-1", "priority", "High");
    }
    MergedLabels.settle(sync);
    if (!scoped) {
      flag(sync, "PA", false, log);
      flag(sync, "PB", false, log);
    }
    MergedLabels.settle(sync);
    MergedLabels.settle(sync);
    JsonNode a = sync.a().value("PA-1", "labels");
    JsonNode b = sync.b().value("PB-1", "labels");
    return a + " / " + b + (a.equals(b) ? "" : " DIFFER");
  }

  private void step(SyncTestDriver sync, Random r, int op, boolean scoped, StringBuilder log) {
    switch (op) {
      case 0, 1 -> edit(sync, true, r, log);
      case 2, 3 -> edit(sync, false, r, log);
      case 4, 5 -> {
        if (!scoped) {
          flag(sync, op == 4 ? "PA" : "PB", r.nextBoolean(), log);
        }
      }
      case 6, 7, 8 -> {
        String c = r.nextBoolean() ? "PA" : "PB";
        if (op == 6) {
          sync.poll(c);
        } else if (op == 7) {
          sync.deliver(c);
        } else {
          sync.apply(c);
        }
        log.append(op == 6 ? "poll:" : op == 7 ? "deliver:" : "apply:").append(c).append(' ');
      }
      case 9, 10 -> {
        MergedLabels.settle(sync);
        log.append("settle ");
      }
      case 11 -> {
        sync.advance(Duration.ofSeconds(5));
        log.append("adv ");
      }
      default -> {
        sync.advance(Duration.ofSeconds(1));
        String p = r.nextBoolean() ? "Low" : "High";
        sync.a("alice").edit("PA-1", "priority", p);
        log.append("prio ").append(p).append(' ');
      }
    }
  }

  private void edit(SyncTestDriver sync, boolean alice, Random r, StringBuilder log) {
    sync.advance(Duration.ofSeconds(1 + r.nextInt(5)));
    String key = alice ? "PA-1" : "PB-1";
    JsonNode now = (alice ? sync.a() : sync.b()).value(key, "labels");
    Set<String> labels = new LinkedHashSet<>();
    if (now != null) {
      now.forEach(l -> labels.add(l.asText()));
    }
    String label = UNIVERSE.get(r.nextInt(UNIVERSE.size()));
    boolean add = !labels.contains(label);
    boolean left = false;
    if (edits != null) {
      String t = edits.poll();
      left = t != null && t.endsWith("!");
      t = t == null ? null : t.replace("!", "");
      if (t == null || t.charAt(0) != (alice ? 'A' : 'B') || !t.substring(2).equals(label)) {
        throw new IllegalStateException("replay out of step: " + t + " for " + label);
      }
      add = t.charAt(1) == '+';
    }
    boolean changes = add != labels.contains(label) && !left;
    if (add) {
      labels.add(label);
    } else {
      labels.remove(label);
    }
    if (changes) {
      (alice ? sync.a("alice") : sync.b("bob")).updateIssue(key,
          Map.of("labels", strings(new ArrayList<>(labels).toArray(String[]::new))));
    }
    log.append(alice ? "A" : "B").append(add ? "+" : "-").append(label)
        .append(left ? "! " : " ");
  }

  private static void flag(SyncTestDriver sync, String connector, boolean ignored,
      StringBuilder log) {
    var rows = connector.equals("PA") ? sync.syncInfoA() : sync.syncInfoB();
    if (rows.get(0).incomingChangesIgnored() == ignored) {
      return;
    }
    sync.engine().setIncomingChangesIgnored(connector, rows.get(0).id(), ignored);
    log.append(connector).append(ignored ? " ignores " : " takes back ");
  }

  private static void trace(SyncTestDriver sync, StringBuilder log) {
    log.append("\n    A=").append(sync.a().value("PA-1", "labels"))
        .append(" B=").append(sync.b().value("PB-1", "labels"))
        .append(" skippedA=").append(skipped(sync, sync.syncInfoA().get(0).id()))
        .append(" skippedB=").append(skipped(sync, sync.syncInfoB().get(0).id()))
        .append("\n  ");
  }

  /** A row's skipped bases, by reflection: builds without them say "-". */
  private static Object skipped(SyncTestDriver sync, long id) {
    try {
      return org.backbonesync.spi.store.SyncInfoStore.class
          .getMethod("skippedBases", long.class).invoke(sync.stores().syncInfo(), id);
    } catch (ReflectiveOperationException e) {
      return "-";
    }
  }
}
