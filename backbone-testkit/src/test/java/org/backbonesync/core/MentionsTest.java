package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Mentions in descriptions and comments go through the synchronization's user mapping: a user
 * found on the other side is mentioned there, one found nowhere becomes their name as text.
 */
class MentionsTest {
  private static SyncTestDriver driver(String userSettings) throws Exception {
    SyncTestDriver.Builder builder = SyncTestDriver.builder()
        .projectA(p -> p.user("alice", "Alice Archer", "alice.archer@example.com")
            .user("carol", "Carol Clark", "carol@example.com"))
        .projectB(p -> p.user("5b10ac8d", "Alice Archer", "ALICE.ARCHER@example.com")
            .user("7c21bd9e", "C. Clark", "carol.clark@partner.example")
            .user("bob", "Bob Baker", "bob@partner.example"))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.DESCRIPTION, "description",
            Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", null));
    if (userSettings != null) {
      builder.fieldMapping(FieldMapping.of("map-assignee", "user", Direction.BOTH, "assignee",
          "assignee", new ObjectMapper().readTree(userSettings)));
    }
    return builder.build();
  }

  private static List<String> bodies(InMemoryIssueTracker tracker, String key) {
    return tracker.comments(key).stream().map(Comment::body).toList();
  }

  @Test
  void aMentionInADescriptionIsOfTheLocalUserOrTheNameBothWays() throws Exception {
    SyncTestDriver sync = driver(null);
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "description", "Ask [~alice] and [~carol], not [~nobody].");
    sync.runUntilQuiet();

    assertEquals("Ask [~5b10ac8d] and @Carol Clark, not @nobody.",
        sync.b().value("PB-1", "description").asText(), "by e-mail; Carol has none there");

    sync.b("bob").edit("PB-1", "description", "Thanks [~accountid:5b10ac8d], cc [~bob]");
    sync.runUntilQuiet();

    assertEquals("Thanks [~alice], cc @Bob Baker", sync.a().value(pa1, "description").asText());
    assertEquals("Thanks [~accountid:5b10ac8d], cc [~bob]",
        sync.b().value("PB-1", "description").asText(), "the sender's text stays as it was");
  }

  @Test
  void aMentionInACommentIsTranslatedBothWays() throws Exception {
    SyncTestDriver sync = driver(null);
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();

    sync.a("alice").addComment(pa1, "[~carol], [~alice] says hi");
    sync.b("bob").addComment("PB-1", "[~5b10ac8d]: I am [~bob]");
    sync.runUntilQuiet();

    assertEquals(List.of("[~5b10ac8d]: I am [~bob]",
        "Alice Archer wrote:\n@Carol Clark, [~5b10ac8d] says hi"), bodies(sync.b(), "PB-1"));
    assertEquals(List.of("[~carol], [~alice] says hi",
        "Bob Baker wrote:\n[~alice]: I am @Bob Baker"), bodies(sync.a(), pa1));

    sync.a("alice").editComment(pa1, sync.a().comments(pa1).get(0).id(), "only [~alice]");
    sync.runUntilQuiet();
    assertEquals("Alice Archer wrote:\nonly [~5b10ac8d]", bodies(sync.b(), "PB-1").get(1));
  }

  @Test
  void theUserMappingsRowsAndMatchByDecide() throws Exception {
    SyncTestDriver sync = driver("""
        {"matchBy": "name", "rows": [{"a": "carol", "b": "7c21bd9e"}]}""");
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "description", "[~carol] and [~alice]");
    sync.runUntilQuiet();

    assertEquals("[~7c21bd9e] and [~5b10ac8d]", sync.b().value("PB-1", "description").asText(),
        "Carol by the row, Alice by her display name");
    assertEquals("[~carol] and [~alice]", sync.a().value(pa1, "description").asText(),
        "nothing comes back");
  }

  @Test
  void hostileMentionsFailNothingAndStayBounded() throws Exception {
    SyncTestDriver sync = driver(null);
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    String huge = "x".repeat(100_000);
    String many = "[~alice] [~carol] ".repeat(5_000);
    String distinct = java.util.stream.IntStream.range(0, 500)
        .mapToObj(i -> "[~u" + i + "]").reduce("", String::concat);
    String text = "[~accountid:" + huge + "] [~] [~[~[~ \\[~alice] [~user:%zz|a|b] [~a|b] " + many
        + distinct + " [~" + huge;
    int findsBefore = sync.b().calls("findUsers").size();

    sync.a("alice").edit(pa1, "description", text);
    sync.a("alice").addComment(pa1, text);
    sync.runUntilQuiet();

    assertTrue(sync.engine().failedMessages("PB").isEmpty(), "nothing failed");
    String copied = sync.b().value("PB-1", "description").asText();
    assertTrue(copied.length() < 2 * text.length(), "bounded: " + copied.length());
    assertTrue(copied.startsWith("[~accountid:" + huge + "] [~] [~[~[~ \\[~alice] @user:%zz|a|b @a|b "),
        "no mention, an escaped one: as they are; odd ids: as text");
    assertTrue(copied.contains(" [~5b10ac8d] @Carol Clark [~5b10ac8d] @Carol Clark "));
    assertTrue(copied.contains("@u0@u1"), "an unknown id is named by its id");
    assertTrue(copied.endsWith(" [~" + huge), "an unended mention stays text");
    assertEquals("Alice Archer wrote:\n" + copied, bodies(sync.b(), "PB-1").get(0));
    assertTrue(sync.b().calls("findUsers").size() - findsBefore <= 2 * 50,
        "lookups per text are bounded: " + (sync.b().calls("findUsers").size() - findsBefore));
  }
}
