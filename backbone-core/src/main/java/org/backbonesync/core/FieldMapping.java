package org.backbonesync.core;

import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;

/**
 * One configured field relationship between connector A and connector B, identified by a stable
 * id that the messages carry.
 *
 * <p>For each direction it syncs, it names the outgoing mapping that exports the value on the
 * sending side and the incoming mapping that imports it on the receiving side. The mappings of a
 * direction it does not sync are null.
 *
 * @param id the stable id (usually a UUID string); messages carry values under it
 * @param displayName a name for people, e.g. {@code Summary}
 * @param direction which way it syncs
 * @param outgoingA exports from A's issues, when {@code direction.fromA()}
 * @param incomingB imports into B's issues, when {@code direction.fromA()}
 * @param outgoingB exports from B's issues, when {@code direction.fromB()}
 * @param incomingA imports into A's issues, when {@code direction.fromB()}
 */
public record FieldMapping(
    String id,
    String displayName,
    Direction direction,
    OutgoingFieldMapping outgoingA,
    IncomingFieldMapping incomingB,
    OutgoingFieldMapping outgoingB,
    IncomingFieldMapping incomingA) {

  public FieldMapping {
    Checks.notBlank("id", id);
    Checks.notBlank("displayName", displayName);
    Checks.notNull("direction", direction);
    if (direction.fromA()) {
      Checks.notNull("outgoingA (field mapping " + id + ", " + direction + ")", outgoingA);
      Checks.notNull("incomingB (field mapping " + id + ", " + direction + ")", incomingB);
    } else {
      outgoingA = null;
      incomingB = null;
    }
    if (direction.fromB()) {
      Checks.notNull("outgoingB (field mapping " + id + ", " + direction + ")", outgoingB);
      Checks.notNull("incomingA (field mapping " + id + ", " + direction + ")", incomingA);
    } else {
      outgoingB = null;
      incomingA = null;
    }
  }

  /** Syncs a field with the same id on both sides, value unchanged. */
  public static FieldMapping passthrough(String id, String field, Direction direction) {
    return passthrough(id, field, field, direction);
  }

  /**
   * Syncs field {@code fieldA} of A's issues with field {@code fieldB} of B's issues, value
   * unchanged (both must hold the same kind of value).
   */
  public static FieldMapping passthrough(
      String id, String fieldA, String fieldB, Direction direction) {
    Passthrough a = new Passthrough(Checks.notBlank("fieldA", fieldA));
    Passthrough b = new Passthrough(Checks.notBlank("fieldB", fieldB));
    String name = fieldA.equals(fieldB) ? fieldA : fieldA + " / " + fieldB;
    return new FieldMapping(id, name, direction, a, b, b, a);
  }

  /** Whether changes flow out of the given side (true: A, false: B). */
  boolean syncsFrom(boolean sideA) {
    return sideA ? direction.fromA() : direction.fromB();
  }
}
