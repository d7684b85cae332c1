package org.backbonesync.spi.message;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Map;
import org.backbonesync.spi.internal.BeyondDoubleAsDecimal;
import org.backbonesync.spi.internal.ParserPlace;

/**
 * A message's numbers within a double's range, or the message refused. A number with a fraction
 * or an exponent is read as the nearest double (Jira's number fields hold doubles, so that is
 * what either side's Jira has); one a double cannot hold, because it is larger than {@link
 * Double#MAX_VALUE} ({@code 1e400}, read as an infinity, which is encoded on as the text {@code
 * "Infinity"}) or not zero but smaller than the smallest double ({@code 1e-400}, read as 0), is
 * refused at its path as written rather than handed to a field mapping as something else. Whole
 * numbers are kept as written, past a long too.
 */
final class DoubleRange {
  private DoubleRange() {}

  /**
   * Refuses the message when a number in it is beyond a double's range: an infinity (a tree
   * read with doubles), or a decimal a double does not hold (as {@link Parser} gives them).
   *
   * @param path the message's path, {@code $} or its place in a larger document
   * @throws MessageFormatException naming the first such number's path and value
   */
  static void check(JsonNode message, String path, String messageId) {
    String at = beyond(message, new StringBuilder(path));
    if (at != null) {
      throw new MessageFormatException("malformed message " + messageId + " at " + at, null);
    }
  }

  /** The path of the first number beyond range with what is wrong with it, or null. */
  private static String beyond(JsonNode node, StringBuilder path) {
    if (node.isNumber() && !holds(node)) {
      return path + ": must be a number within a double's range (Jira's number fields hold"
          + " doubles), was " + StrictJson.shown(node, 80);
    }
    int length = path.length();
    if (node.isObject()) {
      for (var members = node.fields(); members.hasNext(); path.setLength(length)) {
        Map.Entry<String, JsonNode> member = members.next();
        String beyond = beyond(member.getValue(), name(path, member.getKey()));
        if (beyond != null) {
          return beyond;
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++, path.setLength(length)) {
        String beyond = beyond(node.get(i), path.append('[').append(i).append(']'));
        if (beyond != null) {
          return beyond;
        }
      }
    }
    return null;
  }

  private static StringBuilder name(StringBuilder path, String name) {
    return path.append(ParserPlace.member(name));
  }

  /** Whether a double holds the number: finite, and zero only when it is zero. */
  private static boolean holds(JsonNode number) {
    if (!number.isFloatingPointNumber()) {
      return true;
    }
    if (!number.isBigDecimal()) {
      return Double.isFinite(number.doubleValue());
    }
    BigDecimal decimal = number.decimalValue();
    double d = decimal.doubleValue();
    return Double.isFinite(d) && (d != 0 || decimal.signum() == 0);
  }

  /**
   * A parser that gives a number a double does not hold as the decimal written, so that {@link
   * #check} names it as written, and remembers having seen one; every other number as its mapper
   * gives it. A number no decimal holds either ({@code 1e2147483648}) is refused as JSON.
   */
  static final class Parser extends BeyondDoubleAsDecimal {
    private boolean kept;

    Parser(JsonParser parser) {
      super(parser);
    }

    /** Whether a number was given as a decimal: the message is then to be refused. */
    boolean kept() {
      return kept;
    }

    @Override
    protected void sawBeyondDouble() {
      kept = true;
    }
  }
}
