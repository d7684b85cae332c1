package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * The author a copy's prefix names, read back when the copy goes as its side's own (carried to a
 * lost issue's new copy after a Jira site restore): the name written, or none to read.
 */
class AuthorPrefixTest {
  @Test
  void theNameAPrefixWroteIsReadBack() {
    AuthorPrefix comments = new AuthorPrefix(CommentsMapping.DEFAULT_PREFIX);
    String copy = comments.of("Alice Archer") + "Toner is low\nsee: tray 2";
    assertEquals("Alice Archer", comments.author(copy));
    assertEquals("Toner is low\nsee: tray 2", comments.strip(copy));
    AuthorPrefix worklogs = new AuthorPrefix("{author}: ");
    String ambiguous = "Bob: Baker: 2h on it"; // (a name holding the text after it)
    assertEquals("Bob", worklogs.author(ambiguous), "cut where strip cuts");
    assertEquals(ambiguous, worklogs.of(worklogs.author(ambiguous)) + worklogs.strip(ambiguous),
        "the copy's body written again from the two is the body as it was");
  }

  @Test
  void noNameWhereTheTemplateNamesNoneOrTheBodyLacksThePrefix() {
    assertNull(new AuthorPrefix("").author("Toner is low"));
    assertNull(new AuthorPrefix("[synced] ").author("[synced] Toner is low"));
    assertNull(new AuthorPrefix("by {author}").author("by Alice"), "nothing ends the name");
    assertNull(new AuthorPrefix(CommentsMapping.DEFAULT_PREFIX).author("Toner is low"));
  }
}
