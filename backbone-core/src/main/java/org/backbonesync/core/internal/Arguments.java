package org.backbonesync.core.internal;

/**
 * The checks of the arguments of {@link org.backbonesync.core.SyncEngine}'s methods: a refusal
 * is an {@link IllegalArgumentException} in the words {@code SyncAdmin} answers a 400 with.
 */
final class Arguments {
  /** What {@link #required} says of a null. */
  static final String REQUIRED = "is required, was null";

  private Arguments() {}

  /** A value the call needs: null is refused naming it ({@code request is required, was null}). */
  static <T> T required(String where, T value) {
    if (value == null) {
      throw new IllegalArgumentException(where + " " + REQUIRED);
    }
    return value;
  }
}
