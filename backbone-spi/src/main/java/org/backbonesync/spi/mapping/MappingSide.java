package org.backbonesync.spi.mapping;

/**
 * A side of a synchronization. Settings that name values per side (a correlation table's columns)
 * use {@code a} and {@code b}; a mapping learns from {@link MappingDefinition#side()} which one is
 * local.
 */
public enum MappingSide {
  /** Connector A's side. */
  A,
  /** Connector B's side. */
  B;

  /** The other side. */
  public MappingSide other() {
    return this == A ? B : A;
  }

  /** The name settings use for this side: {@code a} or {@code b}. */
  public String key() {
    return this == A ? "a" : "b";
  }
}
