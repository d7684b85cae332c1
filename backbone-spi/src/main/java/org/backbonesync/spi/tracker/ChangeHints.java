package org.backbonesync.spi.tracker;

import java.util.Collection;

/**
 * Where a tracker's events (Jira's webhooks) tell a connector that issues may have changed. A
 * hint carries no values: the connector reads the named issues and their changelogs through its
 * tracker soon after, with the scope and echo rules of its poll, and the periodic poll still
 * finds whatever a lost hint did not name. Hints for one issue that come in a burst are read
 * once. The engine provides one per local connector; it is thread-safe and never blocks on the
 * tracker.
 */
public interface ChangeHints {
  /**
   * Issues that may have changed, by key. Keys outside the connector's project are ignored.
   *
   * @param issueKeys issue keys, e.g. {@code PA-1}
   */
  void issuesChanged(Collection<String> issueKeys);

  /** Something changed that the event does not tie to an issue key: the next poll runs soon. */
  void somethingChanged();
}
