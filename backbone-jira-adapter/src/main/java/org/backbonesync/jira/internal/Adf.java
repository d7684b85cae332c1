package org.backbonesync.jira.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.backbonesync.spi.message.StrictJson;

/**
 * Converts between the Atlassian Document Format of Jira Cloud's REST v3 and the wiki markup of
 * REST v2, which is the normalized text form that crosses the tracker port.
 *
 * <p>What maps to what (ADF on the left, wiki on the right):
 * <ul>
 *   <li>paragraph: lines; hardBreak: a new line, or {@code \\} where a new line would leave an
 *       empty line or inside a heading or table cell; heading: {@code h1. }..{@code h6. }.
 *   <li>bulletList, orderedList: {@code *} and {@code #} lines, nested up to
 *       {@link #MAX_LIST_DEPTH}; text lines under an item continue it.
 *   <li>codeBlock: {@code {code:language}}..{@code {code}} ({@code {noformat}} reads as a code
 *       block without language and comes back as {@code {code}}).
 *   <li>blockquote: {@code bq. } for one line, else {@code {quote}}..{@code {quote}}.
 *   <li>panel: {@code {panel:bgColor=#hex}}..{@code {panel}} with the background of its type
 *       ({@link #PANEL_BACKGROUNDS}), as Jira Cloud's REST v2 writes panels. Server's
 *       {@code {info}}, {@code {note}}, {@code {warning}} and {@code {tip}} (success) read as
 *       panels too; a {@code {panel}} of another or no background as info; a title as a bold
 *       first line.
 *   <li>table: a row per line, {@code ||header||} and {@code |cell|}, a cell's blocks as one line.
 *   <li>rule: {@code ----}.
 *   <li>marks: strong {@code *b*}, em {@code _i_}, underline {@code +u+}, strike {@code -s-},
 *       sub {@code ~s~}, sup {@code ^s^} (in the {@code {*}b{*}} form next to a letter or a
 *       space), code {@code {{c}}}, textColor {@code {color:#rrggbb}c{color}}, link
 *       {@code [text|href]} or {@code [href]}.
 *   <li>mention: {@code [~accountid:id]}; status lozenge: {@code *[TEXT]*}, inside
 *       {@code {color:#hex}} for a colour other than neutral (the palette is {@link #STATUS});
 *       bold text of that form reads back as a lozenge.
 * </ul>
 *
 * <p>Reduced to their text, never dropped: expands (title in bold, then the content), media
 * ({@code !name!}), emoji, dates, cards (links), task and decision lists (bullet lists), cell
 * spans and colours, and blocks where ADF does not allow them (a table in a panel, a heading in
 * a quote). Code blocks lose the parameters other than the language. Between two Cloud sites
 * nothing is lost all the same: a document that holds more than its markup ({@link
 * #holdsMoreThan}) goes beside the text, and the receiver writes it where the text is still its
 * markup ({@link #documentFor}).
 *
 * <p>Round trips are stable: what {@link #toWiki} writes, {@link #fromWiki} reads back to a
 * document that writes the same text, and the document read from any text is read again from its
 * own text. Literal markup in text is escaped with a backslash ({@code \*}), a literal backslash
 * before markup is {@code &#92;}. Documents nested deeper than {@link #MAX_DEPTH} are flattened to
 * their text past that depth; neither direction recurses deeper or takes more than linear time.
 */
public final class Adf {
  /** Deepest ADF node nesting converted as such (a document read through {@link StrictJson}). */
  public static final int MAX_DEPTH = StrictJson.MAX_NESTING_DEPTH / 2;
  /** Deepest list nesting: wiki markers longer than this read as this deep. */
  public static final int MAX_LIST_DEPTH = 20;
  /** Status lozenge colours and the text colour that stands for each in wiki. */
  public static final Map<String, String> STATUS = Map.of("purple", "#6554c0", "blue", "#0052cc",
      "red", "#de350b", "yellow", "#ff991f", "green", "#00875a");

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Adf() {}

  /** Whether a JSON value is an ADF document. */
  public static boolean isDocument(JsonNode node) {
    return node != null && node.isObject() && "doc".equals(node.path("type").asText());
  }

  /** The wiki markup of an ADF document. */
  public static String toWiki(JsonNode doc) {
    return WikiWriter.write(AdfCanon.doc(doc));
  }

  /** The ADF document of a wiki markup text; null is the empty document. */
  public static ObjectNode fromWiki(String wiki) {
    return AdfCanon.doc(WikiReader.read(wiki == null ? "" : wiki));
  }

  // ------------------------------------------------------------------ documents beside the text

  /**
   * Most nodes in a partner's document written as such (a Jira description of 32,767
   * characters has far fewer); a larger one is written from its wiki markup.
   */
  public static final int MAX_DOCUMENT_NODES = 100_000;

  /**
   * Whether a document read from Jira holds more than its wiki markup: then it goes beside the
   * text to a Cloud partner, which writes it instead of the markup. A document the markup reads
   * back to exactly needs no companion.
   */
  static boolean holdsMoreThan(String wiki, JsonNode doc) {
    return !fromWiki(wiki).equals(doc);
  }

  /** Why a partner's document is not written as it is, or null when it can be. */
  static String unfit(JsonNode doc) {
    if (!isDocument(doc)) {
      return "it is not an ADF document";
    }
    int nodes = 0;
    Deque<JsonNode> todo = new ArrayDeque<>();
    Deque<Integer> depths = new ArrayDeque<>();
    todo.push(doc);
    depths.push(1);
    while (!todo.isEmpty()) {
      JsonNode node = todo.pop();
      int depth = depths.pop();
      if (++nodes > MAX_DOCUMENT_NODES) {
        return "it has more than " + MAX_DOCUMENT_NODES + " nodes (Adf.MAX_DOCUMENT_NODES)";
      }
      if (depth > MAX_DEPTH) {
        return "it is nested deeper than " + MAX_DEPTH + " nodes (Adf.MAX_DEPTH)";
      }
      for (JsonNode child : node.path("content")) {
        todo.push(child);
        depths.push(depth + 1);
      }
    }
    return null;
  }

  /**
   * The document to write for a wiki text given with a partner's document: the document, when
   * the text is its wiki markup; when the text is some lines (an author prefix, say) and then
   * the document's markup, the document with those lines in front (on its first paragraph's
   * first line, or as blocks of their own); when the document's markup is some lines and then
   * the text (a comment copy edited, sent back without its prefix), the document without its
   * first lines or blocks; each only if it reads back as the text, or as the text's own document
   * would. Else null, and the text is written from its own markup. So what is written reads back
   * as writing the text would.
   */
  static ObjectNode documentFor(String wiki, JsonNode doc) {
    if (wiki == null || unfit(doc) != null) {
      return null;
    }
    String own = toWiki(doc);
    if (own.equals(wiki)) {
      return (ObjectNode) doc;
    }
    if (!own.isEmpty() && wiki.endsWith("\n" + own)) {
      return withLinesBefore(wiki, own, (ObjectNode) doc);
    }
    if (!wiki.isEmpty() && own.endsWith("\n" + wiki)) {
      return withoutLinesBefore(wiki, (ObjectNode) doc);
    }
    return null;
  }

  /** Whether a document written would read back as the text, or as the text's own document. */
  private static boolean readsAs(ObjectNode written, String wiki, String[] target) {
    String back = toWiki(written);
    if (back.equals(wiki)) {
      return true;
    }
    if (target[0] == null) {
      target[0] = toWiki(fromWiki(wiki));
    }
    return back.equals(target[0]);
  }

  private static ObjectNode withLinesBefore(String wiki, String own, ObjectNode doc) {
    String[] target = new String[1];
    JsonNode prefix = fromWiki(wiki.substring(0, wiki.length() - own.length() - 1))
        .path("content");
    JsonNode first = doc.path("content").path(0);
    if (prefix.size() == 1 && "paragraph".equals(prefix.get(0).path("type").asText())
        && "paragraph".equals(first.path("type").asText())) {
      // "Alice wrote:" on the first paragraph's first line, as the wiki text reads
      ObjectNode joined = doc.deepCopy();
      ObjectNode paragraph = (ObjectNode) joined.get("content").get(0);
      ArrayNode inline = JSON.arrayNode();
      inline.addAll((ArrayNode) prefix.get(0).path("content"));
      inline.addObject().put("type", "hardBreak");
      if (paragraph.path("content").isArray()) {
        inline.addAll((ArrayNode) paragraph.get("content"));
      }
      paragraph.set("content", inline);
      if (readsAs(joined, wiki, target)) {
        return joined;
      }
    }
    ObjectNode blocks = doc.deepCopy();
    ArrayNode content = JSON.arrayNode();
    content.addAll((ArrayNode) prefix);
    doc.path("content").forEach(content::add);
    blocks.set("content", content);
    return readsAs(blocks, wiki, target) ? blocks : null;
  }

  /** How many first lines or blocks are tried off a document: a prefix is a line or two. */
  private static final int MAX_LINES_CUT = 5;

  private static ObjectNode withoutLinesBefore(String wiki, ObjectNode doc) {
    String[] target = new String[1];
    ObjectNode cut = doc.deepCopy();
    if (!cut.path("content").isArray()) {
      return null;
    }
    ArrayNode blocks = (ArrayNode) cut.get("content");
    for (int attempt = 0; attempt < MAX_LINES_CUT && !blocks.isEmpty(); attempt++) {
      JsonNode first = blocks.get(0);
      int lineEnd = -1;
      if ("paragraph".equals(first.path("type").asText()) && first.path("content").isArray()) {
        ArrayNode inline = (ArrayNode) first.get("content");
        for (int i = 0; i < inline.size() && lineEnd < 0; i++) {
          lineEnd = "hardBreak".equals(inline.get(i).path("type").asText()) ? i : -1;
        }
        for (int i = 0; i <= lineEnd; i++) {
          inline.remove(0);
        }
      }
      if (lineEnd < 0 || first.path("content").isEmpty()) {
        blocks.remove(0); // a block of its own, or a paragraph that was the lines only
      }
      if (readsAs(cut, wiki, target)) {
        return cut;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ the syntax both sides share

  /** What a line starts, read before anything inline. */
  enum Line { BLANK, CODE, QUOTE, PANEL, HEADING, BQ, RULE, LIST, TABLE, TEXT }

  static final Pattern CODE_OPEN = Pattern.compile("\\{(code|noformat)(?::([^}]*))?}");
  static final Pattern PANEL_OPEN =
      Pattern.compile("\\{(panel|info|note|warning|tip)(?::([^}]*))?}");
  static final Pattern HEADING = Pattern.compile("h([1-6])\\. (.*)");
  static final Pattern BQ = Pattern.compile("bq\\. (.*)");
  static final Pattern LIST_ITEM = Pattern.compile("([*#]+) (.*)");

  static Line kind(String line) {
    if (line.isBlank()) {
      return Line.BLANK;
    }
    String s = line.strip();
    if (s.startsWith("{")) {
      if (CODE_OPEN.matcher(s).matches()) {
        return Line.CODE;
      }
      if (s.equals("{quote}")) {
        return Line.QUOTE;
      }
      if (PANEL_OPEN.matcher(s).matches()) {
        return Line.PANEL;
      }
    }
    char c = line.charAt(0);
    if (c == 'h' && HEADING.matcher(line).matches()) {
      return Line.HEADING;
    }
    if (c == 'b' && BQ.matcher(line).matches()) {
      return Line.BQ;
    }
    if (s.equals("----")) {
      return Line.RULE;
    }
    if ((c == '*' || c == '#') && LIST_ITEM.matcher(line).matches()) {
      return Line.LIST;
    }
    return c == '|' ? Line.TABLE : Line.TEXT;
  }

  /** Whether a line of text would read as something else than text. */
  static boolean startsBlock(String line) {
    return kind(line) != Line.TEXT;
  }

  /** A text line escaped as such ({@code \h1. x}) without its escape. */
  static String unescapeLineStart(String line) {
    return line.startsWith("\\") && startsBlock(line.substring(1)) ? line.substring(1) : line;
  }

  static final String MARK_CHARS = "*_+-~^";
  static final String BACKSLASH = "&#92;";
  static final String MENTION = "~accountid:";
  private static final String ESCAPABLE = "\\*_+-~^{}[]|&";

  static boolean escapable(char c) {
    return ESCAPABLE.indexOf(c) >= 0;
  }

  static String markType(char c) {
    return switch (c) {
      case '*' -> "strong";
      case '_' -> "em";
      case '+' -> "underline";
      case '-' -> "strike";
      default -> "subsup";
    };
  }

  static ObjectNode mark(char c) {
    ObjectNode mark = JSON.objectNode().put("type", markType(c));
    if (c == '~' || c == '^') {
      mark.putObject("attrs").put("type", c == '~' ? "sub" : "sup");
    }
    return mark;
  }

  /** The wiki character of a mark, or 0 for marks written otherwise. */
  static char markChar(JsonNode mark) {
    return switch (mark.path("type").asText()) {
      case "strong" -> '*';
      case "em" -> '_';
      case "underline" -> '+';
      case "strike" -> '-';
      case "subsup" -> "sub".equals(mark.path("attrs").path("type").asText()) ? '~' : '^';
      default -> 0;
    };
  }

  /** Backslash escapes and {@code &#92;} resolved. */
  static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && escapable(s.charAt(i + 1))) {
        out.append(s.charAt(++i));
      } else if (c == '&' && s.startsWith(BACKSLASH, i)) {
        out.append('\\');
        i += BACKSLASH.length() - 1;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  static int unescapedIndexOf(String s, char wanted) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        i++;
      } else if (c == wanted) {
        return i;
      }
    }
    return -1;
  }

  static boolean looksLikeUrl(String s) {
    return s.matches("(https?|mailto|ftp):\\S+");
  }

  private static final Map<String, String> COLOR_NAMES = Map.ofEntries(
      Map.entry("black", "#000000"), Map.entry("white", "#ffffff"), Map.entry("red", "#ff0000"),
      Map.entry("green", "#008000"), Map.entry("blue", "#0000ff"), Map.entry("yellow", "#ffff00"),
      Map.entry("orange", "#ffa500"), Map.entry("purple", "#800080"),
      Map.entry("gray", "#808080"), Map.entry("grey", "#808080"), Map.entry("navy", "#000080"),
      Map.entry("teal", "#008080"), Map.entry("maroon", "#800000"), Map.entry("lime", "#00ff00"));
  private static final Pattern HEX6 = Pattern.compile("#[0-9a-f]{6}");
  private static final Pattern HEX3 = Pattern.compile("#[0-9a-f]{3}");

  /** A colour as {@code #rrggbb} in lower case, or null when it names none. */
  static String color(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (HEX6.matcher(v).matches()) {
      return v;
    }
    if (HEX3.matcher(v).matches()) {
      return "#" + v.charAt(1) + v.charAt(1) + v.charAt(2) + v.charAt(2) + v.charAt(3)
          + v.charAt(3);
    }
    return COLOR_NAMES.get(v);
  }

  /** A code block language as a macro parameter can hold it, or null. */
  static String language(String value) {
    String lang = value == null ? "" : value.strip().replaceAll("[^A-Za-z0-9_+#.-]", "");
    return lang.isEmpty() ? null : lang;
  }

  /** Panel types and the background that stands for each in wiki. */
  public static final Map<String, String> PANEL_BACKGROUNDS = Map.of("info", "#deebff",
      "note", "#eae6ff", "success", "#e3fcef", "warning", "#fffae6", "error", "#ffebe6");

  /** The ADF panel type of a wiki panel macro. */
  static String panelType(String macro, String bgColor) {
    switch (macro) {
      case "info", "note", "warning":
        return macro;
      case "tip":
        return "success";
      default:
        String bg = bgColor == null ? null : color(bgColor);
        for (Map.Entry<String, String> e : PANEL_BACKGROUNDS.entrySet()) {
          if (e.getValue().equals(bg)) {
            return e.getKey();
          }
        }
        return "info";
    }
  }

  /** The wiki opening line of a panel of a type, the form Jira Cloud's REST v2 writes too. */
  static String panelOpening(String panelType) {
    return "{panel:bgColor=" + PANEL_BACKGROUNDS.getOrDefault(panelType,
        PANEL_BACKGROUNDS.get("info")) + "}";
  }

  static String panelClosing() {
    return "{panel}";
  }
}
