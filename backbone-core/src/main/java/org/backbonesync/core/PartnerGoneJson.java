package org.backbonesync.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Set;
import org.backbonesync.core.internal.Shown;

/**
 * A connector's {@code onPartnerGone} in the configuration's JSON form: {@code {"action":
 * "leave"}}, {@code {"action": "delete"}} or {@code {"action": "mark", "label": "...",
 * "comment": "..."}} (label and comment optional, with {@link PartnerGone#mark()}'s defaults).
 */
final class PartnerGoneJson {
  private static final Set<String> KNOWN = Set.of("action", "label", "comment");

  private PartnerGoneJson() {}

  /**
   * Reads the setting at {@code at}; null (reported to {@code p} by path and message)
   * when it is not one, or when absent (the connector's default).
   */
  static PartnerGone read(String at, JsonNode node, ConfigurationJsonReader.Problems p) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      p.add(at, "must be an object, was " + Shown.quoted(node.toString()));
      return null;
    }
    p.unknown(at, node, KNOWN);
    PartnerGone.Action chosen = action(at + ".action", node.get("action"), p);
    if (chosen == null) {
      return null;
    }
    if (chosen != PartnerGone.Action.MARK) {
      for (String only : new String[] {"label", "comment"}) {
        if (node.has(only)) {
          p.add(at + "." + only, "only for \"action\": \"mark\"");
        }
      }
      return new PartnerGone(chosen, null, null); // (the reader drops it with any problem)
    }
    String label = text(at + ".label", node.get("label"), PartnerGone.DEFAULT_LABEL, p);
    String comment =
        text(at + ".comment", node.get("comment"), PartnerGone.DEFAULT_COMMENT, p);
    if (label == null || comment == null) {
      return null;
    }
    try {
      return new PartnerGone(chosen, label, comment);
    } catch (IllegalArgumentException e) {
      p.add(at + ".label", e.getMessage());
      return null;
    }
  }

  /** The action named, or null (reported to {@code p}) when none is. */
  private static PartnerGone.Action action(String path, JsonNode action,
      ConfigurationJsonReader.Problems p) {
    if (action == null || !action.isTextual()) {
      p.add(path, action == null ? "missing"
          : "must be \"leave\", \"mark\" or \"delete\", was " + Shown.quoted(action.toString()));
      return null;
    }
    try {
      return PartnerGone.Action.valueOf(action.asText().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      p.add(path, "must be \"leave\", \"mark\" or \"delete\", was "
          + Shown.quoted(action.asText()));
      return null;
    }
  }

  private static String text(String path, JsonNode value, String fallback,
      ConfigurationJsonReader.Problems p) {
    if (value == null) {
      return fallback;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      p.add(path, "must be a non-blank string, was " + Shown.quoted(value.toString()));
      return null;
    }
    return value.asText();
  }

  /** Writes the setting into the connector's node, unless it is the default. */
  static void write(ObjectNode connector, PartnerGone gone) {
    if (gone.action() == PartnerGone.Action.LEAVE) {
      return;
    }
    ObjectNode node = connector.putObject("onPartnerGone");
    node.put("action", gone.action().name().toLowerCase(Locale.ROOT));
    if (gone.action() == PartnerGone.Action.MARK) {
      node.put("label", gone.label());
      node.put("comment", gone.comment());
    }
  }
}
