package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The bound of a {@link SkippedBase}: a row that ignores the partner for long keeps at most
 * {@link SkippedBase#OURS_KEPT} values of ours as they are (older ones folded), and the merge's
 * base is what it was when every value was kept ({@link Unbounded}, the record before the bound),
 * but where the partner had seen a folded value of ours other than the newest: there the base
 * may only differ toward the partner's previous value, the base of a merge without a skipped
 * base.
 */
class SkippedBaseBoundTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String[] LABELS = {"base", "bob", "x", "y", "z"};

  @Test
  void fiveHundredValuesOfOursSentWhileThePartnerIsSilentKeepTheRecordBounded() {
    SkippedBase kept = SkippedBase.of(null).skipped(labels("base", "bob"), labels("bob"), 0);
    Unbounded all = new Unbounded().skipped(labels("base", "bob"), labels("bob"), 0);
    JsonNode previous = labels("base", "bob");
    int longest = 0;
    int at200 = 0;
    for (int seq = 1; seq <= 500; seq++) {
      JsonNode value = labels("base", "bob", "alice-" + (seq % 7), "label-" + (seq % 40));
      kept.sent(seq, previous, value);
      all.sent(seq, previous, value);
      previous = value;
      longest = Math.max(longest, kept.json().toString().length());
      at200 = seq == 200 ? kept.json().toString().length() : at200;
    }

    assertEquals(SkippedBase.OURS_KEPT, kept.json().get("ours").size(), "values kept as they are");
    assertTrue(longest < 4_000, "the record's JSON, longest: " + longest);
    assertTrue(Math.abs(kept.json().toString().length() - at200) < 40,
        "the record's JSON, 200 sends and 500: " + at200 + ", " + kept.json().toString().length());
    assertEquals(501, all.ours.size(), "values the record kept before the bound");
    for (JsonNode theirs : List.of(labels("bob"), labels("bob", "l1", "l400", "alice-3"),
        labels("base"), labels("base", "bob", "l500"), labels())) {
      assertEquals(sorted(all.baseFor(theirs)), sorted(kept.baseFor(theirs)), "base for " + theirs);
    }
  }

  /**
   * Random stories of values sent and partner's changes skipped: the same base as before the
   * bound while no partner's change says it saw a folded value but the newest; otherwise only
   * labels where the base moved to agree with the partner's previous value differ.
   */
  @Test
  void theBaseIsTheUnboundedOneOrMovesOnlyTowardThePartnersPrevious() {
    Random random = new Random(119);
    int over = 0;
    int differed = 0;
    for (int story = 0; story < 3_000; story++) {
      boolean recentSeen = story % 2 == 0;
      int length = 1 + random.nextInt(story % 3 == 0 ? 200 : 40);
      SkippedBase kept = SkippedBase.of(null);
      Unbounded all = new Unbounded();
      long seq = 1 + random.nextInt(5);
      JsonNode ours = someLabels(random);
      boolean wasOver = false;
      for (int step = 0; step < length; step++) {
        if (random.nextInt(6) == 0) {
          JsonNode previous = random.nextInt(10) == 0 ? JSON.nullNode() : someLabels(random);
          JsonNode value = someLabels(random);
          long seen = recentSeen ? (random.nextBoolean() ? 0 : seq - 1)
              : random.nextInt((int) seq + 1);
          kept.skipped(previous, value, seen);
          all.skipped(previous, value, seen);
        } else {
          JsonNode value = story % 4 < 2 ? someLabels(random) : toggled(ours, random);
          kept.sent(seq, ours, value);
          all.sent(seq, ours, value);
          ours = value;
          seq += 1 + random.nextInt(2);
        }
        wasOver |= all.ours != null && all.ours.size() > SkippedBase.OURS_KEPT;
        assertTrue(kept.json().path("ours").size() <= SkippedBase.OURS_KEPT);
        JsonNode theirs = random.nextInt(10) == 0 ? null : someLabels(random);
        Set<String> bounded = sorted(kept.baseFor(theirs));
        Set<String> unbounded = sorted(all.baseFor(theirs));
        if (!wasOver || recentSeen || theirs == null) {
          assertEquals(unbounded, bounded, "story " + story + " step " + step);
        } else if (!bounded.equals(unbounded)) {
          differed++;
          Set<String> previous = sorted(theirs);
          for (String label : LABELS) {
            if (bounded.contains(label) != unbounded.contains(label)) {
              assertEquals(previous.contains(label), bounded.contains(label),
                  "story " + story + " step " + step + ": " + label);
            }
          }
        }
      }
      over += wasOver ? 1 : 0;
    }
    assertTrue(over > 300, "stories over the bound: " + over);
    assertTrue(differed < 1_000, "bases that differed: " + differed);
  }

  /** A person's edit: one label added or taken away, mostly x. */
  private static JsonNode toggled(JsonNode labels, Random random) {
    Set<String> some = new LinkedHashSet<>(sorted(labels));
    String label = random.nextInt(3) == 0 ? LABELS[random.nextInt(LABELS.length)] : "x";
    if (!some.remove(label)) {
      some.add(label);
    }
    return labels(some.toArray(String[]::new));
  }

  private static JsonNode someLabels(Random random) {
    List<String> some = new ArrayList<>();
    for (String label : LABELS) {
      if (random.nextBoolean()) {
        some.add(label);
      }
    }
    return labels(some.toArray(String[]::new));
  }

  private static JsonNode labels(String... labels) {
    ArrayNode a = JSON.arrayNode();
    for (String l : labels) {
      a.add(l);
    }
    return a;
  }

  private static Set<String> sorted(JsonNode v) {
    Set<String> s = new TreeSet<>();
    if (v != null && v.isArray()) {
      v.forEach(i -> s.add(i.asText()));
    }
    return s;
  }

  /** The record before the bound (the branch at c42554c1): every value of ours kept. */
  private static final class Unbounded {
    JsonNode base;
    JsonNode last;
    List<Long> seqs;
    List<JsonNode> ours;

    Unbounded skipped(JsonNode previous, JsonNode value, long seen) {
      base = base != null ? SetMerge.merge(last, base, previous) : previous;
      last = value;
      if (ours != null) {
        int lastSeen = 0;
        for (int i = 0; i < seqs.size(); i++) {
          if (seqs.get(i) <= seen) {
            lastSeen = i;
          }
        }
        for (int i = 0; i < lastSeen; i++) {
          seqs.remove(0);
          ours.remove(0);
        }
      }
      return this;
    }

    void sent(long seq, JsonNode previous, JsonNode value) {
      if (ours == null) {
        seqs = new ArrayList<>();
        ours = new ArrayList<>();
        if (previous != null) {
          seqs.add(seq - 1);
          ours.add(previous);
        }
      }
      seqs.add(seq);
      ours.add(value);
    }

    JsonNode baseFor(JsonNode previous) {
      if (base == null) {
        return null;
      }
      if (previous == null) {
        return base;
      }
      Set<String> b = new LinkedHashSet<>(sorted(SetMerge.merge(last, base, previous)));
      Set<String> theirs = sorted(previous);
      Set<String> any = new LinkedHashSet<>();
      Set<String> all = null;
      for (JsonNode one : ours == null ? List.<JsonNode>of() : ours) {
        Set<String> l = sorted(one);
        any.addAll(l);
        if (all == null) {
          all = new LinkedHashSet<>(l);
        } else {
          all.retainAll(l);
        }
      }
      if (all != null) {
        for (String label : theirs) {
          if (any.contains(label)) {
            b.add(label);
          }
        }
        Set<String> agreedGone = all;
        b.removeIf(label -> !theirs.contains(label) && !agreedGone.contains(label));
      }
      return labels(b.toArray(String[]::new));
    }
  }
}
