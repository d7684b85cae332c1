package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a row keeps of one merged field (labels) across the partner's changes it did not take
 * ({@link SkippedChanges}), as the JSON the store keeps: the base (what the first of them
 * replaced, moved on by what the partner took of ours between them), the last one's value, and
 * the values we sent meanwhile with their sequence ids. Each part is absent until known: values
 * of ours are kept from the first sent while the row ignores, a base from the first of the
 * partner's changes skipped.
 *
 * <p>The partner's next value is merged against {@link #baseFor}: its changes made meanwhile
 * count as its own additions and removals, ours it took or made too count as agreed, so that one
 * undone here after the take-back stays undone.
 *
 * <p>Bounded: of the values of ours, the newest {@value #OURS_KEPT} are kept as they are; older
 * ones are folded into one summary ({@code folded}: the labels any of them held, those all of them
 * held, and the newest one's sequence id and value), which is all the merge reads of them, so a
 * row that ignores for long keeps at most that many values, plus the labels they held, and the
 * store's record of it is read and rewritten at that size for each message sent. The merge's
 * answers stay as they were without the bound, with one exception: when the partner had seen a
 * folded value of ours but not the newest folded, the folded ones older than it are kept rather
 * than forgotten ({@link #skipped}). Keeping a value of ours can only count more of the labels
 * where the partner's previous value and the base differ as agreed, so the base moves toward that
 * previous value, the base a merge without a skipped base uses: no change of the partner's is
 * counted that a plain merge would not count. (Dropping the oldest values instead would forget
 * the first, what ours held before the row ignored, and count a change both sides made as the
 * partner's again.)
 */
final class SkippedBase {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String BASE = "base";
  private static final String LAST = "last";
  private static final String OURS = "ours";
  private static final String SEQ = "seq";
  private static final String VALUE = "value";
  private static final String FOLDED = "folded";
  private static final String ANY = "any";
  private static final String ALL = "all";

  /** How many values of ours are kept as they are; older ones are folded ({@link #fold}). */
  static final int OURS_KEPT = 32;

  private final ObjectNode kept;

  private SkippedBase(ObjectNode kept) {
    this.kept = kept;
  }

  /** The field's kept value as the store gave it, or none yet (null). */
  static SkippedBase of(JsonNode kept) {
    return new SkippedBase(kept instanceof ObjectNode o ? o.deepCopy() : JSON.objectNode());
  }

  /** The JSON the store keeps. */
  JsonNode json() {
    return kept;
  }

  /** Whether a change of the partner was skipped: there is a base to merge against. */
  boolean hasBase() {
    return kept.has(BASE);
  }

  /**
   * After a change of the partner skipped that replaced {@code previous} with {@code value}: the
   * first sets the base; a later one moves it on by what the partner gained or lost between the
   * last one's value and what this one replaced: only ours it took can do that (its own are the
   * messages). Of the values of ours kept, those before the last one the partner had seen then
   * ({@code seen}, our sequence id) go: it took that one after them, so they are older than its
   * change, and would agree with it only by coming first (ours without x, then ours with x that
   * the partner merged and then took away: not both sides taking x away).
   */
  SkippedBase skipped(JsonNode previous, JsonNode value, long seen) {
    kept.set(BASE, hasBase() ? movedOn(previous) : previous);
    kept.set(LAST, value);
    forgetOursBefore(seen);
    return this;
  }

  /**
   * Forgets the values of ours kept before the last one sent by sequence id {@code seen}. Of the
   * folded ones: all when a value kept as it is was seen; else, when the newest folded was seen,
   * all but it (which is kept as it is again); else none, although older ones may have been seen.
   */
  private void forgetOursBefore(long seen) {
    JsonNode ours = kept.path(OURS);
    int last = -1;
    for (int i = 0; i < ours.size(); i++) {
      if (ours.get(i).path(SEQ).asLong() <= seen) {
        last = i;
      }
    }
    JsonNode folded = kept.get(FOLDED);
    if (last >= 0) {
      kept.remove(FOLDED);
      for (int i = 0; i < last; i++) {
        ((ArrayNode) ours).remove(0);
      }
    } else if (folded != null && folded.path(SEQ).asLong() <= seen) {
      kept.remove(FOLDED);
      ObjectNode one = ((ArrayNode) ours).insertObject(0);
      one.put(SEQ, folded.path(SEQ).asLong());
      one.set(VALUE, folded.get(VALUE));
      foldOldest();
    }
  }

  /**
   * After a value of ours (message {@code sequenceId}, which replaced {@code previous}) was sent
   * while the row ignored the partner, or at its take-back. The first keeps what it replaced too
   * (the last value of ours before, as an earlier message): the partner may have made that
   * change as well while ignoring ours.
   */
  SkippedBase sent(long sequenceId, JsonNode previous, JsonNode value) {
    ArrayNode ours = (ArrayNode) kept.get(OURS);
    if (ours == null) {
      ours = kept.putArray(OURS);
      if (previous != null) {
        add(ours, sequenceId - 1, previous);
      }
    }
    add(ours, sequenceId, value);
    foldOldest();
    return this;
  }

  /** Folds the oldest values of ours beyond the newest {@link #OURS_KEPT}. */
  private void foldOldest() {
    JsonNode ours = kept.path(OURS);
    while (ours.size() > OURS_KEPT) {
      fold(((ArrayNode) ours).remove(0));
    }
  }

  /**
   * Folds a value of ours, older than those kept as they are, into the summary of such: the
   * labels any of them held, those all of them held, and the newest's sequence id and value.
   */
  private void fold(JsonNode one) {
    Set<String> labels = items(one.get(VALUE));
    JsonNode was = kept.get(FOLDED);
    Set<String> any = was == null ? new LinkedHashSet<>() : items(was.get(ANY));
    Set<String> all = was == null ? labels : items(was.get(ALL));
    any.addAll(labels);
    all.retainAll(labels);
    ObjectNode folded = kept.putObject(FOLDED);
    folded.put(SEQ, one.path(SEQ).asLong());
    folded.set(VALUE, one.get(VALUE));
    folded.set(ANY, array(any));
    folded.set(ALL, array(all));
  }

  private static void add(ArrayNode ours, long sequenceId, JsonNode value) {
    ObjectNode one = ours.addObject();
    one.put(SEQ, sequenceId);
    one.set(VALUE, value);
  }

  /**
   * The base the partner's next value, which replaced {@code previous} there (null when it says
   * none), merges against; null without a base. Moved on as between skipped changes; and where
   * the partner's {@code previous} differs from it in a label that a value of ours kept agreed
   * with, that label counts as agreed: both sides made that change (or the partner took ours),
   * so a later change of ours to it is ours, not the partner's undone.
   */
  JsonNode baseFor(JsonNode previous) {
    if (!hasBase()) {
      return null;
    }
    if (previous == null) {
      return kept.get(BASE);
    }
    Set<String> base = items(movedOn(previous));
    Set<String> theirs = items(previous);
    JsonNode folded = kept.get(FOLDED);
    Set<String> any = folded == null ? new LinkedHashSet<>() : items(folded.get(ANY));
    Set<String> all = folded == null ? null : items(folded.get(ALL));
    for (JsonNode one : kept.path(OURS)) {
      Set<String> labels = items(one.get(VALUE));
      any.addAll(labels);
      if (all == null) {
        all = labels;
      } else {
        all.retainAll(labels);
      }
    }
    if (all != null) {
      base.addAll(intersection(theirs, any));
      Set<String> agreedGone = all;
      base.removeIf(label -> !theirs.contains(label) && !agreedGone.contains(label));
    }
    return array(base);
  }

  private static Set<String> intersection(Set<String> a, Set<String> b) {
    Set<String> both = new LinkedHashSet<>(a);
    both.retainAll(b);
    return both;
  }

  /**
   * The base moved on by what the partner took between its last skipped change and the value
   * that {@code previous} says was there before its next: the labels it gained meanwhile added,
   * those it lost removed.
   */
  private JsonNode movedOn(JsonNode previous) {
    return SetMerge.merge(kept.get(LAST), kept.get(BASE), previous);
  }

  private static Set<String> items(JsonNode v) {
    Set<String> s = new LinkedHashSet<>();
    if (v != null && v.isArray()) {
      v.forEach(i -> s.add(i.asText()));
    }
    return s;
  }

  private static ArrayNode array(Set<String> items) {
    ArrayNode a = JSON.arrayNode();
    items.forEach(a::add);
    return a;
  }
}
