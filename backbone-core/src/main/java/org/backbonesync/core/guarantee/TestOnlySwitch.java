package org.backbonesync.core.guarantee;

/**
 * A guarantee the engine can be told to drop, for the fault simulation to show that its checker
 * notices. Never use one outside such a test: each breaks the engine on purpose.
 */
public enum TestOnlySwitch {
  /** Send back changes written by the sync user, and values the partner has already. */
  NO_ECHO_SUPPRESSION,
  /** Apply a message whose sequence id was applied already. */
  NO_DUPLICATE_CHECK,
  /** Create the issue again after a crash between the create and its record. */
  NO_PENDING_CREATE,
  /** Let the older of two concurrent changes win instead of the newer. */
  OLDEST_WINS
}
