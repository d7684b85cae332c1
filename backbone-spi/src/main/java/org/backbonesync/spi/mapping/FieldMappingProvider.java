package org.backbonesync.spi.mapping;

import org.backbonesync.spi.tracker.FieldSchema;

/**
 * A mapping type: makes the outgoing and incoming field mappings of every configured field
 * mapping of its type. Configurations name it by {@link #type()}.
 *
 * <p>Custom providers are found on the classpath with {@link java.util.ServiceLoader} (list the
 * class in {@code META-INF/services/org.backbonesync.spi.mapping.FieldMappingProvider}) or
 * registered explicitly. A provider needs a public no-argument constructor, must be stateless and
 * thread-safe, and gets everything else from the {@link MappingDefinition} and the {@link
 * MappingContext}.
 */
public interface FieldMappingProvider {

  /** The type identifier configurations use, e.g. {@code correlation} or {@code acme.risk}. */
  String type();

  /** A name for people. */
  String displayName();

  /** Whether the type can sync both ways; a one-way type refuses direction {@code BOTH}. */
  default boolean twoWay() {
    return true;
  }

  /** Whether the type reads a field on the sending side (a constant does not). */
  default boolean needsSourceField() {
    return true;
  }

  /** Whether the type can read this field on the sending side. */
  default boolean supportsSource(FieldSchema field) {
    return true;
  }

  /** Whether the type can write this field on the receiving side. */
  default boolean supportsTarget(FieldSchema field) {
    return true;
  }

  /**
   * Checks the settings of one field mapping, reporting every problem. Schemas are given when
   * the trackers are known (an engine being built), else null (a configuration being read).
   */
  default void validate(MappingCheck check, ProblemReporter problems) {}

  /** The outgoing mapping reading {@code definition.localField()} on its side. */
  OutgoingFieldMapping outgoing(MappingDefinition definition);

  /** The incoming mapping writing {@code definition.localField()} on its side. */
  IncomingFieldMapping incoming(MappingDefinition definition);
}
