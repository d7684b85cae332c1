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
