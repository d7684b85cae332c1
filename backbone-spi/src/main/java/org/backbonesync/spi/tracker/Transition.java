package org.backbonesync.spi.tracker;

import java.util.Set;

/**
 * A workflow transition available on an issue.
 *
 * @param id the transition id to pass to {@link IssueTracker#transition}
 * @param name its display name
 * @param toStatus the status the issue is in afterwards
 * @param requiredFields the fields its screen requires (e.g. {@code resolution})
 */
public record Transition(String id, String name, String toStatus, Set<String> requiredFields) {
  public Transition {
    requiredFields = requiredFields == null ? Set.of() : Set.copyOf(requiredFields);
  }

  /** A transition whose screen requires nothing. */
  public Transition(String id, String name, String toStatus) {
    this(id, name, toStatus, Set.of());
  }
}
