package org.backbonesync.core.internal;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.backbonesync.spi.tracker.ChangeHints;

/**
 * The change hints of one connector not acted on yet: the issue keys named (each once, however
 * often it was named) and whether a poll is wanted. Bounded: past {@link #MAX_KEYS} keys, the
 * keys give way to one poll, which finds them all. Each hint wakes the engine (which coalesces).
 * An issue a hinted read left because the connector's apply held its pair waits here until an
 * apply of the connector ends ({@link #applyEnded}), then is read again: the next poll may be
 * far off where webhooks bring the changes (helper-153).
 */
final class HintedIssues implements ChangeHints {
  /** Most keys kept; a burst beyond it costs one poll instead of a search per page of keys. */
  static final int MAX_KEYS = 10_000;

  /** What {@link #take} hands over: the keys to read, or a poll. */
  record Taken(List<String> keys, boolean poll) {
    boolean nothing() {
      return keys.isEmpty() && !poll;
    }
  }

  private final Predicate<String> inProject;
  private final Runnable wake;
  private final Set<String> keys = new LinkedHashSet<>();
  private boolean poll;
  /** Keys a hinted read left while an apply held their pairs, read again when one ends. */
  private final Set<String> waiting = new LinkedHashSet<>();
  /** How many applies of the connector have ended, to tell whether one ended during a read. */
  private long appliesEnded;

  /**
   * @param inProject whether a key is of the connector's project; keys of others are ignored
   * @param wake called after each hint, outside this object's lock
   */
  HintedIssues(Predicate<String> inProject, Runnable wake) {
    this.inProject = inProject;
    this.wake = wake;
  }

  @Override
  public void issuesChanged(Collection<String> issueKeys) {
    Arguments.required("issueKeys", issueKeys);
    synchronized (this) {
      add(issueKeys);
    }
    wake.run();
  }

  private void add(Collection<String> issueKeys) {
    for (String key : issueKeys) {
      if (poll) {
        break;
      }
      if (key != null && inProject.test(key)) {
        keys.add(key);
        if (keys.size() > MAX_KEYS) {
          keys.clear();
          poll = true;
        }
      }
    }
  }

  /** The applies ended so far: a hinted read takes it before it claims ({@link #leftBusy}). */
  synchronized long appliesEnded() {
    return appliesEnded;
  }

  /**
   * Issues a hinted read left because an apply held their pairs: read again when an apply of
   * the connector ends, or at once when one ended since the read began (it may have let them
   * go before they were put here). An apply of another node ends unseen: the next poll reads
   * them, as it reads every issue left.
   *
   * @param endedBefore {@link #appliesEnded()} as the read began
   */
  void leftBusy(List<String> issueKeys, long endedBefore) {
    if (issueKeys.isEmpty()) {
      return;
    }
    synchronized (this) {
      if (appliesEnded == endedBefore) {
        waiting.addAll(issueKeys);
        if (waiting.size() <= MAX_KEYS) {
          return;
        }
        waiting.clear(); // (as many: the poll reads them all)
        keys.clear();
        poll = true;
      } else {
        add(issueKeys);
      }
    }
    wake.run();
  }

  /** An apply of the connector ended: the issues left while it held their pairs are read. */
  void applyEnded() {
    synchronized (this) {
      appliesEnded++;
      if (waiting.isEmpty()) {
        return;
      }
      add(waiting);
      waiting.clear();
    }
    wake.run();
  }

  @Override
  public void somethingChanged() {
    synchronized (this) {
      keys.clear();
      poll = true;
    }
    wake.run();
  }

  /** The hints so far, which are forgotten here. */
  synchronized Taken take() {
    Taken taken = new Taken(List.copyOf(keys), poll);
    keys.clear();
    poll = false;
    return taken;
  }
}
