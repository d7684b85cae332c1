package org.backbonesync.jira.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a canonical ADF document ({@link AdfCanon}) as wiki markup. Each top-level block is
 * written plainly first, escaping only what would read as markup where it stands, and read back;
 * if that does not give the block again (markup that only forms across two text nodes, say), the
 * block is written again with every markup character escaped and every mark in its {@code {*}}
 * form, which always reads back as written.
 */
final class WikiWriter {
  /** Where inline content stands, which decides line breaks and what must be escaped. */
  private enum Ctx {
    /** A paragraph: lines, each escaped if it would start a block. */
    PARA,
    /** A list item: like a paragraph, but its first line follows the marker. */
    ITEM,
    /** One line: a heading or a {@code bq.} quote. */
    LINE,
    /** One table cell: one line, pipes escaped. */
    CELL,
    /** A link's text: one line, pipes and brackets escaped. */
    LINK
  }

  private final boolean escapeAll;

  private WikiWriter(boolean escapeAll) {
    this.escapeAll = escapeAll;
  }

  static String write(JsonNode doc) {
    WikiWriter plain = new WikiWriter(false);
    WikiWriter strict = new WikiWriter(true);
    List<String> blocks = new ArrayList<>();
    for (JsonNode block : doc.path("content")) {
      String wiki = plain.block(block);
      if (!readsBack(wiki, block)) {
        wiki = strict.block(block);
      }
      blocks.add(wiki);
    }
    return String.join("\n\n", blocks);
  }

  private static boolean readsBack(String wiki, JsonNode block) {
    JsonNode read = AdfCanon.doc(WikiReader.read(wiki)).path("content");
    return read.size() == 1 && read.get(0).equals(block);
  }

  private String blocks(JsonNode content) {
    List<String> out = new ArrayList<>();
    content.forEach(b -> out.add(block(b)));
    return String.join("\n\n", out);
  }

  private String block(JsonNode node) {
    JsonNode content = node.path("content");
    switch (node.path("type").asText()) {
      case "paragraph":
        return inline(content, Ctx.PARA);
      case "heading":
        return "h" + node.path("attrs").path("level").asInt(1) + ". " + inline(content, Ctx.LINE);
      case "bulletList":
      case "orderedList": {
        List<String> lines = new ArrayList<>();
        list(node, "", lines);
        return String.join("\n", lines);
      }
      case "codeBlock": {
        String lang = node.path("attrs").path("language").asText("");
        return (lang.isEmpty() ? "{code}" : "{code:" + lang + "}") + "\n"
            + content.path(0).path("text").asText("") + "\n{code}";
      }
      case "blockquote": {
        JsonNode only = content.path(0);
        if (content.size() == 1 && only.path("type").asText().equals("paragraph")
            && !hasBreak(only.path("content"))) {
          return "bq. " + inline(only.path("content"), Ctx.LINE);
        }
        return "{quote}\n" + blocks(content) + "\n{quote}";
      }
      case "panel": {
        String type = node.path("attrs").path("panelType").asText();
        return Adf.panelOpening(type) + "\n" + blocks(content) + "\n" + Adf.panelClosing();
      }
      case "table": {
        List<String> rows = new ArrayList<>();
        content.forEach(row -> rows.add(row(row)));
        return String.join("\n", rows);
      }
      case "rule":
        return "----";
      default:
        throw new IllegalArgumentException("not canonical: " + node.path("type").asText());
    }
  }

  private static boolean hasBreak(JsonNode inline) {
    for (JsonNode n : inline) {
      if (n.path("type").asText().equals("hardBreak")) {
        return true;
      }
    }
    return false;
  }

  private void list(JsonNode list, String prefix, List<String> lines) {
    String marker = prefix + (list.path("type").asText().equals("bulletList") ? "*" : "#");
    for (JsonNode item : list.path("content")) {
      JsonNode content = item.path("content");
      lines.add(marker + " " + inline(content.path(0).path("content"), Ctx.ITEM));
      for (int i = 1; i < content.size(); i++) {
        list(content.get(i), marker, lines);
      }
    }
  }

  private String row(JsonNode row) {
    StringBuilder out = new StringBuilder();
    String last = "|";
    for (JsonNode cell : row.path("content")) {
      last = cell.path("type").asText().equals("tableHeader") ? "||" : "|";
      JsonNode inline = cell.path("content").path(0).path("content");
      out.append(last).append(inline.isEmpty() ? " " : inline(inline, Ctx.CELL));
    }
    return out.append(last).toString();
  }

  // ------------------------------------------------------------------ inline

  private String inline(JsonNode content, Ctx ctx) {
    List<String> segments = new ArrayList<>();
    List<JsonNode> segment = new ArrayList<>();
    for (JsonNode n : content) {
      if (n.path("type").asText().equals("hardBreak")) {
        segments.add(segment(segment, ctx));
        segment.clear();
      } else {
        segment.add(n);
      }
    }
    segments.add(segment(segment, ctx));
    boolean lines = !escapeAll && (ctx == Ctx.PARA || ctx == Ctx.ITEM);
    StringBuilder out = new StringBuilder();
    StringBuilder line = new StringBuilder(segments.get(0));
    boolean lineBlank = segments.get(0).isBlank();
    for (int i = 1; i < segments.size(); i++) {
      String next = segments.get(i);
      if (lines && !lineBlank && !next.isBlank()) {
        out.append(lineStart(line.toString(), ctx == Ctx.PARA || out.length() > 0)).append('\n');
        line.setLength(0);
        lineBlank = true;
      } else {
        line.append("\\\\");
        lineBlank = false;
      }
      line.append(next);
      lineBlank &= next.isBlank();
    }
    boolean escapeStart = ctx == Ctx.PARA || ctx == Ctx.ITEM && out.length() > 0;
    return out.append(lineStart(line.toString(), escapeStart)).toString();
  }

  /** A line escaped ({@code \h1. x}) if it would otherwise start a block. */
  private static String lineStart(String line, boolean escape) {
    return escape && Adf.startsBlock(line) ? "\\" + line : line;
  }

  /** Nodes between hard breaks; runs of text with the same link are one link. */
  private String segment(List<JsonNode> nodes, Ctx ctx) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < nodes.size()) {
      JsonNode n = nodes.get(i);
      JsonNode link = link(n);
      if (link == null) {
        boolean nextAlnum = i + 1 < nodes.size() && startsAlnum(nodes.get(i + 1));
        out.append(node(n, ctx, endsAlnum(out), nextAlnum));
        i++;
        continue;
      }
      int end = i;
      while (end < nodes.size() && link.equals(link(nodes.get(end)))) {
        end++;
      }
      String href = link.path("attrs").path("href").asText();
      if (!escapeAll && end == i + 1 && n.path("marks").size() == 1
          && n.path("text").asText().equals(href) && Adf.looksLikeUrl(href)) {
        out.append('[').append(escapeHref(href)).append(']');
      } else {
        StringBuilder inner = new StringBuilder();
        for (int k = i; k < end; k++) {
          boolean nextAlnum = k + 1 < end && startsAlnum(nodes.get(k + 1));
          inner.append(node(nodes.get(k), Ctx.LINK, endsAlnum(inner), nextAlnum));
        }
        out.append('[').append(inner).append('|').append(escapeHref(href)).append(']');
      }
      i = end;
    }
    return out.toString();
  }

  private static JsonNode link(JsonNode n) {
    for (JsonNode m : n.path("marks")) {
      if (m.path("type").asText().equals("link")) {
        return m;
      }
    }
    return null;
  }

  private static boolean endsAlnum(StringBuilder out) {
    return out.length() > 0 && Character.isLetterOrDigit(out.charAt(out.length() - 1));
  }

  /** Whether a node's wiki starts with a letter or digit: only unmarked text can. */
  private static boolean startsAlnum(JsonNode n) {
    return n.path("type").asText().equals("text") && n.path("marks").isEmpty()
        && Character.isLetterOrDigit(n.path("text").asText().charAt(0));
  }

  private String node(JsonNode n, Ctx ctx, boolean prevAlnum, boolean nextAlnum) {
    switch (n.path("type").asText()) {
      case "mention":
        return "[" + Adf.MENTION + escapeHref(n.path("attrs").path("id").asText()) + "]";
      case "status": {
        List<JsonNode> marks = new ArrayList<>();
        String color = Adf.STATUS.get(n.path("attrs").path("color").asText());
        if (color != null) {
          ObjectNode textColor = JsonNodeFactory.instance.objectNode().put("type", "textColor");
          textColor.putObject("attrs").put("color", color);
          marks.add(textColor);
        }
        marks.add(Adf.mark('*'));
        return marked("[" + n.path("attrs").path("text").asText() + "]", marks, ctx, prevAlnum,
            nextAlnum);
      }
      default: {
        List<JsonNode> marks = new ArrayList<>();
        n.path("marks").forEach(m -> {
          if (!m.path("type").asText().equals("link")) {
            marks.add(m);
          }
        });
        return marked(n.path("text").asText(), marks, ctx, prevAlnum, nextAlnum);
      }
    }
  }

  /** A text with its marks, the first mark outermost. */
  private String marked(String text, List<JsonNode> marks, Ctx ctx, boolean prevAlnum,
      boolean nextAlnum) {
    StringBuilder active = new StringBuilder();
    boolean code = false;
    for (JsonNode m : marks) {
      char c = Adf.markChar(m);
      if (c != 0) {
        active.append(c);
      }
      code |= m.path("type").asText().equals("code");
    }
    String result = code ? escapeCode(text, ctx)
        : escape(text, ctx, marks.isEmpty() ? prevAlnum : false, active.toString());
    for (int k = marks.size() - 1; k >= 0; k--) {
      JsonNode m = marks.get(k);
      boolean outermost = k == 0;
      char c = Adf.markChar(m);
      switch (m.path("type").asText()) {
        case "code" -> result = "{{" + result + "}}";
        case "textColor" -> result = "{color:" + m.path("attrs").path("color").asText() + "}"
            + result + "{color}";
        default -> {
          boolean plain = !escapeAll && !result.isEmpty()
              && !Character.isWhitespace(result.charAt(0)) && result.charAt(0) != c
              && !Character.isWhitespace(result.charAt(result.length() - 1))
              && (!outermost || !prevAlnum && !nextAlnum);
          result = plain ? c + result + c : "{" + c + "}" + result + "{" + c + "}";
        }
      }
    }
    return result;
  }

  /** Plain text with what would read as markup escaped. */
  private String escape(String text, Ctx ctx, boolean prevAlnum, String activeMarks) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      char next = i + 1 < n ? text.charAt(i + 1) : 0;
      if (c == '\\') {
        out.append(i + 1 == n || Adf.escapable(next) || escapeAll ? Adf.BACKSLASH : "\\");
        continue;
      }
      if (!Adf.escapable(c)) {
        out.append(c);
        continue;
      }
      boolean escape = escapeAll || switch (c) {
        case '&' -> text.startsWith("#92;", i + 1);
        case '|' -> ctx == Ctx.CELL || ctx == Ctx.LINK;
        case ']' -> ctx == Ctx.LINK;
        case '[' -> ctx == Ctx.LINK || bracketReads(text, i);
        case '{' -> i + 1 == n || next == '{' || text.startsWith("color", i + 1)
            || i + 2 < n && text.charAt(i + 2) == '}' && Adf.MARK_CHARS.indexOf(next) >= 0;
        case '}' -> false;
        default -> activeMarks.indexOf(c) >= 0 || opens(text, i, prevAlnum);
      };
      out.append(escape ? "\\" + c : String.valueOf(c));
    }
    return out.toString();
  }

  /** Whether a mark character could open a mark here, with a partner after it. */
  private static boolean opens(String text, int i, boolean prevAlnum) {
    char c = text.charAt(i);
    boolean before = i == 0 ? !prevAlnum : !Character.isLetterOrDigit(text.charAt(i - 1));
    return before && i + 1 < text.length() && !Character.isWhitespace(text.charAt(i + 1))
        && text.charAt(i + 1) != c && text.indexOf(c, i + 2) >= 0;
  }

  /** Whether a bracket would read as a link or mention. */
  private static boolean bracketReads(String text, int open) {
    int end = WikiReader.bracketEnd(text, open, text.length());
    if (end < 0) {
      return false;
    }
    String body = text.substring(open + 1, end);
    return body.startsWith(Adf.MENTION) || body.indexOf('|') >= 0 || Adf.looksLikeUrl(body);
  }

  /** The text of inline code: nothing reads as markup there but escapes and its end. */
  private String escapeCode(String text, Ctx ctx) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      char next = i + 1 < n ? text.charAt(i + 1) : 0;
      if (c == '\\') {
        out.append(i + 1 == n || Adf.escapable(next) || escapeAll ? Adf.BACKSLASH : "\\");
      } else if (escapeAll && Adf.escapable(c)
          || c == '}' && (next == '}' || i + 1 == n)
          || c == '&' && text.startsWith("#92;", i + 1)
          || c == '|' && (ctx == Ctx.CELL || ctx == Ctx.LINK)
          || (c == '[' || c == ']') && ctx == Ctx.LINK) {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** A link target or mention id: brackets, pipes and escapes escaped. */
  private String escapeHref(String href) {
    StringBuilder out = new StringBuilder(href.length() + 8);
    for (int i = 0; i < href.length(); i++) {
      char c = href.charAt(i);
      char next = i + 1 < href.length() ? href.charAt(i + 1) : 0;
      if (c == '\\') {
        out.append(escapeAll || next == 0 || Adf.escapable(next) ? Adf.BACKSLASH : "\\");
      } else if (escapeAll && Adf.escapable(c) || c == '[' || c == ']' || c == '|'
          || c == '&' && href.startsWith("#92;", i + 1)) {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
