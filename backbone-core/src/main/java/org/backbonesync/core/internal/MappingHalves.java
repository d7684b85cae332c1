package org.backbonesync.core.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.backbonesync.core.ConfigurationException;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.MappingSide;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.tracker.FieldSchema;

/**
 * The halves a provider makes for one side of a field mapping, as the engine takes them when it
 * is built: refused, at the mapping's {@code type}, when making one throws or returns null, when
 * a half names its fields as null, or when an outgoing half reads a field its project lacks
 * ({@link SourceFields}). Made so by the engine's connectors and by the testkit's {@code
 * FieldMappingTester} (this package is exported to the testkit for it), in the same words. Not
 * API.
 */
public final class MappingHalves {
  private MappingHalves() {}

  /**
   * The definition a side's halves are made from: its field and that field's schema (when the
   * project lists it), the partner's field, the settings.
   *
   * @param schemas the side's project's fields by id (empty when unknown)
   */
  public static MappingDefinition definition(FieldMapping m, MappingSide side,
      Map<String, FieldSchema> schemas) {
    String local = side == MappingSide.A ? m.fieldA() : m.fieldB();
    String remote = side == MappingSide.A ? m.fieldB() : m.fieldA();
    return new MappingDefinition(m.id(), side, local, remote,
        local == null ? null : schemas.get(local), m.settings());
  }

  /**
   * The outgoing half, checked: it names the fields it reads, and the project has them.
   *
   * @param index the mapping's index in the configuration's list, for the problem's path
   * @param projectKey the side's project, whose fields {@code schemas} are
   * @throws ConfigurationException naming the mapping, the provider's class and what is wrong
   */
  public static OutgoingFieldMapping outgoing(FieldMapping m, int index,
      FieldMappingProvider provider, MappingDefinition definition, String projectKey,
      Map<String, FieldSchema> schemas) {
    OutgoingFieldMapping outgoing =
        made(() -> provider.outgoing(definition), "outgoing", m, index, provider);
    Set<String> read = outgoing.sourceFields();
    if (read == null) {
      throw madeWrong(m, index, provider, "an outgoing mapping for " + m.id() + " whose"
          + " sourceFields() returned null; it must return the fields the mapping reads");
    }
    String problem = SourceFields.problem(read, projectKey, schemas);
    if (problem != null) {
      throw madeWrong(m, index, provider,
          "an outgoing mapping for " + m.id() + " that " + problem);
    }
    return outgoing;
  }

  /**
   * The incoming half, checked: it names the fields it writes.
   *
   * @param index the mapping's index in the configuration's list, for the problem's path
   * @throws ConfigurationException naming the mapping, the provider's class and what is wrong
   */
  public static IncomingFieldMapping incoming(FieldMapping m, int index,
      FieldMappingProvider provider, MappingDefinition definition) {
    IncomingFieldMapping incoming =
        made(() -> provider.incoming(definition), "incoming", m, index, provider);
    if (incoming.targetFields() == null) {
      throw madeWrong(m, index, provider, "an incoming mapping for " + m.id() + " whose"
          + " targetFields() returned null; it must return the fields the mapping writes");
    }
    return incoming;
  }

  /**
   * A half a provider makes: refused when null or when making it throws (a provider's bug, told
   * at the mapping as {@code validate}'s is), at once, naming the mapping and the class.
   */
  private static <T> T made(Supplier<T> making, String which, FieldMapping m, int index,
      FieldMappingProvider provider) {
    String none = "no " + which + " mapping for " + m.id() + ": its " + which
        + "(MappingDefinition) ";
    T half;
    try {
      half = making.get();
    } catch (RuntimeException e) {
      throw madeWrong(m, index, provider, none + "threw " + e);
    }
    if (half == null) {
      throw madeWrong(m, index, provider, none + "returned null");
    }
    return half;
  }

  /** The refusal of what a provider made for a mapping, at the mapping's type. */
  private static ConfigurationException madeWrong(FieldMapping m, int index,
      FieldMappingProvider provider, String what) {
    return new ConfigurationException(List.of(new ConfigurationProblem(
        "$.fieldMappings[" + index + "].type",
        MappingResults.madeWrong(m.type(), provider, what))));
  }
}
