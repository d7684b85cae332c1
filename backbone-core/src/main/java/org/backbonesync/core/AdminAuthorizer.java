package org.backbonesync.core;

/**
 * Decides whether a caller may perform an admin operation, per request. The host supplies it: it
 * knows its users. Must be thread-safe.
 */
@FunctionalInterface
public interface AdminAuthorizer {

  /**
   * @param caller the caller as the host identified it
   * @param operation what they ask for
   * @param connectorKey the connector concerned, or null for operations on synchronizations and
   *     tasks
   */
  boolean allows(String caller, AdminOperation operation, String connectorKey);

  /** Lets every caller do everything; for tests and single-user tools only. */
  static AdminAuthorizer allowAll() {
    return (caller, operation, connectorKey) -> true;
  }
}
