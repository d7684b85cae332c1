package org.backbonesync.jira.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Brings an ADF document to the canonical form that wiki markup can hold exactly: the node types
 * and marks of {@link Adf}'s table, only where ADF allows them, with adjacent text of the same
 * marks merged. Everything else is reduced to its text here, so that the writer and the reader
 * only ever see the canonical form; applying it twice changes nothing.
 */
final class AdfCanon {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final Set<String> INLINE = Set.of("text", "hardBreak", "mention", "emoji",
      "status", "date", "inlineCard", "mediaInline", "placeholder", "inlineExtension");

  /** Where blocks stand: ADF lets a quote or a panel hold fewer kinds than the document. */
  private enum Ctx { DOC, QUOTE, PANEL }

  private AdfCanon() {}

  static ObjectNode doc(JsonNode doc) {
    ObjectNode out = JSON.objectNode().put("type", "doc").put("version", 1);
    ArrayNode content = out.putArray("content");
    blocks(doc.path("content"), Ctx.DOC, 1).forEach(content::add);
    return out;
  }

  private static List<ObjectNode> blocks(JsonNode content, Ctx ctx, int depth) {
    List<ObjectNode> out = new ArrayList<>();
    ArrayNode pending = JSON.arrayNode();
    for (JsonNode node : content) {
      String type = node.path("type").asText();
      if (INLINE.contains(type)) {
        pending.add(node);
        continue;
      }
      paragraph(pending, depth, out);
      pending = JSON.arrayNode();
      if (depth > Adf.MAX_DEPTH) {
        paragraph(JSON.arrayNode().add(text(plainText(node))), depth, out);
        continue;
      }
      block(node, type, ctx, depth, out);
    }
    paragraph(pending, depth, out);
    return out;
  }

  private static void block(JsonNode node, String type, Ctx ctx, int depth, List<ObjectNode> out) {
    JsonNode content = node.path("content");
    switch (type) {
      case "paragraph" -> paragraph(content, depth, out);
      case "heading" -> {
        ArrayNode inline = inline(content, depth);
        if (ctx == Ctx.QUOTE) {
          paragraph(inline, depth, out);
        } else {
          ObjectNode h = JSON.objectNode().put("type", "heading");
          h.putObject("attrs").put("level",
              Math.max(1, Math.min(6, node.path("attrs").path("level").asInt(1))));
          h.set("content", inline);
          out.add(h);
        }
      }
      case "bulletList", "orderedList" -> {
        ObjectNode list = list(node, depth, 1);
        if (list != null) {
          out.add(list);
        }
      }
      case "codeBlock" -> out.add(codeBlock(node));
      case "blockquote" -> {
        if (ctx == Ctx.DOC) {
          out.add(container(JSON.objectNode().put("type", "blockquote"),
              blocks(content, Ctx.QUOTE, depth + 1)));
        } else {
          out.addAll(blocks(content, ctx, depth + 1));
        }
      }
      case "panel" -> {
        if (ctx == Ctx.DOC) {
          ObjectNode panel = JSON.objectNode().put("type", "panel");
          panel.putObject("attrs").put("panelType", panelType(node.path("attrs")));
          out.add(container(panel, blocks(content, Ctx.PANEL, depth + 1)));
        } else {
          out.addAll(blocks(content, ctx, depth + 1));
        }
      }
      case "table" -> {
        if (ctx == Ctx.DOC) {
          ObjectNode table = table(node, depth);
          if (table != null) {
            out.add(table);
          }
        } else {
          for (JsonNode row : content) {
            paragraph(flatten(row, depth + 1), depth, out);
          }
        }
      }
      case "rule" -> {
        if (ctx == Ctx.QUOTE) {
          paragraph(JSON.arrayNode().add(text("----")), depth, out);
        } else {
          out.add(JSON.objectNode().put("type", "rule"));
        }
      }
      case "expand", "nestedExpand" -> {
        String title = node.path("attrs").path("title").asText("");
        if (!title.isBlank()) {
          ObjectNode t = text(title);
          t.putArray("marks").addObject().put("type", "strong");
          paragraph(JSON.arrayNode().add(t), depth, out);
        }
        out.addAll(blocks(content, ctx, depth + 1));
      }
      case "taskList", "decisionList" -> {
        ObjectNode list = list(bulletsOf(node), depth, 1);
        if (list != null) {
          out.add(list);
        }
      }
      case "blockCard", "embedCard" -> paragraph(JSON.arrayNode().add(card(node)), depth, out);
      default -> {
        if (content.isArray() && !content.isEmpty()) {
          boolean inline = false;
          for (JsonNode c : content) {
            inline |= INLINE.contains(c.path("type").asText());
          }
          if (inline) {
            paragraph(content, depth, out);
          } else {
            out.addAll(blocks(content, ctx, depth + 1));
          }
        } else {
          paragraph(flatten(node, depth + 1), depth, out);
        }
      }
    }
  }

  /** Adds a paragraph of the inline nodes unless it holds no text. */
  private static void paragraph(JsonNode inline, int depth, List<ObjectNode> out) {
    if (inline.isEmpty()) {
      return;
    }
    ArrayNode content = inline(inline, depth);
    if (!blank(content)) {
      out.add(paragraphOf(content));
    }
  }

  private static ObjectNode paragraphOf(ArrayNode content) {
    ObjectNode p = JSON.objectNode().put("type", "paragraph");
    p.set("content", content);
    return p;
  }

  /** Whether inline content would read as a blank line: nothing, or only white space. */
  static boolean blank(JsonNode content) {
    for (JsonNode n : content) {
      if (!n.path("type").asText().equals("text") || !n.path("text").asText().isBlank()) {
        return false;
      }
    }
    return true;
  }

  /** A quote or panel holding the blocks, or an empty paragraph (ADF wants one block). */
  private static ObjectNode container(ObjectNode node, List<ObjectNode> blocks) {
    ArrayNode content = node.putArray("content");
    if (blocks.isEmpty()) {
      content.add(paragraphOf(JSON.arrayNode()));
    } else {
      blocks.forEach(content::add);
    }
    return node;
  }

  private static String panelType(JsonNode attrs) {
    String type = attrs.path("panelType").asText("info");
    if (Adf.PANEL_BACKGROUNDS.containsKey(type)) {
      return type;
    }
    return Adf.panelType("panel", attrs.path("panelColor").asText(null));
  }

  // ------------------------------------------------------------------ code

  private static final java.util.regex.Pattern FENCE_LIKE =
      java.util.regex.Pattern.compile("\\s*\\{(code|noformat|quote|panel|info|note|warning|tip)"
          + "(:[^}]*)?}\\s*");

  private static ObjectNode codeBlock(JsonNode node) {
    ObjectNode code = JSON.objectNode().put("type", "codeBlock");
    String lang = Adf.language(node.path("attrs").path("language").asText(null));
    if (lang != null) {
      code.putObject("attrs").put("language", lang);
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode n : node.path("content")) {
      text.append(n.has("text") ? n.path("text").asText() : plainText(n));
    }
    String[] lines = lines(text.toString()).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (FENCE_LIKE.matcher(lines[i]).matches()) {
        lines[i] = "\\" + lines[i]; // would close the block, or the quote or panel around it
      }
    }
    String joined = String.join("\n", lines);
    ArrayNode content = code.putArray("content");
    if (!joined.isEmpty()) {
      content.add(text(joined));
    }
    return code;
  }

  private static String lines(String s) {
    return s.replace("\r\n", "\n").replace('\r', '\n');
  }

  // ------------------------------------------------------------------ lists

  /** A list with one paragraph and then lists in each item, or null when it has no items. */
  private static ObjectNode list(JsonNode node, int depth, int listDepth) {
    ObjectNode list = JSON.objectNode().put("type", node.path("type").asText());
    ArrayNode items = list.putArray("content");
    for (JsonNode child : node.path("content")) {
      JsonNode blocks = "listItem".equals(child.path("type").asText()) ? child.path("content")
          : JSON.arrayNode().add(child);
      ArrayNode text = JSON.arrayNode();
      List<ObjectNode> lists = new ArrayList<>();
      for (JsonNode b : blocks) {
        String type = b.path("type").asText();
        boolean isList = type.equals("bulletList") || type.equals("orderedList");
        if (isList && listDepth < Adf.MAX_LIST_DEPTH && depth < Adf.MAX_DEPTH) {
          ObjectNode sub = list(b, depth + 1, listDepth + 1);
          ObjectNode last = lists.isEmpty() ? null : lists.get(lists.size() - 1);
          if (sub == null) {
            continue;
          }
          if (last != null && last.path("type").equals(sub.path("type"))) {
            ((ArrayNode) last.get("content")).addAll((ArrayNode) sub.get("content"));
          } else {
            lists.add(sub);
          }
          continue;
        }
        if (INLINE.contains(type)) {
          text.add(b);
          continue;
        }
        if (!text.isEmpty()) {
          text.addObject().put("type", "hardBreak");
        }
        text.addAll(type.equals("paragraph") ? (ArrayNode) arrayOf(b.path("content"))
            : flatten(b, depth + 1));
      }
      ObjectNode item = items.addObject().put("type", "listItem");
      ArrayNode content = item.putArray("content");
      content.add(paragraphOf(inline(text, depth)));
      lists.forEach(content::add);
    }
    return items.isEmpty() ? null : list;
  }

  private static JsonNode arrayOf(JsonNode node) {
    return node.isArray() ? node : JSON.arrayNode();
  }

  /** A task or decision list as the bullet list it reads as. */
  private static ObjectNode bulletsOf(JsonNode node) {
    ObjectNode list = JSON.objectNode().put("type", "bulletList");
    ArrayNode items = list.putArray("content");
    for (JsonNode child : node.path("content")) {
      String type = child.path("type").asText();
      if (type.equals("taskList") || type.equals("decisionList")) {
        ObjectNode item = items.isEmpty() ? items.addObject().put("type", "listItem")
            : (ObjectNode) items.get(items.size() - 1);
        if (!item.has("content")) {
          item.putArray("content");
        }
        ((ArrayNode) item.get("content")).add(bulletsOf(child));
        continue;
      }
      ArrayNode inline = JSON.arrayNode();
      if (type.equals("taskItem")) {
        inline.add(text("DONE".equals(child.path("attrs").path("state").asText())
            ? "[x] " : "[ ] "));
      }
      inline.addAll((ArrayNode) arrayOf(child.path("content")));
      ObjectNode item = items.addObject().put("type", "listItem");
      item.putArray("content").add(paragraphOf(inline));
    }
    return list;
  }

  // ------------------------------------------------------------------ tables

  private static ObjectNode table(JsonNode node, int depth) {
    ObjectNode table = JSON.objectNode().put("type", "table");
    ArrayNode rows = table.putArray("content");
    for (JsonNode row : node.path("content")) {
      JsonNode cells = "tableRow".equals(row.path("type").asText()) ? row.path("content")
          : JSON.arrayNode().add(row);
      ArrayNode out = JSON.arrayNode();
      for (JsonNode cell : cells) {
        String type = cell.path("type").asText();
        ArrayNode inline = inline("tableHeader".equals(type) || "tableCell".equals(type)
            ? flattenAll(cell.path("content"), depth + 1) : flatten(cell, depth + 1), depth);
        ObjectNode c = out.addObject().put("type",
            "tableHeader".equals(type) ? "tableHeader" : "tableCell");
        c.putArray("content").add(paragraphOf(blank(inline) ? JSON.arrayNode() : inline));
      }
      if (!out.isEmpty()) {
        rows.addObject().put("type", "tableRow").set("content", out);
      }
    }
    return rows.isEmpty() ? null : table;
  }

  // ------------------------------------------------------------------ blocks as lines of text

  /** Blocks as inline nodes, a hard break between blocks. */
  private static ArrayNode flattenAll(JsonNode blocks, int depth) {
    ArrayNode out = JSON.arrayNode();
    for (JsonNode b : blocks) {
      ArrayNode inline = flatten(b, depth);
      if (inline.isEmpty()) {
        continue;
      }
      if (!out.isEmpty() && !INLINE.contains(b.path("type").asText())) {
        out.addObject().put("type", "hardBreak");
      }
      out.addAll(inline);
    }
    return out;
  }

  /** A block as inline nodes: its text, a line per paragraph, list item, row or code line. */
  private static ArrayNode flatten(JsonNode node, int depth) {
    ArrayNode out = JSON.arrayNode();
    String type = node.path("type").asText();
    if (depth > Adf.MAX_DEPTH) {
      return out.add(text(plainText(node)));
    }
    if (INLINE.contains(type)) {
      return out.add(node);
    }
    JsonNode content = node.path("content");
    switch (type) {
      case "paragraph", "heading" -> out.addAll((ArrayNode) arrayOf(content));
      case "codeBlock" -> {
        JsonNode code = codeBlock(node).path("content").path(0);
        for (String line : code.path("text").asText("").split("\n")) {
          if (line.isEmpty()) {
            continue;
          }
          if (!out.isEmpty()) {
            out.addObject().put("type", "hardBreak");
          }
          ObjectNode t = text(line);
          t.putArray("marks").addObject().put("type", "code");
          out.add(t);
        }
      }
      case "bulletList", "orderedList", "taskList", "decisionList" -> {
        String marker = type.equals("orderedList") ? "# " : "* ";
        for (JsonNode item : content) {
          ArrayNode inner = flatten(item, depth + 1);
          if (!out.isEmpty()) {
            out.addObject().put("type", "hardBreak");
          }
          out.add(text(marker));
          out.addAll(inner);
        }
      }
      case "tableRow" -> {
        for (JsonNode cell : content) {
          if (!out.isEmpty()) {
            out.add(text(" | "));
          }
          out.addAll(flatten(cell, depth + 1));
        }
      }
      case "rule" -> out.add(text("----"));
      case "mediaSingle", "mediaGroup" -> out.addAll(inline(content, depth));
      case "media" -> out.add(text(media(node)));
      case "blockCard", "embedCard" -> out.add(card(node));
      case "taskItem" -> {
        out.add(text("DONE".equals(node.path("attrs").path("state").asText()) ? "[x] "
            : "[ ] "));
        out.addAll((ArrayNode) arrayOf(content));
      }
      default -> {
        if (content.isArray() && !content.isEmpty()) {
          out.addAll(flattenAll(content, depth + 1));
        } else if (node.path("attrs").hasNonNull("text")) {
          out.add(text(node.path("attrs").path("text").asText()));
        } else if (node.path("attrs").hasNonNull("url")) {
          out.add(card(node));
        }
      }
    }
    return out;
  }

  private static ObjectNode card(JsonNode node) {
    String url = node.path("attrs").path("url").asText("");
    ObjectNode t = text(url);
    if (!url.isBlank()) {
      t.putArray("marks").addObject().put("type", "link").putObject("attrs").put("href", url);
    }
    return t;
  }

  private static String media(JsonNode node) {
    JsonNode attrs = node.path("attrs");
    for (String key : List.of("alt", "url", "id")) {
      String v = attrs.path(key).asText("");
      if (!v.isBlank()) {
        return "!" + v + "!";
      }
    }
    return "";
  }

  /** All the text under a node, without recursion (for nesting past {@link Adf#MAX_DEPTH}). */
  static String plainText(JsonNode root) {
    StringBuilder out = new StringBuilder();
    Deque<Iterator<JsonNode>> stack = new ArrayDeque<>();
    stack.push(List.of(root).iterator());
    while (!stack.isEmpty()) {
      Iterator<JsonNode> it = stack.peek();
      if (!it.hasNext()) {
        stack.pop();
        continue;
      }
      JsonNode n = it.next();
      String type = n.path("type").asText();
      if (n.hasNonNull("text")) {
        out.append(n.path("text").asText());
      } else if (type.equals("hardBreak")) {
        out.append('\n');
      } else if (n.path("attrs").hasNonNull("text")) {
        out.append(n.path("attrs").path("text").asText());
      }
      if (n.path("content").isArray() && !n.path("content").isEmpty()) {
        if (!INLINE.contains(type) && out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
          out.append('\n');
        }
        stack.push(n.path("content").iterator());
      }
    }
    return out.toString();
  }

  // ------------------------------------------------------------------ inline

  /**
   * Inline nodes in canonical form: text (split at line breaks, canonical marks, adjacent text of
   * the same marks merged), hard breaks, mentions and status lozenges; anything else as text.
   */
  static ArrayNode inline(JsonNode content, int depth) {
    List<ObjectNode> items = new ArrayList<>();
    collect(content, depth, items);
    // Status before and after merging: the reader sees a lozenge as its own text node.
    items.replaceAll(AdfCanon::asStatus);
    ArrayNode out = JSON.arrayNode();
    ObjectNode last = null;
    for (ObjectNode n : items) {
      if (last != null && n.path("type").asText().equals("text")
          && last.path("type").asText().equals("text") && last.path("marks").equals(n.path("marks"))) {
        last.put("text", last.path("text").asText() + n.path("text").asText());
        continue;
      }
      out.add(n);
      last = n;
    }
    for (int i = 0; i < out.size(); i++) {
      out.set(i, asStatus((ObjectNode) out.get(i)));
    }
    return out;
  }

  private static void collect(JsonNode content, int depth, List<ObjectNode> out) {
    for (JsonNode n : content) {
      JsonNode attrs = n.path("attrs");
      switch (n.path("type").asText()) {
        case "text" -> addText(n.path("text").asText(""), marks(n.path("marks")), out);
        case "hardBreak" -> out.add(JSON.objectNode().put("type", "hardBreak"));
        case "mention" -> {
          String id = attrs.path("id").asText("");
          if (!id.isEmpty() && id.indexOf('\n') < 0 && id.indexOf('\r') < 0) {
            ObjectNode m = JSON.objectNode().put("type", "mention");
            m.putObject("attrs").put("id", id);
            out.add(m);
          } else {
            addText(attrs.path("text").asText(""), JSON.arrayNode(), out);
          }
        }
        case "status" -> {
          String text = attrs.path("text").asText("");
          if (statusText(text)) {
            ObjectNode s = JSON.objectNode().put("type", "status");
            String color = attrs.path("color").asText("neutral");
            s.putObject("attrs").put("text", text)
                .put("color", Adf.STATUS.containsKey(color) ? color : "neutral");
            out.add(s);
          } else {
            addText(text, JSON.arrayNode(), out);
          }
        }
        case "emoji" -> addText(attrs.path("text").asText(attrs.path("shortName").asText("")),
            JSON.arrayNode(), out);
        case "date" -> addText(date(attrs.path("timestamp").asText("")), JSON.arrayNode(), out);
        case "inlineCard" -> {
          ObjectNode card = card(n);
          addText(card.path("text").asText(), marks(card.path("marks")), out);
        }
        case "media", "mediaInline" -> addText(media(n), JSON.arrayNode(), out);
        default -> {
          if (n.hasNonNull("text")) {
            addText(n.path("text").asText(), marks(n.path("marks")), out);
          } else if (attrs.hasNonNull("text")) {
            addText(attrs.path("text").asText(), JSON.arrayNode(), out);
          } else if (n.path("content").isArray() && depth < Adf.MAX_DEPTH) {
            collect(n.path("content"), depth + 1, out);
          } else if (n.path("content").isArray()) {
            addText(plainText(n), JSON.arrayNode(), out);
          } else if (attrs.hasNonNull("url")) {
            ObjectNode card = card(n);
            addText(card.path("text").asText(), marks(card.path("marks")), out);
          }
        }
      }
    }
  }

  private static String date(String timestamp) {
    try {
      return Instant.ofEpochMilli(Long.parseLong(timestamp)).atOffset(ZoneOffset.UTC)
          .toLocalDate().toString();
    } catch (RuntimeException e) {
      return timestamp;
    }
  }

  private static void addText(String text, ArrayNode marks, List<ObjectNode> out) {
    String[] lines = lines(text).split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        out.add(JSON.objectNode().put("type", "hardBreak"));
      }
      if (!lines[i].isEmpty()) {
        ObjectNode t = text(lines[i]);
        if (!marks.isEmpty()) {
          t.set("marks", marks.deepCopy());
        }
        out.add(t);
      }
    }
  }

  /**
   * Marks wiki can hold, each type once, in their order except that code comes last but for a
   * link, and link last; code goes with nothing but a link (as in ADF).
   */
  private static ArrayNode marks(JsonNode marks) {
    List<ObjectNode> kept = new ArrayList<>();
    ObjectNode code = null;
    ObjectNode link = null;
    Set<String> seen = new java.util.HashSet<>();
    for (JsonNode m : marks) {
      String type = m.path("type").asText();
      if (!seen.add(type)) {
        continue;
      }
      JsonNode attrs = m.path("attrs");
      switch (type) {
        case "strong", "em", "underline", "strike" -> kept.add(JSON.objectNode().put("type", type));
        case "subsup" -> kept.add(Adf.mark("sub".equals(attrs.path("type").asText()) ? '~' : '^'));
        case "textColor" -> {
          String color = Adf.color(attrs.path("color").asText(""));
          if (color != null) {
            ObjectNode c = JSON.objectNode().put("type", "textColor");
            c.putObject("attrs").put("color", color);
            kept.add(c);
          }
        }
        case "code" -> code = JSON.objectNode().put("type", "code");
        case "link" -> {
          String href = attrs.path("href").asText("").replaceAll("[\\r\\n]", "").strip();
          if (!href.isEmpty()) {
            link = JSON.objectNode().put("type", "link");
            link.putObject("attrs").put("href", href);
          }
        }
        default -> { }
      }
    }
    ArrayNode out = JSON.arrayNode();
    if (code != null) {
      out.add(code);
    } else {
      kept.forEach(out::add);
    }
    if (link != null) {
      out.add(link);
    }
    return out;
  }

  /** Whether a text can be a lozenge's and come back from {@code *[TEXT]*} as one. */
  private static boolean statusText(String text) {
    return !text.isBlank() && text.strip().equals(text) && text.indexOf('[') < 0
        && text.indexOf(']') < 0 && text.indexOf('|') < 0 && text.indexOf('\n') < 0
        && text.indexOf('\r') < 0 && !text.startsWith(Adf.MENTION) && !Adf.looksLikeUrl(text);
  }

  /** Bold text {@code [TEXT]}, maybe in a status colour, is a lozenge. */
  private static ObjectNode asStatus(ObjectNode n) {
    if (!n.path("type").asText().equals("text")) {
      return n;
    }
    String text = n.path("text").asText();
    JsonNode marks = n.path("marks");
    if (text.length() < 3 || text.charAt(0) != '[' || text.charAt(text.length() - 1) != ']'
        || !statusText(text.substring(1, text.length() - 1))) {
      return n;
    }
    String color;
    if (marks.size() == 1 && marks.path(0).path("type").asText().equals("strong")) {
      color = "neutral";
    } else if (marks.size() == 2 && marks.path(0).path("type").asText().equals("textColor")
        && marks.path(1).path("type").asText().equals("strong")) {
      color = null;
      String hex = marks.path(0).path("attrs").path("color").asText();
      for (var e : Adf.STATUS.entrySet()) {
        if (e.getValue().equals(hex)) {
          color = e.getKey();
        }
      }
      if (color == null) {
        return n;
      }
    } else {
      return n;
    }
    ObjectNode s = JSON.objectNode().put("type", "status");
    s.putObject("attrs").put("text", text.substring(1, text.length() - 1)).put("color", color);
    return s;
  }

  private static ObjectNode text(String text) {
    return JSON.objectNode().put("type", "text").put("text", text);
  }
}
