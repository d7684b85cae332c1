package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.ConfigurationProblem;
import org.junit.jupiter.api.Test;

/**
 * JQL written to get out of the scope it is put in, or that Jira and another reader would read
 * differently: each is refused with the text, the position and the reason, and no JQL is built.
 * What Jira reads as one harmless condition is accepted as it is.
 */
class JqlScopeHostileInputTest {
  /** The reason and position of the refusal; asserts that narrowing refuses it too. */
  private static String refusal(String jql) {
    var e = assertThrows(JqlRefusedException.class, () -> JqlScope.check(jql));
    assertEquals(jql, e.jql());
    var admin = assertThrows(AdminException.class, () -> JqlScope.narrow("labels = sync", jql),
        "nothing is built");
    assertEquals(400, admin.status());
    assertEquals(e.getMessage() + "; it must be one condition that narrows the synchronization's"
        + " JQL", admin.getMessage());
    assertEquals(List.of(new ConfigurationProblem("$.jql", e.where())), admin.problems());
    return e.reason() + " at " + e.position();
  }

  @Test
  void anEscapedQuoteInAWordIsNotTheStartOfAString() {
    String measured = "labels = x\\\") OR (labels is not EMPTY) OR (labels = \"y\\\"z\"";

    var e = assertThrows(JqlRefusedException.class, () -> JqlScope.check(measured));
    assertEquals("jql \"labels = x\\\\\\\") OR (labels is not EMPTY) OR (labels ="
        + " \\\"y\\\\\\\"z\\\"\" refused: an escaped quote outside quotes (Jira reads it as"
        + " part of a word, other readers as the start of a string; put the value in quotes) at"
        + " position 10",
        e.getMessage());
    assertEquals(10, e.position());
    for (String variant : List.of("labels = x\\') OR (labels is not EMPTY) OR (labels = 'y\\'z'",
        "labels = \\\"x) OR (y = \"z\"", "labels in (a\\\", b) OR (c = \"d\")")) {
      assertTrue(refusal(variant).startsWith("an escaped quote outside quotes"), variant);
    }
  }

  @Test
  void parenthesesThatCloseTheScopeAreRefused() {
    assertEquals("a \")\" that closes no \"(\" at 5", refusal("x = 1) OR (y = 2"));
    assertEquals("a \")\" that closes no \"(\" at 12", refusal("(labels = a)) OR ((b = c"));
    assertEquals("a \")\" that closes no \"(\" at 10", refusal("labels = a)||(project = OTHER"));
    assertEquals("a \"(\" that is never closed at 0", refusal("((labels = a)"));
    assertEquals("a \"(\" that is never closed (3 are open at the end) at 17",
        refusal("(labels in (a, b (c"));
    assertEquals("a \"[\" that is never closed at 2", refusal("cf[10010 = x"));
    assertEquals("a parenthesis inside [ ] at 15", refusal("issue.property(x] = y"
        .replace("property(", "property[(")));
    assertEquals("a \"]\" that closes no \"[\" at 6", refusal("labels] = x"));
  }

  @Test
  void unclosedStringsAndBrokenEscapesAreRefused() {
    assertEquals("a double quote that is never closed at 10", refusal("summary ~ \"unclosed"));
    assertEquals("a single quote that is never closed at 9", refusal("labels = 'a\\'"));
    assertEquals("a backslash at the end, escaping nothing at 10", refusal("labels = a\\"));
    assertEquals("a backslash at the end, escaping nothing at 11", refusal("labels = \"a\\"));
    assertTrue(refusal("labels = a\\)").startsWith("the unknown escape \"\\\\)\""));
    assertTrue(refusal("labels = \"a\\x\"").startsWith("the unknown escape \"\\\\x\""));
    assertEquals("a \\u escape without four hex digits at 10", refusal("labels = a\\u00"));
    assertEquals("a \\u escape without four hex digits at 10", refusal("labels = a\\u00g9"));
    assertEquals("a \\u escape without four hex digits at 10",
        refusal("labels = a\\u\uff10\uff10\uff12\uff19"));
  }

  @Test
  void escapesOfAsciiCannotSpellSyntaxOrKeywords() {
    for (String jql : List.of("labels = a\\u0029 OR \\u0028b", "labels = \"a\\u0022) OR (\"",
        "labels = a \\u004fR b = c", "labels = \\u0041ND")) {
      assertTrue(refusal(jql).startsWith("a \\u escape of the ASCII character"), jql);
    }
  }

  @Test
  void sortingIsRefusedInAnyCase() {
    assertEquals("the keyword ORDER (a condition cannot sort: the engine does; to match the word,"
        + " put it in quotes) at 11", refusal("labels = a ORDER BY key"));
    assertTrue(refusal("labels = a order\tby key").startsWith("the keyword ORDER"));
    assertTrue(refusal("(labels = a) OrDeR\nBy key DESC").startsWith("the keyword ORDER"));
    assertTrue(refusal("labels = order").startsWith("the keyword ORDER"));
  }

  @Test
  void spacesJiraDoesNotKnowAreRefusedOutsideQuotes() {
    for (String space : List.of("\u00a0", "\u2028", "\u2029", "\u3000", "\u2003", "\u202f",
        "\u1680", "\u200b", "\ufeff", "\u00ad")) {
      String jql = "labels = a" + space + "OR" + space + "project = OTHER";
      assertTrue(refusal(jql).startsWith("the space or format character U+"), jql);
      JqlScope.check("labels = \"a" + space + "b\""); // in a string it is only a character
    }
    assertTrue(refusal("labels = a\u000bOR b = c").startsWith("the control character"));
    assertTrue(refusal("labels = a\u0085b").startsWith("the control character"));
    assertTrue(refusal("labels = a\u001cb").startsWith("the control character"));
  }

  @Test
  void controlCharactersAreRefusedEvenInStrings() {
    assertEquals("the control character or noncharacter U+0009 (Jira refuses it) at 11",
        refusal("labels = \"a\tb\""));
    assertEquals("the control character or noncharacter U+0000 (Jira refuses it) at 10",
        refusal("labels = a\u0000"));
    assertEquals("the control character or noncharacter U+FFFE (Jira refuses it) at 10",
        refusal("labels = \"\ufffe\""));
    assertTrue(refusal("labels = \"a\ud800\"").startsWith("an unpaired surrogate"));
    assertTrue(refusal("labels = a\udc00").startsWith("an unpaired surrogate"));
    assertTrue(refusal("labels = \"\\ud83d\\ude00\"").startsWith("the surrogate U+D83D alone"));
  }

  @Test
  void bidirectionalControlsAreRefusedAnywhere() {
    for (String jql : List.of("labels = \"a\u202e) OR (\u202c\"", "labels = a\u2066b",
        "labels = \"\u200f\"")) {
      assertTrue(refusal(jql).startsWith("the bidirectional control U+"), jql);
    }
  }

  @Test
  void lookAlikesOfSyntaxAreRefused() {
    assertEquals("the character U+FF09 outside quotes, which Unicode normalization turns into"
        + " \")\" (put the value in quotes) at 10", refusal("labels = a\uff09 OR \uff08b = c"));
    assertTrue(refusal("labels = \"a\uff02) OR (\uff02\"")
        .startsWith("the character U+FF02, which Unicode normalization turns into \"\\\"\""));
    assertTrue(refusal("labels = \"a\uff3c\"").startsWith("the character U+FF3C"));
    assertTrue(refusal("labels = a\u2474").startsWith("the character U+2474 outside quotes"));
    JqlScope.check("summary ~ \"\uff08\u91cd\u8981\uff09\""); // CJK brackets in text are fine
  }

  @Test
  void reservedCharactersAndCommentLookAlikesAreRefused() {
    for (String jql : List.of("labels = a; DROP", "labels = a /* ) OR ( */", "labels = a # )",
        "labels = a // )", "labels = {a}", "labels = a*", "labels = a?", "labels = a+b",
        "labels = a%", "labels = $a", "labels = a@b", "labels = a^")) {
      assertTrue(refusal(jql).startsWith("the reserved character"), jql);
    }
  }

  @Test
  void emptyAndOversizedTextsAreRefusedWithoutEchoingThem() {
    assertEquals("an empty condition at 0", refusal(""));
    assertEquals("an empty condition at 0", refusal(" \t\r\n"));
    String huge = "labels = x AND ".repeat(400_000);
    var e = assertThrows(JqlRefusedException.class, () -> JqlScope.check(huge));
    assertEquals("more than 10000 characters (6000000)", e.reason());
    assertTrue(e.getMessage().length() < 300, e.getMessage());
    String[] worst = {"(".repeat(JqlScope.MAX_LENGTH), "\"".repeat(JqlScope.MAX_LENGTH - 1),
        "\\".repeat(JqlScope.MAX_LENGTH - 1), "\u2028".repeat(JqlScope.MAX_LENGTH),
        ")".repeat(JqlScope.MAX_LENGTH), "order ".repeat(JqlScope.MAX_LENGTH / 6)};
    for (String jql : worst) {
      String message = assertThrows(JqlRefusedException.class, () -> JqlScope.check(jql))
          .getMessage();
      assertTrue(message.length() < 1_000, message);
    }
  }

  @Test
  void whatJiraReadsAsOneConditionIsAccepted() {
    for (String jql : List.of("labels = \"a) OR (b\"", "summary ~ 'it\\'s (fine)'",
        "labels = 'say \"hi\"'", "issue.property[origin].marker = \"PA-1\"",
        "cf[10010] in (a, b) AND NOT labels is EMPTY",
        "status WAS \"Done\" DURING (\"2024-01-01\", now()) OR status changed BY currentUser()",
        "assignee = currentUser() || reporter in membersOf(\"jira-users\")",
        "labels = \\u00e9t\\u00e9 and labels = a\\ b and labels = a\\\\b",
        "labels = \"\u65e5\u672c\" & !(labels = x)", "project = PA-1 AND due <= -1d",
        "\"Epic Link\" = PA-1", "labels = andy OR labels = ORDERS", "labels = \"order\"",
        "(".repeat(4_990) + "labels = x" + ")".repeat(4_990))) {
      JqlScope.check(jql);
      assertEquals("(labels = sync) AND (" + jql + ")", JqlScope.narrow("labels = sync", jql));
    }
    assertEquals("(labels = a)", JqlScope.narrow(null, "labels = a"));
    assertEquals("labels = sync", JqlScope.narrow("labels = sync", null));
  }
}
