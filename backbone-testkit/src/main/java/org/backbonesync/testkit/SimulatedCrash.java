package org.backbonesync.testkit;

/**
 * Thrown by a test (from an {@link InMemoryIssueTracker.Interceptor}, say) to simulate the process
 * dying at that point. It is an {@link Error}, so the engine does not handle it: uncommitted store
 * writes roll back and the step ends, as on a real crash. Follow it with {@link
 * SyncTestDriver#restart()}.
 */
public final class SimulatedCrash extends Error {
  private static final long serialVersionUID = 1L;

  /** A crash at the named point. */
  public SimulatedCrash(String where) {
    super("simulated crash " + where);
  }
}
