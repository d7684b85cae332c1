package org.backbonesync.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;

/**
 * One configured field relationship between connector A and connector B, as data: a stable id
 * that messages carry values under, a mapping type (a {@link
 * org.backbonesync.spi.mapping.FieldMappingProvider#type()}), a direction, the field on each side
 * and the type's settings.
 *
 * @param id the stable id, usually a UUID string; a configuration refuses a blank one, one
 *     longer than 255 characters or one with control characters, at its path
 * @param name a name for people, or null (the fields are shown instead)
 * @param type the mapping type, e.g. {@code passthrough} or {@code correlation}
 * @param direction which way it syncs
 * @param fieldA the field on A's side, or null when the type needs none there
 * @param fieldB the field on B's side, or null when the type needs none there
 * @param settings the type's settings, a JSON object (empty when none); a configuration refuses
 *     a number in it that JSON cannot hold (NaN, an infinity, one beyond a double's range), at
 *     its path
 * @param conflict how concurrent changes of a two-way mapping are settled (null: newest wins)
 */
public record FieldMapping(
    String id,
    String name,
    String type,
    Direction direction,
    String fieldA,
    String fieldB,
    JsonNode settings,
    ConflictRule conflict) {

  public FieldMapping {
    Checks.notNull("id", id); // (blank: refused by the configuration, at the mapping's path)
    Checks.notBlank("type (field mapping " + id + ")", type);
    Checks.notNull("direction (field mapping " + id + ")", direction);
    settings = settings == null ? JsonNodeFactory.instance.objectNode() : asRead(settings);
    conflict = conflict == null ? ConflictRule.NEWEST_WINS : conflict;
    if (!settings.isObject()) {
      throw new IllegalArgumentException(
          "settings of field mapping " + id + " must be a JSON object, was " + settings);
    }
  }

  /** Whether a number is a decimal, not zero, that a double holds only as 0 ({@code 1E-400}). */
  static boolean belowDouble(JsonNode number) {
    return number.isBigDecimal() && number.doubleValue() == 0
        && number.decimalValue().signum() != 0;
  }

  /**
   * A deep copy whose numbers have the node type that reading their JSON text gives (an {@code
   * int} an IntNode, a {@code long} a LongNode, a larger one a BigIntegerNode, any with a
   * fraction or exponent a DoubleNode): settings built in Java then equal the same settings read
   * from a file (an admin refused two engines of one synchronization as different when one had
   * {@code 10L} or {@code 0.5f} where the other read {@code 10} or {@code 0.5}), and a mapping
   * sees the same node types either way. A number JSON cannot hold (NaN, an infinity, one beyond
   * a double's range, larger or not zero but smaller) is kept as given: the configuration
   * refuses it at its path, naming it.
   */
  private static JsonNode asRead(JsonNode node) {
    if (node.isIntegralNumber()) {
      return node.canConvertToInt() ? IntNode.valueOf(node.intValue())
          : node.canConvertToLong() ? LongNode.valueOf(node.longValue())
          : BigIntegerNode.valueOf(node.bigIntegerValue());
    }
    if (node.isFloat()) { // (its text, "0.1", read as a double: not the float's 0.100000001...)
      return DoubleNode.valueOf(Double.parseDouble(Float.toString(node.floatValue())));
    }
    if (node.isBigDecimal()) { // (written as its toString: "100" reads as a whole number)
      String text = node.decimalValue().toString();
      return text.matches("-?[0-9]+") ? asRead(BigIntegerNode.valueOf(new BigInteger(text)))
          : Double.isFinite(node.doubleValue()) && !belowDouble(node)
          ? DoubleNode.valueOf(node.doubleValue())
          : node.deepCopy(); // (beyond a double's range: kept, for the refusal to name it)
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(e -> copy.set(e.getKey(), asRead(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> copy.add(asRead(element)));
      return copy;
    }
    return node.deepCopy();
  }

  /** The settings (a copy: the mapping stays immutable). */
  @Override
  public JsonNode settings() {
    return settings.deepCopy();
  }

  /** A field with the same id on both sides, copied as it is. */
  public static FieldMapping passthrough(String id, String field, Direction direction) {
    return passthrough(id, field, field, direction);
  }

  /** Field {@code fieldA} of A's issues and {@code fieldB} of B's, copied as they are. */
  public static FieldMapping passthrough(
      String id, String fieldA, String fieldB, Direction direction) {
    return new FieldMapping(id, null, "passthrough", direction, fieldA, fieldB, null, null);
  }

  /** A mapping of any type. */
  public static FieldMapping of(
      String id, String type, Direction direction, String fieldA, String fieldB,
      JsonNode settings) {
    return new FieldMapping(id, null, type, direction, fieldA, fieldB, settings, null);
  }

  /** A mapping of any type, with the given rule for concurrent changes. */
  public FieldMapping withConflict(ConflictRule rule) {
    return new FieldMapping(id, name, type, direction, fieldA, fieldB, settings, rule);
  }

  /** The name, or the fields when it has none. */
  public String displayName() {
    if (name != null) {
      return name;
    }
    if (fieldA != null && fieldA.equals(fieldB)) {
      return fieldA;
    }
    return (fieldA == null ? "-" : fieldA) + " / " + (fieldB == null ? "-" : fieldB);
  }

  /** The field on one side (true: A). */
  String field(boolean sideA) {
    return sideA ? fieldA : fieldB;
  }

  /** Whether changes flow out of the given side (true: A). */
  boolean syncsFrom(boolean sideA) {
    return sideA ? direction.fromA() : direction.fromB();
  }
}
