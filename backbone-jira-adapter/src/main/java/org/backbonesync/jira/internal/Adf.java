package org.backbonesync.jira.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts between the Atlassian Document Format of Jira Cloud's REST v3 and the wiki markup of
 * REST v2, which is the normalized text form that crosses the tracker port.
 *
 * <p>Kept on a round trip: paragraphs, line breaks, headings, bullet and numbered lists (nested),
 * code blocks with their language, quotes, rules, bold, italic, underline, strike-through,
 * inline code, links and mentions. Lost (reduced to their text): tables, panels, media, colours,
 * emoji as images, and status lozenges; a mark on a text that also carries another mark of the
 * same kind. Literal markup characters in plain text that read as markup ({@code *word*}) come
 * back as that markup.
 */
public final class Adf {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Adf() {}

  /** Whether a JSON value is an ADF document. */
  public static boolean isDocument(JsonNode node) {
    return node != null && node.isObject() && "doc".equals(node.path("type").asText());
  }

  // ------------------------------------------------------------------ ADF -> wiki

  /** The wiki markup of an ADF document. */
  public static String toWiki(JsonNode doc) {
    List<String> blocks = new ArrayList<>();
    for (JsonNode block : doc.path("content")) {
      String b = block(block, "");
      if (b != null) {
        blocks.add(b);
      }
    }
    return String.join("\n\n", blocks);
  }

  private static String block(JsonNode node, String listPrefix) {
    String type = node.path("type").asText();
    switch (type) {
      case "paragraph":
        return inline(node.path("content"));
      case "heading":
        return "h" + node.path("attrs").path("level").asInt(1) + ". "
            + inline(node.path("content"));
      case "bulletList":
      case "orderedList": {
        String prefix = listPrefix + ("bulletList".equals(type) ? "*" : "#");
        List<String> lines = new ArrayList<>();
        for (JsonNode item : node.path("content")) {
          StringBuilder line = new StringBuilder(prefix).append(' ');
          boolean first = true;
          for (JsonNode child : item.path("content")) {
            String childType = child.path("type").asText();
            if (childType.equals("bulletList") || childType.equals("orderedList")) {
              lines.add(line.toString());
              line.setLength(0);
              lines.add(block(child, prefix));
              first = true;
              continue;
            }
            if (!first) {
              line.append('\n');
            }
            line.append(block(child, prefix));
            first = false;
          }
          if (line.length() > 0) {
            lines.add(line.toString());
          }
        }
        return String.join("\n", lines);
      }
      case "codeBlock": {
        String lang = node.path("attrs").path("language").asText("");
        return (lang.isEmpty() ? "{code}" : "{code:" + lang + "}") + "\n"
            + plainText(node.path("content")) + "\n{code}";
      }
      case "blockquote": {
        List<String> inner = new ArrayList<>();
        node.path("content").forEach(c -> inner.add(block(c, "")));
        return "{quote}\n" + String.join("\n\n", inner) + "\n{quote}";
      }
      case "rule":
        return "----";
      default:
        // Tables, panels, media and other blocks keep only their text.
        if (node.has("content")) {
          List<String> inner = new ArrayList<>();
          node.path("content").forEach(c -> {
            String b = c.has("text") ? c.path("text").asText() : block(c, "");
            if (b != null && !b.isEmpty()) {
              inner.add(b);
            }
          });
          return String.join("\n\n", inner);
        }
        return node.has("text") ? node.path("text").asText() : null;
    }
  }

  private static String plainText(JsonNode content) {
    StringBuilder out = new StringBuilder();
    for (JsonNode n : content) {
      out.append(n.has("text") ? n.path("text").asText() : "\n");
    }
    return out.toString();
  }

  private static String inline(JsonNode content) {
    StringBuilder out = new StringBuilder();
    for (JsonNode n : content) {
      switch (n.path("type").asText()) {
        case "text" -> out.append(marked(n.path("text").asText(), n.path("marks")));
        case "hardBreak" -> out.append('\n');
        case "mention" -> out.append("[~accountid:").append(n.path("attrs").path("id").asText())
            .append(']');
        case "emoji" -> out.append(n.path("attrs").path("text").asText(
            n.path("attrs").path("shortName").asText()));
        case "inlineCard" -> out.append('[').append(n.path("attrs").path("url").asText())
            .append(']');
        default -> {
          if (n.has("text")) {
            out.append(n.path("text").asText());
          } else if (n.path("attrs").hasNonNull("text")) {
            out.append(n.path("attrs").path("text").asText()); // status, date-like lozenges
          } else if (n.has("content")) {
            out.append(inline(n.path("content")));
          }
        }
      }
    }
    return out.toString();
  }

  private static String marked(String text, JsonNode marks) {
    String result = text;
    String href = null;
    List<JsonNode> ordered = new ArrayList<>();
    marks.forEach(m -> ordered.add(0, m)); // the first mark is the outermost in wiki
    for (JsonNode mark : ordered) {
      switch (mark.path("type").asText()) {
        case "strong" -> result = "*" + result + "*";
        case "em" -> result = "_" + result + "_";
        case "underline" -> result = "+" + result + "+";
        case "strike" -> result = "-" + result + "-";
        case "code" -> result = "{{" + result + "}}";
        case "link" -> href = mark.path("attrs").path("href").asText();
        default -> { }
      }
    }
    if (href != null) {
      result = text.equals(href) && result.equals(text) && looksLikeUrl(href) ? "[" + href + "]"
          : "[" + result + "|" + href + "]";
    }
    return result;
  }

  // ------------------------------------------------------------------ wiki -> ADF

  private static final Pattern HEADING = Pattern.compile("h([1-6])\\. (.*)");
  private static final Pattern LIST_ITEM = Pattern.compile("([*#]+) (.*)");
  private static final Pattern CODE_START = Pattern.compile("\\{code(?::([^}]*))?}\\s*");

  /** The ADF document of a wiki markup text; null stays null. */
  public static ObjectNode fromWiki(String wiki) {
    ObjectNode doc = JSON.objectNode().put("type", "doc").put("version", 1);
    ArrayNode content = doc.putArray("content");
    if (wiki == null) {
      return doc;
    }
    blocks(wiki.replace("\r\n", "\n").split("\n", -1), content);
    return doc;
  }

  private static void blocks(String[] lines, ArrayNode out) {
    int i = 0;
    List<String> paragraph = new ArrayList<>();
    while (i < lines.length) {
      String line = lines[i];
      Matcher code = CODE_START.matcher(line);
      Matcher heading = HEADING.matcher(line);
      Matcher item = LIST_ITEM.matcher(line);
      if (code.matches()) {
        flush(paragraph, out);
        int end = i + 1;
        while (end < lines.length && !lines[end].equals("{code}")) {
          end++;
        }
        ObjectNode block = out.addObject().put("type", "codeBlock");
        if (code.group(1) != null && !code.group(1).isEmpty()) {
          block.putObject("attrs").put("language", code.group(1));
        }
        String text = String.join("\n", java.util.Arrays.copyOfRange(lines, i + 1,
            Math.min(end, lines.length)));
        ArrayNode c = block.putArray("content");
        if (!text.isEmpty()) {
          c.addObject().put("type", "text").put("text", text);
        }
        i = end + 1;
      } else if (line.equals("{quote}")) {
        flush(paragraph, out);
        int end = i + 1;
        while (end < lines.length && !lines[end].equals("{quote}")) {
          end++;
        }
        ObjectNode quote = out.addObject().put("type", "blockquote");
        blocks(java.util.Arrays.copyOfRange(lines, i + 1, Math.min(end, lines.length)),
            quote.putArray("content"));
        i = end + 1;
      } else if (heading.matches()) {
        flush(paragraph, out);
        ObjectNode h = out.addObject().put("type", "heading");
        h.putObject("attrs").put("level", Integer.parseInt(heading.group(1)));
        h.set("content", inline(heading.group(2)));
        i++;
      } else if (line.equals("----")) {
        flush(paragraph, out);
        out.addObject().put("type", "rule");
        i++;
      } else if (item.matches()) {
        flush(paragraph, out);
        int end = i;
        while (end < lines.length && LIST_ITEM.matcher(lines[end]).matches()) {
          end++;
        }
        list(java.util.Arrays.asList(lines).subList(i, end), 0, out);
        i = end;
      } else if (line.isEmpty()) {
        flush(paragraph, out);
        i++;
      } else {
        paragraph.add(line);
        i++;
      }
    }
    flush(paragraph, out);
  }

  /** Lines of one list at a depth (their markers at least depth + 1 long). */
  private static void list(List<String> lines, int depth, ArrayNode out) {
    int i = 0;
    while (i < lines.size()) {
      Matcher m = LIST_ITEM.matcher(lines.get(i));
      m.matches();
      char kind = m.group(1).charAt(depth);
      ObjectNode list = out.addObject().put("type", kind == '*' ? "bulletList" : "orderedList");
      ArrayNode items = list.putArray("content");
      ObjectNode current = null;
      while (i < lines.size()) {
        Matcher n = LIST_ITEM.matcher(lines.get(i));
        n.matches();
        String marker = n.group(1);
        if (marker.length() == depth + 1) {
          if (marker.charAt(depth) != kind) {
            break;
          }
          current = items.addObject().put("type", "listItem");
          ArrayNode c = current.putArray("content");
          ObjectNode p = c.addObject().put("type", "paragraph");
          p.set("content", inline(n.group(2)));
          i++;
        } else {
          int end = i;
          while (end < lines.size()) {
            Matcher d = LIST_ITEM.matcher(lines.get(end));
            d.matches();
            if (d.group(1).length() <= depth + 1) {
              break;
            }
            end++;
          }
          if (current == null) {
            current = items.addObject().put("type", "listItem");
            current.putArray("content");
          }
          list(lines.subList(i, end), depth + 1, (ArrayNode) current.get("content"));
          i = end;
        }
      }
    }
  }

  private static void flush(List<String> lines, ArrayNode out) {
    if (lines.isEmpty()) {
      return;
    }
    ObjectNode p = out.addObject().put("type", "paragraph");
    ArrayNode content = p.putArray("content");
    for (int i = 0; i < lines.size(); i++) {
      if (i > 0) {
        content.addObject().put("type", "hardBreak");
      }
      content.addAll(inline(lines.get(i)));
    }
    lines.clear();
  }

  private static final Pattern MENTION = Pattern.compile("\\[~accountid:([^\\]]+)]");
  private static final Pattern LINK = Pattern.compile("\\[([^\\]|]*)(?:\\|([^\\]]+))?]");
  private static final String MARKS = "*_+-";

  private static ArrayNode inline(String text) {
    ArrayNode out = JSON.arrayNode();
    inline(text, List.of(), out);
    return out;
  }

  private static void inline(String text, List<ObjectNode> marks, ArrayNode out) {
    StringBuilder plain = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '[') {
        Matcher mention = MENTION.matcher(text).region(i, text.length());
        if (mention.lookingAt()) {
          emit(plain, marks, out);
          ObjectNode m = out.addObject().put("type", "mention");
          m.putObject("attrs").put("id", mention.group(1));
          i = mention.end();
          continue;
        }
        Matcher link = LINK.matcher(text).region(i, text.length());
        if (link.lookingAt() && (link.group(2) != null || looksLikeUrl(link.group(1)))) {
          emit(plain, marks, out);
          String href = link.group(2) != null ? link.group(2) : link.group(1);
          ObjectNode mark = JSON.objectNode().put("type", "link");
          mark.putObject("attrs").put("href", href);
          List<ObjectNode> withLink = new ArrayList<>(marks);
          withLink.add(mark);
          inline(link.group(1), withLink, out);
          i = link.end();
          continue;
        }
      }
      if (c == '{' && text.startsWith("{{", i)) {
        int end = text.indexOf("}}", i + 2);
        if (end > i + 2) {
          emit(plain, marks, out);
          List<ObjectNode> withCode = new ArrayList<>(marks);
          withCode.add(JSON.objectNode().put("type", "code"));
          emitText(text.substring(i + 2, end), withCode, out);
          i = end + 2;
          continue;
        }
      }
      if (MARKS.indexOf(c) >= 0 && opens(text, i)) {
        int end = closing(text, i, c);
        if (end > 0) {
          emit(plain, marks, out);
          List<ObjectNode> with = new ArrayList<>(marks);
          with.add(JSON.objectNode().put("type", switch (c) {
            case '*' -> "strong";
            case '_' -> "em";
            case '+' -> "underline";
            default -> "strike";
          }));
          inline(text.substring(i + 1, end), with, out);
          i = end + 1;
          continue;
        }
      }
      plain.append(c);
      i++;
    }
    emit(plain, marks, out);
  }

  private static boolean looksLikeUrl(String s) {
    return s.matches("(https?|mailto|ftp):\\S+");
  }

  /** A mark opens at the start or after a non-word character, before a non-space. */
  private static boolean opens(String text, int i) {
    boolean before = i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1));
    return before && i + 1 < text.length() && !Character.isWhitespace(text.charAt(i + 1))
        && text.charAt(i + 1) != text.charAt(i);
  }

  /** The closing mark: after a non-space, before the end or a non-word character. */
  private static int closing(String text, int open, char mark) {
    for (int j = open + 2; j < text.length(); j++) {
      if (text.charAt(j) == mark && !Character.isWhitespace(text.charAt(j - 1))
          && (j + 1 == text.length() || !Character.isLetterOrDigit(text.charAt(j + 1)))) {
        return j;
      }
    }
    return -1;
  }

  private static void emit(StringBuilder plain, List<ObjectNode> marks, ArrayNode out) {
    if (plain.length() > 0) {
      emitText(plain.toString(), marks, out);
      plain.setLength(0);
    }
  }

  private static void emitText(String text, List<ObjectNode> marks, ArrayNode out) {
    ObjectNode t = out.addObject().put("type", "text").put("text", text);
    if (!marks.isEmpty()) {
      ArrayNode m = t.putArray("marks");
      // ADF lists the link mark last; wiki nests it outermost.
      marks.stream().filter(x -> !"link".equals(x.path("type").asText())).forEach(m::add);
      marks.stream().filter(x -> "link".equals(x.path("type").asText())).forEach(m::add);
    }
  }
}
