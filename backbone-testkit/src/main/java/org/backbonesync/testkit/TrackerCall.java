package org.backbonesync.testkit;

/**
 * One call an {@link InMemoryIssueTracker} received, for tests that assert what a sync cost.
 *
 * @param operation the {@link org.backbonesync.spi.tracker.IssueTracker} method's name
 * @param issueKey the issue it concerned, or null
 * @param user the user the call acted as
 */
public record TrackerCall(String operation, String issueKey, String user) {}
