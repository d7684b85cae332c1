package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import org.backbonesync.jira.JiraFlavour;
import org.backbonesync.spi.tracker.FieldSchema;
import org.junit.jupiter.api.Test;

/**
 * A partner's ADF document beside a wiki text: read from Jira only where it holds more than the
 * markup, written only where the text is still its markup (after an author prefix, say), and
 * never when it is too deep or too large.
 */
class AdfDocumentsTest {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static ObjectNode doc(String json) {
    try {
      return (ObjectNode) MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final ObjectNode EXPAND = doc("""
      {"type":"doc","version":1,"content":[
        {"type":"paragraph","content":[{"type":"text","text":"See below"}]},
        {"type":"expand","attrs":{"title":"Logs"},"content":[
          {"type":"paragraph","content":[{"type":"text","text":"E42"}]}]}]}""");

  private static final ObjectNode PANEL_FIRST = doc("""
      {"type":"doc","version":1,"content":[
        {"type":"panel","attrs":{"panelType":"custom","panelColor":"#abcdef","panelIcon":":x:"},
          "content":[{"type":"paragraph","content":[{"type":"text","text":"Careful"}]}]},
        {"type":"layoutSection","content":[{"type":"layoutColumn","attrs":{"width":50},
          "content":[{"type":"paragraph","content":[{"type":"text","text":"left"}]}]}]}]}""");

  @Test
  void aDocumentIsWrittenWhereTheTextIsItsMarkup() {
    assertSame(EXPAND, Adf.documentFor(Adf.toWiki(EXPAND), EXPAND));
    assertNull(Adf.documentFor(Adf.toWiki(EXPAND) + " and more", EXPAND), "text changed");
    assertNull(Adf.documentFor("See below", EXPAND), "text cut");
    assertNull(Adf.documentFor("From A: " + Adf.toWiki(EXPAND), EXPAND), "not whole lines");
  }

  @Test
  void linesBeforeTheMarkupGoOnTheFirstParagraphOrAsABlockOfTheirOwn() {
    String prefixed = "Alice Archer wrote:\n" + Adf.toWiki(EXPAND);
    ObjectNode written = Adf.documentFor(prefixed, EXPAND);
    assertEquals(prefixed, Adf.toWiki(written));
    ObjectNode expected = EXPAND.deepCopy();
    ArrayNode first = (ArrayNode) expected.at("/content/0/content");
    first.insert(0, JSON.objectNode().put("type", "hardBreak"));
    first.insert(0, JSON.objectNode().put("type", "text").put("text", "Alice Archer wrote:"));
    assertEquals(expected, written);

    String beforePanel = "Bob Baker wrote:\n" + Adf.toWiki(PANEL_FIRST);
    ObjectNode panel = Adf.documentFor(beforePanel, PANEL_FIRST);
    assertEquals(Adf.toWiki(Adf.fromWiki(beforePanel)), Adf.toWiki(panel),
        "reads back as the text's own document would");
    assertEquals(PANEL_FIRST.get("content").get(0), panel.get("content").get(1),
        "the custom panel as it was");
    assertEquals(3, panel.get("content").size());
  }

  /** A comment copy edited on the partner comes back without the author prefix it carries. */
  @Test
  void linesBeforeTheTextComeOffTheDocument() {
    ObjectNode prefixed = Adf.documentFor("Alice Archer wrote:\n" + Adf.toWiki(EXPAND), EXPAND);
    assertEquals(EXPAND, Adf.documentFor(Adf.toWiki(EXPAND), prefixed));

    ObjectNode panel = Adf.documentFor("Bob Baker wrote:\n" + Adf.toWiki(PANEL_FIRST),
        PANEL_FIRST);
    assertEquals(PANEL_FIRST, Adf.documentFor(Adf.toWiki(PANEL_FIRST), panel));

    assertNull(Adf.documentFor("Logs", EXPAND), "a line that is not the document's end");
  }

  @Test
  void documentsFromJiraGoBesideTheTextOnlyWhereTheyHoldMore() {
    ObjectNode plain = Adf.fromWiki("h2. Steps\n\n* one\n* *two*\n\n{code:java}\nx();\n{code}");
    assertFalse(Adf.holdsMoreThan(Adf.toWiki(plain), plain));
    assertTrue(Adf.holdsMoreThan(Adf.toWiki(EXPAND), EXPAND));
    ObjectNode withLocalId = plain.deepCopy();
    ((ObjectNode) withLocalId.at("/content/0")).putObject("attrs").put("level", 2)
        .put("localId", "h-1");
    assertTrue(Adf.holdsMoreThan(Adf.toWiki(withLocalId), withLocalId), "an attribute more");

    JiraWire cloud = new JiraWire(JiraFlavour.CLOUD,
        List.of(new FieldSchema("description", "Description", "string", null, null, null)));
    ObjectNode issue = JSON.objectNode().put("key", "PA-1").put("id", "10001");
    ObjectNode fields = issue.putObject("fields");
    fields.set("description", EXPAND);
    fields.set("environment", plain);
    fields.putObject("issuetype").put("name", "Task");
    fields.put("created", "2026-01-01T10:00:00.000+0000");
    var read = cloud.issue(issue);
    assertEquals(java.util.Map.of("description", EXPAND), read.documents());
    assertEquals(Adf.toWiki(EXPAND), read.field("description").asText());
  }

  @Test
  void onServerADocumentIsNeverWrittenOnCloudOnlyWhereTheTextIsItsMarkup() {
    FieldSchema description = new FieldSchema("description", "Description", "string", null, null,
        null);
    JsonNode text = JSON.textNode(Adf.toWiki(EXPAND));
    assertEquals(text, new JiraWire(JiraFlavour.SERVER, List.of(description))
        .toWire("description", text, EXPAND));
    assertEquals(EXPAND, new JiraWire(JiraFlavour.CLOUD, List.of(description))
        .toWire("description", text, EXPAND));
    assertEquals(Adf.fromWiki(text.asText() + "!"), new JiraWire(JiraFlavour.CLOUD,
        List.of(description)).toWire("description", JSON.textNode(text.asText() + "!"), EXPAND));
  }

  @Test
  void aDeepOrHugeOrForeignDocumentIsWrittenFromItsText() {
    ObjectNode deep = JSON.objectNode().put("type", "paragraph");
    deep.putArray("content").addObject().put("type", "text").put("text", "deep");
    for (int i = 0; i < 10_000; i++) {
      ObjectNode quote = JSON.objectNode().put("type", i % 2 == 0 ? "blockquote" : "panel");
      quote.putArray("content").add(deep);
      deep = quote;
    }
    ObjectNode deepDoc = JSON.objectNode().put("type", "doc").put("version", 1);
    deepDoc.putArray("content").add(deep);
    String deepWiki = Adf.toWiki(deepDoc);
    assertEquals("it is nested deeper than " + Adf.MAX_DEPTH + " nodes (Adf.MAX_DEPTH)",
        Adf.unfit(deepDoc));
    assertNull(assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> Adf.documentFor(deepWiki, deepDoc)));

    ObjectNode huge = JSON.objectNode().put("type", "doc").put("version", 1);
    ArrayNode inline = huge.putArray("content").addObject().put("type", "paragraph")
        .putArray("content");
    for (int i = 0; i < Adf.MAX_DOCUMENT_NODES; i++) {
      inline.addObject().put("type", "emoji").putObject("attrs").put("shortName", ":x:");
    }
    assertEquals("it has more than 100000 nodes (Adf.MAX_DOCUMENT_NODES)", Adf.unfit(huge));
    assertNull(Adf.documentFor(Adf.toWiki(huge), huge));

    assertEquals("it is not an ADF document", Adf.unfit(JSON.textNode("h1. x")));
    assertNull(Adf.documentFor("x", JSON.objectNode().put("type", "paragraph")));
  }
}
