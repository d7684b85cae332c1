package org.backbonesync.core.internal;

/**
 * The kinds of work engine nodes lease from each other, so that one node does each at a time:
 * a connector's poll, its delivery, each issue pair of its inbox, and each task being run. The stores see the scope's
 * name; a typo in a bare string would silently lease nothing in common.
 *
 * @param name the scope's name in the {@code LeaseStore}
 */
record LeaseScope(String name) {
  /** A connector's change detection; keyed by connector. */
  static final LeaseScope POLL = new LeaseScope("poll");
  /** A connector's delivery of its outbox; keyed by connector. */
  static final LeaseScope DELIVER = new LeaseScope("deliver");
  /** An asynchronous task being run (a resync); keyed by task id. */
  static final LeaseScope TASK = new LeaseScope("task");

  /** The issue pairs of a connector's inbox being applied; keyed by the partner's issue. */
  static LeaseScope inbox(String connectorKey) {
    return new LeaseScope("inbox:" + connectorKey);
  }
}
