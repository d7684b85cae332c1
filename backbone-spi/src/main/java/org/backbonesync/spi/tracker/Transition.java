package org.backbonesync.spi.tracker;

/**
 * A workflow transition available on an issue.
 *
 * @param id the transition id to pass to {@link IssueTracker#transition}
 * @param name its display name
 * @param toStatus the status the issue is in afterwards
 */
public record Transition(String id, String name, String toStatus) {}
