package org.backbonesync.jira.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A nested ADF document built from a list of choices (0 once they run out), for property tests:
 * every block and mark of the mapping, nodes that are only reduced to text, and text made of
 * the characters that are markup in wiki.
 */
final class RandomDocument {
  /** Pieces of text that are, or are nearly, wiki markup. */
  static final List<String> FRAGMENTS = List.of("a", "b", "word", "1", "é", " ", "  ", "\n",
      "\n\n", "*", "_", "+", "-", "~", "^", "{", "}", "[", "]", "|", "||", "\\", "\\\\",
      "&#92;", "&", "#", "!", ".", ":", "h1. ", "bq. ", "* ", "# ", "** ", "----", "{code}",
      "{code:java}", "{noformat}", "{quote}", "{info}", "{tip}", "{panel:title=x}",
      "{panel:bgColor=#ffebe6}", "{panel}", "{color:red}", "{color:#00875a}", "{color}", "{{",
      "}}", "{*}", "{_}", "[~accountid:abc]", "[x|http://e.com]", "http://e.com",
      "[http://e.com]", "*[DONE]*", "|a|b|", "||h||");
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final List<Integer> choices;
  private int next;

  RandomDocument(List<Integer> choices) {
    this.choices = choices;
  }

  private int choose(int bound) {
    return next < choices.size() ? choices.get(next++) % bound : 0;
  }

  ObjectNode doc() {
    ObjectNode doc = JSON.objectNode().put("type", "doc").put("version", 1);
    ArrayNode content = doc.putArray("content");
    int n = choose(8);
    for (int i = 0; i < n; i++) {
      content.add(block(0));
    }
    return doc;
  }

  private String text(int max) {
    StringBuilder b = new StringBuilder();
    int n = 1 + choose(max);
    for (int i = 0; i < n; i++) {
      b.append(FRAGMENTS.get(choose(FRAGMENTS.size())));
    }
    return b.toString();
  }

  private ArrayNode marks() {
    ArrayNode marks = JSON.arrayNode();
    int n = choose(4);
    for (int i = 0; i < n; i++) {
      ObjectNode m = marks.addObject();
      switch (choose(12)) {
        case 0 -> m.put("type", "strong");
        case 1 -> m.put("type", "em");
        case 2 -> m.put("type", "underline");
        case 3 -> m.put("type", "strike");
        case 4 -> m.put("type", "code");
        case 5 -> m.put("type", "subsup").putObject("attrs").put("type", "sub");
        case 6 -> m.put("type", "subsup").putObject("attrs").put("type", "sup");
        case 7 -> m.put("type", "textColor").putObject("attrs").put("color", "#FF0000");
        case 8 -> m.put("type", "textColor").putObject("attrs").put("color", "#00875a");
        case 9 -> m.put("type", "link").putObject("attrs").put("href", "http://e.com");
        case 10 -> m.put("type", "link").putObject("attrs").put("href", "http://e.com/" + text(2));
        default -> m.put("type", "border"); // not kept
      }
    }
    return marks;
  }

  private ArrayNode inline() {
    ArrayNode content = JSON.arrayNode();
    int n = choose(7);
    for (int i = 0; i < n; i++) {
      switch (choose(14)) {
        case 0, 1, 2, 3, 4, 5 -> {
          ObjectNode t = content.addObject().put("type", "text").put("text", text(4));
          ArrayNode marks = marks();
          if (!marks.isEmpty()) {
            t.set("marks", marks);
          }
        }
        case 6 -> content.addObject().put("type", "hardBreak");
        case 7 -> content.addObject().put("type", "mention").putObject("attrs")
            .put("id", choose(2) == 0 ? "557058:abc" : text(2)).put("text", "@Someone");
        case 8 -> content.addObject().put("type", "status").putObject("attrs")
            .put("text", choose(2) == 0 ? "DONE" : text(2))
            .put("color", List.of("neutral", "green", "red", "pink").get(choose(4)));
        case 9 -> content.addObject().put("type", "emoji").putObject("attrs")
            .put("shortName", ":smile:").put("text", "😄");
        case 10 -> content.addObject().put("type", "inlineCard").putObject("attrs")
            .put("url", "https://e.com/" + text(1));
        case 11 -> content.addObject().put("type", "date").putObject("attrs")
            .put("timestamp", "1700000000000");
        case 12 -> content.addObject().put("type", "placeholder").putObject("attrs")
            .put("text", text(2));
        default -> content.addObject().put("type", "unknownInline");
      }
    }
    return content;
  }

  private ArrayNode blocks(int depth, int max) {
    ArrayNode content = JSON.arrayNode();
    int n = choose(max);
    for (int i = 0; i < n; i++) {
      content.add(block(depth + 1));
    }
    return content;
  }

  private ObjectNode block(int depth) {
    ObjectNode b = JSON.objectNode();
    switch (choose(depth > 4 ? 4 : 16)) {
      case 0, 1, 2 -> b.put("type", "paragraph").set("content", inline());
      case 3 -> {
        b.put("type", "heading").putObject("attrs").put("level", choose(8));
        b.set("content", inline());
      }
      case 4, 5 -> {
        b.put("type", choose(2) == 0 ? "bulletList" : "orderedList");
        ArrayNode items = b.putArray("content");
        int n = 1 + choose(3);
        for (int i = 0; i < n; i++) {
          items.addObject().put("type", "listItem").set("content", blocks(depth, 4));
        }
      }
      case 6 -> {
        b.put("type", "codeBlock");
        if (choose(2) == 0) {
          b.putObject("attrs").put("language", choose(2) == 0 ? "java" : text(1));
        }
        b.putArray("content").addObject().put("type", "text").put("text", text(12));
      }
      case 7 -> b.put("type", "blockquote").set("content", blocks(depth, 3));
      case 8 -> {
        b.put("type", "panel").putObject("attrs").put("panelType",
            List.of("info", "note", "warning", "success", "error", "custom").get(choose(6)));
        b.set("content", blocks(depth, 3));
      }
      case 9 -> {
        b.put("type", "table");
        ArrayNode rows = b.putArray("content");
        int n = choose(4);
        for (int i = 0; i < n; i++) {
          ArrayNode cells = rows.addObject().put("type", "tableRow").putArray("content");
          int m = choose(4);
          for (int j = 0; j < m; j++) {
            cells.addObject().put("type", choose(2) == 0 ? "tableHeader" : "tableCell")
                .set("content", blocks(depth, 3));
          }
        }
      }
      case 10 -> b.put("type", "rule");
      case 11 -> {
        b.put("type", "expand").putObject("attrs").put("title", text(2));
        b.set("content", blocks(depth, 3));
      }
      case 12 -> {
        b.put("type", "mediaSingle").putArray("content").addObject().put("type", "media")
            .putObject("attrs").put("id", "abc-123").put("alt", "screen.png");
      }
      case 13 -> {
        b.put("type", "taskList");
        ArrayNode items = b.putArray("content");
        items.addObject().put("type", "taskItem").putObject("attrs")
            .put("state", choose(2) == 0 ? "DONE" : "TODO");
        ((ObjectNode) items.get(0)).set("content", inline());
      }
      case 14 -> b.put("type", "layoutSection").set("content", blocks(depth, 3));
      default -> b.put("type", "extension").putObject("attrs").put("text", text(2));
    }
    return b;
  }
}
