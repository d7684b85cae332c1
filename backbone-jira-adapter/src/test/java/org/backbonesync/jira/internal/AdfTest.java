package org.backbonesync.jira.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** ADF to wiki markup and back keeps what the class documents, and reduces the rest to text. */
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

  @ParameterizedTest
  @ValueSource(strings = {
      "||Key||Value||\n|a|1|\n|b| |",
      "||Row||\n|x|y|",
      "{panel:bgColor=#deebff}\nMind the toner.\n{panel}",
      "{panel:bgColor=#eae6ff}\nA note.\n\n* with a list\n{panel}",
      "{color:#ff0000}red{color} and {color:#0052cc}*bold blue*{color}",
      "{quote}\nOne.\n\nTwo.\n{quote}",
      "{code:sql}\nselect '|' from {t};\n{code}",
      "*[TODO]* {color:#00875a}*[DONE]*{color} {color:#de350b}*[BLOCKED]*{color}",
      "x{*}bold{*}y and ~sub~ ^sup^",
      "a \\*literal* b, a \\{{literal}} and \\[~accountid:literal]",
  })
  void richWikiSurvivesARoundTripThroughAdf(String wiki) {
    assertEquals(wiki, Adf.toWiki(Adf.fromWiki(wiki)));
  }

  @Test
  void aTableMapsToHeaderAndCellRows() throws Exception {
    JsonNode doc = JSON.readTree("""
        {"type": "doc", "version": 1, "content": [{"type": "table", "content": [
          {"type": "tableRow", "content": [
            {"type": "tableHeader", "content": [{"type": "paragraph", "content": [
              {"type": "text", "text": "Name"}]}]},
            {"type": "tableHeader", "content": [{"type": "paragraph", "content": [
              {"type": "text", "text": "Notes"}]}]}]},
          {"type": "tableRow", "content": [
            {"type": "tableCell", "content": [{"type": "paragraph", "content": [
              {"type": "text", "text": "a|b", "marks": [{"type": "strong"}]}]}]},
            {"type": "tableCell", "attrs": {"colspan": 2}, "content": [
              {"type": "paragraph", "content": [{"type": "text", "text": "first"}]},
              {"type": "paragraph", "content": [{"type": "text", "text": "second"}]}]}]}]}]}""");

    String wiki = Adf.toWiki(doc);

    assertEquals("||Name||Notes||\n|*a\\|b*|first\\\\second|", wiki,
        "a cell's paragraphs are lines of one cell; its span is lost");
    JsonNode back = Adf.fromWiki(wiki);
    JsonNode cell = back.at("/content/0/content/1/content/1");
    assertEquals("tableCell", cell.path("type").asText());
    assertEquals(JSON.readTree("""
        [{"type": "paragraph", "content": [{"type": "text", "text": "first"},
          {"type": "hardBreak"}, {"type": "text", "text": "second"}]}]"""), cell.path("content"));
    assertEquals("tableHeader", back.at("/content/0/content/0/content/0/type").asText());
    assertEquals(wiki, Adf.toWiki(back));
  }

  @ParameterizedTest
  @CsvSource({"info,#deebff", "note,#eae6ff", "warning,#fffae6", "success,#e3fcef",
      "error,#ffebe6"})
  void eachPanelTypeHasItsBackground(String panelType, String background) throws Exception {
    JsonNode doc = JSON.readTree("""
        {"type": "doc", "version": 1, "content": [{"type": "panel",
          "attrs": {"panelType": "%s"}, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "Inside."}]}]}]}"""
        .formatted(panelType));

    String wiki = Adf.toWiki(doc);

    assertEquals("{panel:bgColor=" + background + "}\nInside.\n{panel}", wiki);
    assertEquals(doc, Adf.fromWiki(wiki));
  }

  @ParameterizedTest
  @CsvSource({"info,info", "note,note", "warning,warning", "tip,success"})
  void serverPanelMacrosReadAsPanelsOfTheirType(String macro, String panelType) {
    String wiki = "{" + macro + "}\nInside.\n{" + macro + "}";

    JsonNode doc = Adf.fromWiki(wiki);

    assertEquals(panelType, doc.at("/content/0/attrs/panelType").asText());
    assertEquals("{panel:bgColor=" + Adf.PANEL_BACKGROUNDS.get(panelType) + "}\nInside.\n{panel}",
        Adf.toWiki(doc));
  }

  @Test
  void aPanelFromServerKeepsItsTitleAsABoldLineAndItsColourAsItsType() throws Exception {
    JsonNode doc = Adf.fromWiki("{panel:title=Heads up|bgColor=#E3FCEF}\nSaved.\n{panel}\n\n"
        + "{panel:bgColor=#123456}\nPlain box.\n{panel}");

    assertEquals(JSON.readTree("""
        {"type": "doc", "version": 1, "content": [
          {"type": "panel", "attrs": {"panelType": "success"}, "content": [
            {"type": "paragraph", "content": [
              {"type": "text", "text": "Heads up", "marks": [{"type": "strong"}]}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "Saved."}]}]},
          {"type": "panel", "attrs": {"panelType": "info"}, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "Plain box."}]}]}]}"""),
        doc);
    assertEquals("{panel:bgColor=#e3fcef}\n*Heads up*\n\nSaved.\n{panel}\n\n"
        + "{panel:bgColor=#deebff}\nPlain box.\n{panel}", Adf.toWiki(doc));
  }

  @Test
  void coloursAndStatusLozengesMapToColorMacrosAndBoldBrackets() throws Exception {
    JsonNode doc = JSON.readTree("""
        {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [
          {"type": "text", "text": "red", "marks": [{"type": "textColor",
            "attrs": {"color": "#FF0000"}}]},
          {"type": "text", "text": " "},
          {"type": "status", "attrs": {"text": "DONE", "color": "green", "localId": "x"}},
          {"type": "text", "text": " "},
          {"type": "status", "attrs": {"text": "TO DO", "color": "neutral"}}]}]}""");

    String wiki = Adf.toWiki(doc);

    assertEquals("{color:#ff0000}red{color} {color:#00875a}*[DONE]*{color} *[TO DO]*", wiki);
    assertEquals(JSON.readTree("""
        {"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [
          {"type": "text", "text": "red", "marks": [{"type": "textColor",
            "attrs": {"color": "#ff0000"}}]},
          {"type": "text", "text": " "},
          {"type": "status", "attrs": {"text": "DONE", "color": "green"}},
          {"type": "text", "text": " "},
          {"type": "status", "attrs": {"text": "TO DO", "color": "neutral"}}]}]}"""),
        Adf.fromWiki(wiki));
    assertEquals("{color:#ff0000}x{color}", Adf.toWiki(Adf.fromWiki("{color:red}x{color}")),
        "a colour name becomes its hex value");
  }

  @Test
  void noformatIsACodeBlockWithoutLanguage() throws Exception {
    JsonNode doc = Adf.fromWiki("{noformat}\n*raw*\n{noformat}");

    assertEquals(JSON.readTree("""
        {"type": "doc", "version": 1, "content": [{"type": "codeBlock", "content": [
          {"type": "text", "text": "*raw*"}]}]}"""), doc);
    assertEquals("{code}\n*raw*\n{code}", Adf.toWiki(doc));
  }

  @Test
  void whatCannotBeKeptIsReducedToItsText() throws Exception {
    JsonNode doc = JSON.readTree("""
        {"type": "doc", "version": 1, "content": [
          {"type": "paragraph", "content": [
            {"type": "emoji", "attrs": {"shortName": ":smile:", "text": "😄"}},
            {"type": "text", "text": " on "},
            {"type": "date", "attrs": {"timestamp": "1700000000000"}},
            {"type": "text", "text": " see "},
            {"type": "inlineCard", "attrs": {"url": "https://example.com/x"}}]},
          {"type": "expand", "attrs": {"title": "More"}, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "hidden"}]}]},
          {"type": "mediaSingle", "content": [{"type": "media",
            "attrs": {"id": "abc", "type": "file", "collection": "c", "alt": "shot.png"}}]},
          {"type": "taskList", "content": [{"type": "taskItem", "attrs": {"state": "DONE"},
            "content": [{"type": "text", "text": "done it"}]}]},
          {"type": "blockquote", "content": [{"type": "heading", "attrs": {"level": 1},
            "content": [{"type": "text", "text": "not a heading in a quote"}]}]},
          {"type": "bodiedExtension", "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "macro body"}]}]}]}""");

    String wiki = Adf.toWiki(doc);

    assertEquals("😄 on 2023-11-14 see [https://example.com/x]\n\n*More*\n\nhidden\n\n"
        + "!shot.png!\n\n* [x] done it\n\nbq. not a heading in a quote\n\nmacro body", wiki);
    assertEquals(wiki, Adf.toWiki(Adf.fromWiki(wiki)));
  }

  @Test
  void anEmptyDocumentIsEmptyText() throws Exception {
    assertEquals("", Adf.toWiki(JSON.readTree("{\"type\":\"doc\",\"version\":1,\"content\":[]}")));
  }
}
