package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** ADF to wiki markup and back keeps what the class documents, and says what it loses. */
class AdfTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {
      "Just text.",
      "First paragraph.\n\nSecond paragraph.",
      "A line\nand the next line of the same paragraph.",
      "h1. Title\n\nh3. Smaller",
      "* one\n* two\n** two and a half\n* three",
      "# first\n# second\n## second, a\n# third",
      "*bold* _italic_ +underlined+ -struck- {{code}}",
      "See [the manual|https://example.com/manual] or https://example.com/raw.",
      "Ask [~accountid:5b10a2844c20165700ede21g] about it.",
      "{code:java}\nint x = 1;\n\nreturn x;\n{code}",
      "{code}\nno language\n{code}",
      "bq. Quoted text.",
      "Before\n\n----\n\nAfter",
  })
  void wikiSurvivesARoundTripThroughAdf(String wiki) {
    JsonNode doc = Adf.fromWiki(wiki);
    assertTrue(Adf.isDocument(doc));
    assertEquals(1, doc.path("version").asInt());
    assertEquals(wiki, Adf.toWiki(doc));
  }

  @Test
  void adfFromJiraSurvivesARoundTripThroughWiki() throws Exception {
    JsonNode doc = JSON.readTree("""
        {"type": "doc", "version": 1, "content": [
          {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Steps"}]},
          {"type": "orderedList", "content": [
            {"type": "listItem", "content": [{"type": "paragraph", "content": [
              {"type": "text", "text": "Open the "},
              {"type": "text", "text": "tray", "marks": [{"type": "strong"}]}]}]},
            {"type": "listItem", "content": [{"type": "paragraph", "content": [
              {"type": "text", "text": "Call "},
              {"type": "mention", "attrs": {"id": "557058:abc", "text": "@Bob"}}]}]}]},
          {"type": "paragraph", "content": [
            {"type": "text", "text": "docs", "marks": [{"type": "link",
              "attrs": {"href": "https://example.com/d"}}]},
            {"type": "hardBreak"},
            {"type": "text", "text": "x = 1", "marks": [{"type": "code"}]}]},
          {"type": "codeBlock", "attrs": {"language": "python"},
           "content": [{"type": "text", "text": "print(1)"}]}]}""");

    String wiki = Adf.toWiki(doc);
    assertEquals("h2. Steps\n\n# Open the *tray*\n# Call [~accountid:557058:abc]\n\n"
        + "[docs|https://example.com/d]\n{{x = 1}}\n\n{code:python}\nprint(1)\n{code}", wiki);
    assertEquals(wiki, Adf.toWiki(Adf.fromWiki(wiki)));
  }

  @Test
  void whatCannotBeKeptIsReducedToItsText() throws Exception {
    JsonNode doc = JSON.readTree("""
        {"type": "doc", "version": 1, "content": [
          {"type": "panel", "attrs": {"panelType": "info"}, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "Mind the toner."}]}]},
          {"type": "table", "content": [{"type": "tableRow", "content": [
            {"type": "tableCell", "content": [{"type": "paragraph", "content": [
              {"type": "text", "text": "cell"}]}]}]}]},
          {"type": "paragraph", "content": [
            {"type": "text", "text": "red", "marks": [{"type": "textColor",
              "attrs": {"color": "#ff0000"}}]},
            {"type": "emoji", "attrs": {"shortName": ":smile:", "text": "😄"}},
            {"type": "status", "attrs": {"text": "DONE", "color": "green"}}]}]}""");

    String wiki = Adf.toWiki(doc);

    assertTrue(wiki.contains("Mind the toner."), wiki);
    assertTrue(wiki.contains("cell"), wiki);
    assertTrue(wiki.contains("red"), wiki);
    assertTrue(wiki.contains("😄"), wiki);
    assertTrue(wiki.contains("DONE"), wiki);
  }

  @Test
  void anEmptyDocumentIsEmptyText() throws Exception {
    assertEquals("", Adf.toWiki(JSON.readTree("{\"type\":\"doc\",\"version\":1,\"content\":[]}")));
  }
}
