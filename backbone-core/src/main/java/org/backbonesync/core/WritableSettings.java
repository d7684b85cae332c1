package org.backbonesync.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.spi.message.StrictJson;

/**
 * Refuses values in a mapping's settings that, written out as JSON, no reader of ours takes back:
 * a number JSON cannot hold (NaN and the infinities given in Java, and a number beyond a
 * double's range, 1E+400 in a file or a BigDecimal or BigInteger in Java, which a mapping
 * reading it as a double takes for infinity; and one not zero but too small for a double,
 * 1E-400, which it takes for 0), and what is past {@link StrictJson}'s limits (a
 * number of more than {@value StrictJson#MAX_NUMBER_LENGTH} digits, a text of more than {@value
 * StrictJson#MAX_STRING_LENGTH} characters, nesting deeper than {@value
 * StrictJson#MAX_NESTING_DEPTH} levels in the configuration). A file never holds those past the
 * limits (it is refused when read); a configuration built in Java could, and was then written
 * by an admin or a partner engine as text that every reader refused.
 */
final class WritableSettings {
  /** How deep a mapping's settings object is in a configuration: root, list, mapping, settings. */
  private static final int SETTINGS_DEPTH = 4;

  private WritableSettings() {}

  /** Adds a problem for each such value in {@code settings}, at its path under {@code path}. */
  static void check(String path, JsonNode settings, List<ConfigurationProblem> problems) {
    check(path, settings, SETTINGS_DEPTH, problems);
  }

  private static void check(String path, JsonNode node, int depth,
      List<ConfigurationProblem> problems) {
    if (node.isNumber()) {
      checkNumber(path, node, problems);
    } else if (node.isTextual() && node.textValue().length() > StrictJson.MAX_STRING_LENGTH) {
      problems.add(new ConfigurationProblem(path, "must be at most " + StrictJson.MAX_STRING_LENGTH
          + " characters (the most a reader takes), was " + node.textValue().length()));
    } else if (node.isContainerNode() && depth > StrictJson.MAX_NESTING_DEPTH) {
      problems.add(new ConfigurationProblem(path, "must be nested at most "
          + StrictJson.MAX_NESTING_DEPTH + " levels in the configuration (the most a reader"
          + " takes), was deeper"));
    } else if (node.isObject()) {
      node.fields().forEachRemaining(e -> check(
          path + ConfigurationJsonReader.member(e.getKey()), e.getValue(), depth + 1, problems));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        check(path + "[" + i + "]", node.get(i), depth + 1, problems);
      }
    }
  }

  private static void checkNumber(String path, JsonNode node, List<ConfigurationProblem> problems) {
    String text = node.asText();
    if (!Double.isFinite(node.doubleValue())) {
      problems.add(new ConfigurationProblem(path, "must be a number within a double's range"
          + " (JSON has no NaN or Infinity), was " + Shown.text(text, 80)));
    } else if (FieldMapping.belowDouble(node)) {
      problems.add(new ConfigurationProblem(path, "must be a number within a double's range"
          + " (one this small reads as 0), was " + Shown.text(text, 80)));
    } else if (node.isIntegralNumber()
        && text.length() - (text.startsWith("-") ? 1 : 0) > StrictJson.MAX_NUMBER_LENGTH) {
      problems.add(new ConfigurationProblem(path, "must be at most "
          + StrictJson.MAX_NUMBER_LENGTH + " digits (the most a reader takes), was "
          + (text.length() - (text.startsWith("-") ? 1 : 0)) + ": " + Shown.text(text, 80)));
    }
  }
}
