package org.backbonesync.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The persons' edits of two-way fields in one simulation run, and the lost-change check on them
 * ({@link Simulation.Builder#lastEditChecks}): the last edit of a field of a pair is the value on
 * both sides, unless the documented rule says why not.
 */
final class PersonsEdits {
  /**
   * A person's edit of a two-way field, with the time its tracker gave it.
   *
   * @param step the traffic step it came in
   * @param backToSynced whether it took the field back to the value last synced (no change to
   *     send: a partner's change then applies)
   * @param carriedTo the other side's issue it counts for, when a restore lost its own issue
   *     after the sync had sent it ({@link #forgetLost}); null else
   */
  record Edit(int step, boolean sideA, String key, String field, JsonNode value, long at,
      boolean backToSynced, String carriedTo) {
    Edit carriedTo(String partner) {
      return new Edit(step, sideA, key, field, value, at, backToSynced, partner);
    }

    /** Whether it counts for the pair of these issues. */
    boolean ofPair(String onA, String onB) {
      return carriedTo == null ? key.equals(sideA ? onA : onB)
          : carriedTo.equals(sideA ? onB : onA);
    }
  }

  /** Where a lost issue's change went on: {@link SiteRestores#carriedTo}. */
  interface Carried {
    Optional<String> to(Edit edit);
  }

  private final List<Edit> edits = new ArrayList<>();

  void add(Edit edit) {
    edits.add(edit);
  }

  /**
   * A person's edits of the issues a restore of one side lost are lost with them, but for those
   * the sync had sent before: they go on in the lost pair's partner (applied there, or on their
   * way), and count for its pair from then on, with a new copy the partner is linked with again
   * too (simulation seeds 4656 and 5660 with site restores: the partner's value came from a
   * person's edit of the lost issue, later than any of the two issues paired at the end). Edits
   * counted for an issue the restore lost are lost with it.
   *
   * @param lost the keys of the issues the restore lost on side {@code sideA}
   */
  void forgetLost(boolean sideA, List<String> lost, Carried carried) {
    edits.removeIf(e -> e.sideA() != sideA && e.carriedTo() != null
        && lost.contains(e.carriedTo()));
    edits.replaceAll(e -> e.sideA() == sideA && e.carriedTo() == null && lost.contains(e.key())
        ? carried.to(e).map(e::carriedTo).orElse(null) : e);
    edits.removeIf(Objects::isNull);
  }

  /**
   * The person's change of a field lost on a pair, if one is: the last edit of the field that
   * counts for the pair is the value both sides have, unless the documented rule says why not: an
   * edit on the other side it crossed with whose tracker time is later (A's on a tie), an admin's
   * resync of A after an edit on B, or an edit that took the field back to the value last synced.
   *
   * @param value the field's value on A (the checker compared both sides before)
   * @param resyncSteps the steps at which an admin resynced A
   */
  Optional<String> lostChange(String onA, String onB, String field, JsonNode value,
      List<Integer> resyncSteps) {
    List<Edit> mine = edits.stream().filter(e -> e.field().equals(field)
        && e.ofPair(onA, onB)).toList();
    if (mine.isEmpty()) {
      return Optional.empty();
    }
    Edit last = mine.get(mine.size() - 1);
    if (value.equals(last.value()) || last.backToSynced()
        || !last.sideA() && resyncSteps.stream().anyMatch(at -> at >= last.step())) {
      return Optional.empty();
    }
    boolean newerCrossed = mine.stream().anyMatch(w -> w.sideA() != last.sideA()
        && w.value().equals(value) && (w.at() > last.at() || w.at() == last.at() && w.sideA()));
    if (newerCrossed) {
      return Optional.empty();
    }
    return Optional.of("a person's change was lost: the last edit of " + field + " of " + onA
        + "/" + onB + " set " + last.value() + " on " + (last.sideA() ? "A" : "B") + " at "
        + last.at() + " (step " + last.step() + "), both sides have " + value);
  }
}
