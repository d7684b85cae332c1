package org.backbonesync.jira.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Reads wiki markup into a raw ADF document: the shapes of the nodes are right, but not yet the
 * rules of ADF (which node may hold which, which marks go together); {@link AdfCanon} applies
 * those. Every construct ends at the end of its line or at its closing macro line, and nesting is
 * bounded (a macro cannot hold itself, lists stop at {@link Adf#MAX_LIST_DEPTH}), so a hostile
 * text costs linear time and a bounded stack.
 */
final class WikiReader {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final List<String> lines;

  private WikiReader(String wiki) {
    this.lines = Arrays.asList(wiki.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1));
  }

  /** The raw ADF document of a wiki text. */
  static ObjectNode read(String wiki) {
    ObjectNode doc = JSON.objectNode().put("type", "doc").put("version", 1);
    WikiReader reader = new WikiReader(wiki);
    reader.blocks(0, reader.lines.size(), doc.putArray("content"));
    return doc;
  }

  private void blocks(int from, int to, ArrayNode out) {
    List<String> paragraph = new ArrayList<>();
    int i = from;
    while (i < to) {
      String line = lines.get(i);
      Adf.Line kind = Adf.kind(line);
      if (kind == Adf.Line.TEXT) {
        paragraph.add(Adf.unescapeLineStart(line));
        i++;
        continue;
      }
      flush(paragraph, out);
      switch (kind) {
        case BLANK -> i++;
        case CODE -> {
          Matcher m = Adf.CODE_OPEN.matcher(line.strip());
          m.matches();
          String fence = "{" + m.group(1) + "}";
          int end = closer(i + 1, to, fence);
          ObjectNode code = out.addObject().put("type", "codeBlock");
          String lang = m.group(1).equals("code") ? language(m.group(2)) : null;
          if (lang != null) {
            code.putObject("attrs").put("language", lang);
          }
          String text = String.join("\n", lines.subList(i + 1, end));
          ArrayNode c = code.putArray("content");
          if (!text.isEmpty()) {
            c.addObject().put("type", "text").put("text", text);
          }
          i = Math.min(end + 1, to);
        }
        case QUOTE -> {
          int end = closer(i + 1, to, "{quote}");
          ObjectNode quote = out.addObject().put("type", "blockquote");
          blocks(i + 1, end, quote.putArray("content"));
          i = Math.min(end + 1, to);
        }
        case PANEL -> {
          Matcher m = Adf.PANEL_OPEN.matcher(line.strip());
          m.matches();
          int end = closer(i + 1, to, "{" + m.group(1) + "}");
          ObjectNode panel = out.addObject().put("type", "panel");
          String params = m.group(2) == null ? "" : m.group(2);
          panel.putObject("attrs").put("panelType", Adf.panelType(m.group(1), param(params,
              "bgColor")));
          ArrayNode content = panel.putArray("content");
          String title = param(params, "title");
          if (title != null && !title.isBlank()) {
            ObjectNode p = content.addObject().put("type", "paragraph");
            ObjectNode t = p.putArray("content").addObject().put("type", "text").put("text", title);
            t.putArray("marks").addObject().put("type", "strong");
          }
          blocks(i + 1, end, content);
          i = Math.min(end + 1, to);
        }
        case HEADING -> {
          Matcher m = Adf.HEADING.matcher(line);
          m.matches();
          ObjectNode h = out.addObject().put("type", "heading");
          h.putObject("attrs").put("level", Integer.parseInt(m.group(1)));
          h.set("content", inline(m.group(2)));
          i++;
        }
        case BQ -> {
          Matcher m = Adf.BQ.matcher(line);
          m.matches();
          ObjectNode quote = out.addObject().put("type", "blockquote");
          quote.putArray("content").addObject().put("type", "paragraph")
              .set("content", inline(m.group(1)));
          i++;
        }
        case RULE -> {
          out.addObject().put("type", "rule");
          i++;
        }
        case LIST -> i = list(i, to, out);
        case TABLE -> {
          ObjectNode table = out.addObject().put("type", "table");
          ArrayNode rows = table.putArray("content");
          while (i < to && Adf.kind(lines.get(i)) == Adf.Line.TABLE) {
            row(lines.get(i).stripTrailing(), rows.addObject().put("type", "tableRow")
                .putArray("content"));
            i++;
          }
        }
        default -> throw new AssertionError(kind);
      }
    }
    flush(paragraph, out);
  }

  /** The index of the closing macro line, or {@code to} when the macro is not closed. */
  private int closer(int from, int to, String fence) {
    int end = from;
    while (end < to && !lines.get(end).strip().equals(fence)) {
      end++;
    }
    return end;
  }

  private static String language(String params) {
    if (params == null) {
      return null;
    }
    for (String p : params.split("\\|")) {
      int eq = p.indexOf('=');
      String value = eq < 0 ? p : p.substring(0, eq).strip().equals("language")
          ? p.substring(eq + 1) : null;
      if (value != null) {
        return Adf.language(value);
      }
    }
    return null;
  }

  private static String param(String params, String name) {
    for (String p : params.split("\\|")) {
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase(name)) {
        return p.substring(eq + 1).strip();
      }
    }
    return null;
  }

  private void flush(List<String> paragraph, ArrayNode out) {
    if (paragraph.isEmpty()) {
      return;
    }
    out.addObject().put("type", "paragraph").set("content", inlineLines(paragraph));
    paragraph.clear();
  }

  private static ArrayNode inlineLines(List<String> text) {
    ArrayNode content = JSON.arrayNode();
    for (int k = 0; k < text.size(); k++) {
      if (k > 0) {
        content.addObject().put("type", "hardBreak");
      }
      content.addAll(inline(text.get(k)));
    }
    return content;
  }

  // ------------------------------------------------------------------ lists

  private record Item(String marker, List<String> text) {}

  /** Reads the list lines from {@code from}; returns the index after them. */
  private int list(int from, int to, ArrayNode out) {
    List<Item> items = new ArrayList<>();
    int i = from;
    while (i < to) {
      String line = lines.get(i);
      Adf.Line kind = Adf.kind(line);
      if (kind == Adf.Line.LIST) {
        Matcher m = Adf.LIST_ITEM.matcher(line);
        m.matches();
        String marker = m.group(1);
        List<String> text = new ArrayList<>();
        text.add(m.group(2));
        items.add(new Item(marker.substring(0, Math.min(marker.length(), Adf.MAX_LIST_DEPTH)),
            text));
      } else if (kind == Adf.Line.TEXT) {
        items.get(items.size() - 1).text().add(Adf.unescapeLineStart(line));
      } else {
        break;
      }
      i++;
    }
    list(items, 0, out);
    return i;
  }

  /** Items of one list at a depth (their markers at least depth + 1 long). */
  private static void list(List<Item> items, int depth, ArrayNode out) {
    int i = 0;
    while (i < items.size()) {
      char kind = items.get(i).marker().charAt(depth);
      ArrayNode listItems = out.addObject()
          .put("type", kind == '*' ? "bulletList" : "orderedList").putArray("content");
      ObjectNode current = null;
      while (i < items.size()) {
        String marker = items.get(i).marker();
        if (marker.length() == depth + 1) {
          if (marker.charAt(depth) != kind) {
            break;
          }
          current = listItems.addObject().put("type", "listItem");
          current.putArray("content").addObject().put("type", "paragraph")
              .set("content", inlineLines(items.get(i).text()));
          i++;
        } else {
          if (current != null && marker.charAt(depth) != kind) {
            break;
          }
          int end = i;
          while (end < items.size() && items.get(end).marker().length() > depth + 1) {
            end++;
          }
          if (current == null) {
            current = listItems.addObject().put("type", "listItem");
            current.putArray("content").addObject().put("type", "paragraph").putArray("content");
          }
          list(items.subList(i, end), depth + 1, (ArrayNode) current.get("content"));
          i = end;
        }
      }
    }
  }

  // ------------------------------------------------------------------ tables

  private static void row(String line, ArrayNode cells) {
    int n = line.length();
    int i = 0;
    while (i < n && line.charAt(i) == '|') {
      boolean header = line.startsWith("||", i);
      i += header ? 2 : 1;
      if (i >= n) {
        break;
      }
      int j = i;
      while (j < n) {
        char c = line.charAt(j);
        if (c == '\\' && j + 1 < n) {
          j += 2;
          continue;
        }
        if (c == '[') {
          int k = bracketEnd(line, j, n);
          if (k > 0) {
            j = k + 1;
            continue;
          }
        }
        if (c == '|') {
          break;
        }
        j++;
      }
      String raw = line.substring(i, j);
      ObjectNode cell = cells.addObject().put("type", header ? "tableHeader" : "tableCell");
      ObjectNode p = cell.putArray("content").addObject().put("type", "paragraph");
      p.set("content", raw.isBlank() ? JSON.arrayNode() : inline(raw));
      i = j;
    }
  }

  // ------------------------------------------------------------------ inline

  /** The inline nodes of one line. */
  static ArrayNode inline(String line) {
    ArrayNode out = JSON.arrayNode();
    new Inline(line).parse(0, line.length(), List.of(), out);
    return out;
  }

  /** The closing bracket of the bracket at {@code open}, or -1 if another opens first. */
  static int bracketEnd(String s, int open, int to) {
    for (int k = open + 1; k < to; k++) {
      char c = s.charAt(k);
      if (c == '\\' && k + 1 < to) {
        k++;
      } else if (c == '[') {
        return -1;
      } else if (c == ']') {
        return k;
      }
    }
    return -1;
  }

  /** One line's inline markup; each construct is searched for once per range. */
  private static final class Inline {
    private final String s;

    Inline(String s) {
      this.s = s;
    }

    void parse(int from, int to, List<ObjectNode> marks, ArrayNode out) {
      StringBuilder plain = new StringBuilder();
      boolean[] noCloser = new boolean[Adf.MARK_CHARS.length()];
      boolean[] noBraceCloser = new boolean[Adf.MARK_CHARS.length()];
      boolean noCodeEnd = false;
      boolean noColorEnd = false;
      int i = from;
      while (i < to) {
        char c = s.charAt(i);
        if (c == '\\' && i + 1 < to) {
          char d = s.charAt(i + 1);
          if (d == '\\') {
            emit(plain, marks, out);
            out.addObject().put("type", "hardBreak");
            i += 2;
            continue;
          }
          if (Adf.escapable(d)) {
            plain.append(d);
            i += 2;
            continue;
          }
        }
        if (c == '&' && s.startsWith(Adf.BACKSLASH, i) && i + Adf.BACKSLASH.length() <= to) {
          plain.append('\\');
          i += Adf.BACKSLASH.length();
          continue;
        }
        if (c == '[' && !has(marks, "link")) {
          int k = bracketEnd(s, i, to);
          if (k > 0) {
            String body = s.substring(i + 1, k);
            if (body.startsWith(Adf.MENTION) && body.length() > Adf.MENTION.length()) {
              emit(plain, marks, out);
              out.addObject().put("type", "mention").putObject("attrs")
                  .put("id", Adf.unescape(body.substring(Adf.MENTION.length())));
              i = k + 1;
              continue;
            }
            int bar = Adf.unescapedIndexOf(body, '|');
            if (bar >= 0 && bar + 1 < body.length()) {
              emit(plain, marks, out);
              String href = Adf.unescape(body.substring(bar + 1));
              List<ObjectNode> with = with(marks, link(href));
              if (bar == 0) {
                text(href, with, out);
              } else {
                parse(i + 1, i + 1 + bar, with, out);
              }
              i = k + 1;
              continue;
            }
            String url = Adf.unescape(body);
            if (bar < 0 && Adf.looksLikeUrl(url)) {
              emit(plain, marks, out);
              text(url, with(marks, link(url)), out);
              i = k + 1;
              continue;
            }
          }
        }
        if (c == '{') {
          if (!noCodeEnd && s.startsWith("{{", i) && !has(marks, "code")) {
            int k = find("}}", i + 2, to);
            noCodeEnd = k < 0;
            if (k > i + 2) {
              emit(plain, marks, out);
              text(Adf.unescape(s.substring(i + 2, k)),
                  with(marks, JSON.objectNode().put("type", "code")), out);
              i = k + 2;
              continue;
            }
          }
          int mk = i + 2 < to && s.charAt(i + 2) == '}' ? Adf.MARK_CHARS.indexOf(s.charAt(i + 1))
              : -1;
          if (mk >= 0 && !noBraceCloser[mk] && !has(marks, Adf.markType(s.charAt(i + 1)))) {
            String brace = s.substring(i, i + 3);
            int k = find(brace, i + 3, to);
            noBraceCloser[mk] = k < 0;
            if (k >= 0) {
              emit(plain, marks, out);
              parse(i + 3, k, with(marks, Adf.mark(s.charAt(i + 1))), out);
              i = k + 3;
              continue;
            }
          }
          if (!noColorEnd && s.startsWith("{color:", i) && !has(marks, "textColor")) {
            int close = s.indexOf('}', i + 7);
            if (close > 0 && close < to && close - i < 40) {
              int k = find("{color}", close + 1, to);
              noColorEnd = k < 0;
              if (k >= 0) {
                emit(plain, marks, out);
                String color = Adf.color(s.substring(i + 7, close));
                parse(close + 1, k, color == null ? marks : with(marks, JSON.objectNode()
                    .put("type", "textColor").set("attrs",
                        JSON.objectNode().put("color", color))), out);
                i = k + 7;
                continue;
              }
            }
          }
        }
        int mk = Adf.MARK_CHARS.indexOf(c);
        if (mk >= 0 && !noCloser[mk] && !has(marks, Adf.markType(c)) && opens(i, from, to)) {
          int k = closing(i, to, c);
          noCloser[mk] = k < 0;
          if (k > 0) {
            emit(plain, marks, out);
            parse(i + 1, k, with(marks, Adf.mark(c)), out);
            i = k + 1;
            continue;
          }
        }
        plain.append(c);
        i++;
      }
      emit(plain, marks, out);
    }

    /** A mark opens after a non-word character (or the start), before a non-space. */
    private boolean opens(int i, int from, int to) {
      return (i == from || !Character.isLetterOrDigit(s.charAt(i - 1))) && i + 1 < to
          && !Character.isWhitespace(s.charAt(i + 1)) && s.charAt(i + 1) != s.charAt(i);
    }

    /** The closing mark: after a non-space, before the end or a non-word character. */
    private int closing(int open, int to, char mark) {
      int j = open + 1;
      while (j < to) {
        char c = s.charAt(j);
        if (c == '\\' && j + 1 < to) {
          j += 2;
          continue;
        }
        if (j >= open + 2 && c == mark && !Character.isWhitespace(s.charAt(j - 1))
            && (j + 1 == to || !Character.isLetterOrDigit(s.charAt(j + 1)))) {
          return j;
        }
        j++;
      }
      return -1;
    }

    /** The first unescaped occurrence of {@code what} in [from, to), or -1. */
    private int find(String what, int from, int to) {
      int j = from;
      while (j + what.length() <= to) {
        char c = s.charAt(j);
        if (c == '\\' && j + 1 < to) {
          j += 2;
          continue;
        }
        if (s.startsWith(what, j)) {
          return j;
        }
        j++;
      }
      return -1;
    }
  }

  private static boolean has(List<ObjectNode> marks, String type) {
    for (ObjectNode m : marks) {
      if (m.path("type").asText().equals(type)) {
        return true;
      }
    }
    return false;
  }

  private static List<ObjectNode> with(List<ObjectNode> marks, ObjectNode mark) {
    List<ObjectNode> out = new ArrayList<>(marks);
    out.add(mark);
    return out;
  }

  private static ObjectNode link(String href) {
    ObjectNode mark = JSON.objectNode().put("type", "link");
    mark.putObject("attrs").put("href", href);
    return mark;
  }

  private static void emit(StringBuilder plain, List<ObjectNode> marks, ArrayNode out) {
    if (plain.length() > 0) {
      text(plain.toString(), marks, out);
      plain.setLength(0);
    }
  }

  private static void text(String text, List<ObjectNode> marks, ArrayNode out) {
    ObjectNode t = out.addObject().put("type", "text").put("text", text);
    if (!marks.isEmpty()) {
      ArrayNode m = t.putArray("marks");
      marks.forEach(m::add);
    }
  }
}
