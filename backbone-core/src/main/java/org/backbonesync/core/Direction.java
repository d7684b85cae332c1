package org.backbonesync.core;

/** Which way a field mapping syncs between connector A and connector B. */
public enum Direction {
  /** Changes on A's side go to B. */
  A_TO_B,
  /** Changes on B's side go to A. */
  B_TO_A,
  /** Changes on either side go to the other. */
  BOTH;

  /** Whether changes flow out of connector A. */
  public boolean fromA() {
    return this != B_TO_A;
  }

  /** Whether changes flow out of connector B. */
  public boolean fromB() {
    return this != A_TO_B;
  }
}
