package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.backbonesync.spi.message.StrictJson;
import org.junit.jupiter.api.Test;

/**
 * After the first conversion, every further round trip gives the same text and the same
 * document: for random nested documents, random markup, large documents and hostile ones. The
 * module's {@code junit-platform.properties} sets how many tries a build runs.
 */
class AdfRoundTripTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** Generous: linear conversion of these inputs takes well under a second. */
  private static final Duration LINEAR = Duration.ofSeconds(20);

  // ------------------------------------------------------------------ properties

  @Provide
  Arbitrary<ObjectNode> documents() {
    // A document is built from a list of choices, so that jqwik shrinks it by shrinking the list.
    return Arbitraries.integers().between(0, 999).list().ofMaxSize(300)
        .map(choices -> new RandomDocument(choices).doc());
  }

  @Provide
  Arbitrary<String> wikiTexts() {
    return Arbitraries.of(RandomDocument.FRAGMENTS).list().ofMaxSize(80)
        .map(parts -> String.join("", parts));
  }

  /** ADF to wiki to ADF to wiki: the second text is the first, the second document the first. */
  @Property
  void documentsAreStableAfterTheFirstConversion(@ForAll("documents") ObjectNode doc) {
    assertStable(Adf.toWiki(doc));
  }

  /** Wiki to ADF to wiki, and again: stable after the first. */
  @Property
  void wikiIsStableAfterTheFirstConversion(@ForAll("wikiTexts") String wiki) {
    assertStable(Adf.toWiki(Adf.fromWiki(wiki)));
  }

  /** A text the converter wrote reads back to a document that writes that text. */
  private static void assertStable(String wiki) {
    ObjectNode doc = Adf.fromWiki(wiki);
    String again = Adf.toWiki(doc);
    assertEquals(wiki, again);
    assertEquals(doc, Adf.fromWiki(again));
  }

  // ------------------------------------------------------------------ large documents

  @Test
  void aLargeDocumentOfEveryKindOfBlockIsKeptWhole() {
    ArrayNode content = JSON.arrayNode();
    for (int i = 0; i < 60; i++) {
      content.add(heading(2, "Section " + i));
      content.add(paragraph(text("Intro of " + i + " with "), marked("bold", "strong"),
          text(" and "), colored("red", "#ff0000"), text(" and "), status("DONE", "green")));
      content.add(table(List.of(List.of("Key", "Value")),
          List.of(List.of("a|b", "{braces}"), List.of("x" + i, "[not a link]"))));
      content.add(panel(i % 5 == 0 ? "info" : i % 5 == 1 ? "note" : i % 5 == 2 ? "warning"
          : i % 5 == 3 ? "success" : "error", paragraph(text("Panel " + i))));
      content.add(code("java", "int x = " + i + ";\n{code}\nreturn x;"));
      content.add(quote(paragraph(text("Quoted " + i)), paragraph(text("and more"))));
    }
    ObjectNode doc = doc(content);
    assertEquals(360, content.size());

    String wiki = assertTimeoutPreemptively(LINEAR, () -> Adf.toWiki(doc));
    ObjectNode back = Adf.fromWiki(wiki);

    assertEquals(AdfCanon.doc(doc), back, "every block maps to wiki and back as it was");
    assertEquals(wiki, Adf.toWiki(back));
    assertEquals(60, count(wiki, "||Key||Value||"));
    assertEquals(60, count(wiki, "|a\\|b|{braces}|"));
    assertEquals(60, count(wiki, "{color:#00875a}*[DONE]*{color}"));
  }

  @Test
  void aLargeWikiTextOfHundredsOfBlocksIsStable() {
    String wiki = IntStream.range(0, 400).mapToObj(i -> switch (i % 8) {
      case 0 -> "h3. Part " + i;
      case 1 -> "* item " + i + "\n** nested *bold* " + i + "\n\n# numbered";
      case 2 -> "||a||b||\n|" + i + "|[link|https://example.com/" + i + "]|";
      case 3 -> "{code:sql}\nselect " + i + ";\n{code}";
      case 4 -> "{panel:bgColor=#fffae6}\nCareful with " + i + "\n{panel}";
      case 5 -> "bq. Someone said " + i;
      case 6 -> "{color:#0052cc}blue " + i + "{color} and {{mono}}";
      default -> "----";
    }).collect(Collectors.joining("\n\n"));

    ObjectNode doc = assertTimeoutPreemptively(LINEAR, () -> Adf.fromWiki(wiki));

    assertEquals(wiki, Adf.toWiki(doc), "this markup is already in the written form");
    assertEquals(450, doc.path("content").size()); // the "#" list is a second list: 400 + 50
  }

  /**
   * A large document of what wiki cannot hold (expands, media, layouts, task and decision lists,
   * emoji, dates, cards, a table in a panel): reduced to text once, stable after, and, between
   * two Cloud sites, written as it is since the text is its markup.
   */
  @Test
  void aLargeDocumentOfWhatWikiCannotHoldIsStableAfterTheFirstConversionAndCrossesWhole() {
    ArrayNode content = JSON.arrayNode();
    for (int i = 0; i < 50; i++) {
      ObjectNode expand = JSON.objectNode().put("type", "expand");
      expand.putObject("attrs").put("title", "Details " + i);
      expand.putArray("content").add(paragraph(text("hidden " + i)))
          .add(code("sql", "select " + i + ";"));
      content.add(expand);
      ObjectNode media = content.addObject().put("type", "mediaSingle");
      media.putObject("attrs").put("layout", "wide").put("width", 80);
      media.putArray("content").addObject().put("type", "media").putObject("attrs")
          .put("id", "m-" + i).put("type", "file").put("collection", "c")
          .put("alt", "shot-" + i + ".png");
      ObjectNode layout = content.addObject().put("type", "layoutSection");
      ArrayNode columns = layout.putArray("content");
      for (String side : List.of("left", "right")) {
        ObjectNode column = columns.addObject().put("type", "layoutColumn");
        column.putObject("attrs").put("width", 50);
        column.putArray("content").add(paragraph(text(side + " " + i)));
      }
      ObjectNode tasks = content.addObject().put("type", "taskList");
      tasks.putObject("attrs").put("localId", "t-" + i);
      ObjectNode task = tasks.putArray("content").addObject().put("type", "taskItem");
      task.putObject("attrs").put("localId", "ti-" + i).put("state", i % 2 == 0 ? "DONE" : "TODO");
      task.putArray("content").add(text("task " + i));
      ObjectNode decisions = content.addObject().put("type", "decisionList");
      ObjectNode decision = decisions.putArray("content").addObject().put("type", "decisionItem");
      decision.putObject("attrs").put("state", "DECIDED");
      decision.putArray("content").add(text("decided " + i));
      ObjectNode emoji = JSON.objectNode().put("type", "emoji");
      emoji.putObject("attrs").put("shortName", ":smile:").put("text", "\ud83d\ude04");
      ObjectNode date = JSON.objectNode().put("type", "date");
      date.putObject("attrs").put("timestamp", String.valueOf(1_767_225_600_000L + i * 86_400_000L));
      ObjectNode card = JSON.objectNode().put("type", "inlineCard");
      card.putObject("attrs").put("url", "https://example.com/" + i);
      content.add(paragraph(text("On "), date, text(" "), emoji, text(" see "), card));
      content.add(panel("note", table(List.of(List.of("k", "v")),
          List.of(List.of("row", String.valueOf(i))))));
    }
    ObjectNode doc = doc(content);

    String wiki = assertTimeoutPreemptively(LINEAR, () -> Adf.toWiki(doc));
    assertStable(wiki);
    assertEquals(50, count(wiki, "*Details "), "each expand's title, in bold");
    assertEquals(50, count(wiki, "!shot-"), "each image by its name");
    assertEquals(25, count(wiki, "* [x] task"));
    assertTrue(wiki.contains("On 2026-01-01 \ud83d\ude04 see [https://example.com/0]"), wiki);

    assertTrue(Adf.holdsMoreThan(wiki, doc), "so it goes beside the text");
    assertEquals(doc, Adf.documentFor(wiki, doc), "and a Cloud partner writes it whole");
  }

  // ------------------------------------------------------------------ hostile documents

  @Test
  void deepDocumentsAreFlattenedBeyondTheDepthLimitWithoutBlowingTheStack() {
    ObjectNode leaf = paragraph(text("deep"));
    ObjectNode quotes = leaf;
    ObjectNode lists = leaf;
    for (int i = 0; i < 10_000; i++) {
      quotes = i % 2 == 0 ? quote(quotes) : panel("note", quotes);
      ObjectNode list = JSON.objectNode().put("type", "bulletList");
      list.putArray("content").addObject().put("type", "listItem").putArray("content")
          .add(paragraph(text("level " + i))).add(lists);
      lists = list;
    }
    ObjectNode deepQuotes = doc(JSON.arrayNode().add(quotes));
    ObjectNode deepLists = doc(JSON.arrayNode().add(lists));

    String q = assertTimeoutPreemptively(LINEAR, () -> Adf.toWiki(deepQuotes));
    String l = assertTimeoutPreemptively(LINEAR, () -> Adf.toWiki(deepLists));

    assertEquals("{panel:bgColor=#eae6ff}\ndeep\n{panel}", q, "a panel holds no panel or quote in ADF: flattened");
    String[] lines = l.split("\n");
    assertEquals("* level 9999", lines[0]);
    assertEquals("*".repeat(Adf.MAX_LIST_DEPTH) + " level " + (10_000 - Adf.MAX_LIST_DEPTH),
        lines[Adf.MAX_LIST_DEPTH - 1]);
    assertTrue(l.endsWith("deep"), "the text past the depth limit is kept");
    assertEquals(l, Adf.toWiki(Adf.fromWiki(l)));
  }

  @Test
  void jiraDocumentsAreBoundedByTheStrictJsonNestingLimit() {
    String nested = "{\"type\":\"doc\",\"content\":[" + "{\"type\":\"blockquote\",\"content\":["
        .repeat(StrictJson.MAX_NESTING_DEPTH) + "]}".repeat(StrictJson.MAX_NESTING_DEPTH) + "]}";
    assertThrows(StreamConstraintsException.class, () -> StrictJson.mapper().readTree(nested));
    assertTrue(Adf.MAX_DEPTH * 2 <= StrictJson.MAX_NESTING_DEPTH,
        "a document Jira sends and StrictJson reads is converted without flattening");
  }

  @Test
  void deepWikiListMarkersAreCappedAtTheListDepth() {
    String wiki = "*".repeat(100_000) + " x\n\n" + "#".repeat(30) + " y";
    String written = assertTimeoutPreemptively(LINEAR, () -> Adf.toWiki(Adf.fromWiki(wiki)));
    String[] lines = written.split("\n");
    assertEquals("*".repeat(Adf.MAX_LIST_DEPTH) + " x", lines[Adf.MAX_LIST_DEPTH - 1]);
    assertEquals("#".repeat(Adf.MAX_LIST_DEPTH) + " y", lines[lines.length - 1]);
    assertStable(written);
  }

  @Test
  void hugeCellsAndRunsOfMarkupCostLinearTime() {
    int n = 2 * 32_768; // twice the longest text a Jira text field takes
    List<String> hostile = List.of(
        "|" + "a".repeat(n) + "|",
        "|a".repeat(n / 2) + "|",
        "[".repeat(n), "[a|".repeat(n / 3), "*a ".repeat(n / 3), "{{".repeat(n / 2),
        "{*}a".repeat(n / 4), "{color:red}".repeat(n / 11), "\\".repeat(n),
        "{quote}\n".repeat(n / 8), "{info}\n{quote}\n{note}\n".repeat(n / 20),
        "a\n".repeat(n / 2), "|".repeat(n), "*_+-~^{[|]}\\&#92; ".repeat(n / 20));
    for (String wiki : hostile) {
      String written = assertTimeoutPreemptively(LINEAR, () -> Adf.toWiki(Adf.fromWiki(wiki)),
          wiki.substring(0, 20));
      assertTimeoutPreemptively(LINEAR, () -> assertStable(written), wiki.substring(0, 20));
    }
  }

  @Test
  void pipesAndBracesInTextAreEscapedWhereTheyWouldBeMarkup() {
    ObjectNode doc = doc(JSON.arrayNode()
        .add(paragraph(text("a | b {code} [x|y] *not bold* {{not code}} \\{ C:\\dir")))
        .add(paragraph(text("{quote}")))
        .add(paragraph(text("* not a list")))
        .add(paragraph(text("h1. not a heading")))
        .add(table(List.of(), List.of(List.of("|a|", "b||c", "[d|e]")))));

    String wiki = Adf.toWiki(doc);

    assertEquals("a | b {code} \\[x|y] \\*not bold* \\{{not code}} &#92;{ C:\\dir\n\n"
        + "\\{quote}\n\n\\* not a list\n\n\\h1. not a heading\n\n"
        + "|\\|a\\||b\\|\\|c|\\[d\\|e]|", wiki);
    assertEquals(AdfCanon.doc(doc), Adf.fromWiki(wiki), "the text comes back as it was");
  }

  @Test
  void anUnterminatedCodeBlockRunsToTheEndAndIsClosedWhenWritten() {
    ObjectNode doc = Adf.fromWiki("Before\n{code:java}\nint x;\n\n*not bold*");

    assertEquals(2, doc.path("content").size());
    JsonNode code = doc.path("content").path(1);
    assertEquals("codeBlock", code.path("type").asText());
    assertEquals("java", code.path("attrs").path("language").asText());
    assertEquals("int x;\n\n*not bold*", code.path("content").path(0).path("text").asText());
    assertEquals("Before\n\n{code:java}\nint x;\n\n*not bold*\n{code}", Adf.toWiki(doc));
  }

  @Test
  void codeThatHoldsItsOwnFenceKeepsTheLineEscaped() {
    ObjectNode doc = doc(JSON.arrayNode().add(code(null, "a\n{code}\n{quote}\nb")));

    String wiki = Adf.toWiki(doc);

    assertEquals("{code}\na\n\\{code}\n\\{quote}\nb\n{code}", wiki);
    assertStable(wiki);
  }

  // ------------------------------------------------------------------ builders

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  static ObjectNode doc(ArrayNode content) {
    ObjectNode doc = JSON.objectNode().put("type", "doc").put("version", 1);
    doc.set("content", content);
    return doc;
  }

  static ObjectNode text(String text) {
    return JSON.objectNode().put("type", "text").put("text", text);
  }

  static ObjectNode marked(String text, String mark) {
    ObjectNode t = text(text);
    t.putArray("marks").addObject().put("type", mark);
    return t;
  }

  static ObjectNode colored(String text, String color) {
    ObjectNode t = text(text);
    t.putArray("marks").addObject().put("type", "textColor").putObject("attrs")
        .put("color", color);
    return t;
  }

  static ObjectNode status(String text, String color) {
    ObjectNode s = JSON.objectNode().put("type", "status");
    s.putObject("attrs").put("text", text).put("color", color);
    return s;
  }

  static ObjectNode paragraph(ObjectNode... inline) {
    ObjectNode p = JSON.objectNode().put("type", "paragraph");
    ArrayNode content = p.putArray("content");
    for (ObjectNode n : inline) {
      content.add(n);
    }
    return p;
  }

  static ObjectNode heading(int level, String text) {
    ObjectNode h = JSON.objectNode().put("type", "heading");
    h.putObject("attrs").put("level", level);
    h.putArray("content").add(text(text));
    return h;
  }

  static ObjectNode quote(ObjectNode... blocks) {
    ObjectNode q = JSON.objectNode().put("type", "blockquote");
    ArrayNode content = q.putArray("content");
    for (ObjectNode b : blocks) {
      content.add(b);
    }
    return q;
  }

  static ObjectNode panel(String type, ObjectNode... blocks) {
    ObjectNode p = JSON.objectNode().put("type", "panel");
    p.putObject("attrs").put("panelType", type);
    ArrayNode content = p.putArray("content");
    for (ObjectNode b : blocks) {
      content.add(b);
    }
    return p;
  }

  static ObjectNode code(String language, String text) {
    ObjectNode c = JSON.objectNode().put("type", "codeBlock");
    if (language != null) {
      c.putObject("attrs").put("language", language);
    }
    c.putArray("content").add(text(text));
    return c;
  }

  static ObjectNode table(List<List<String>> headers, List<List<String>> rows) {
    ObjectNode t = JSON.objectNode().put("type", "table");
    ArrayNode content = t.putArray("content");
    for (List<String> row : headers) {
      ArrayNode cells = content.addObject().put("type", "tableRow").putArray("content");
      row.forEach(c -> cells.addObject().put("type", "tableHeader").putArray("content")
          .add(paragraph(text(c))));
    }
    for (List<String> row : rows) {
      ArrayNode cells = content.addObject().put("type", "tableRow").putArray("content");
      row.forEach(c -> cells.addObject().put("type", "tableCell").putArray("content")
          .add(paragraph(text(c))));
    }
    return t;
  }
}
