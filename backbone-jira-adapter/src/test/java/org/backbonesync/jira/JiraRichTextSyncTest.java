package org.backbonesync.jira;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.jira.internal.Adf;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.message.MessageCodec;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rich text between two Jira sites over the fake servers: between two Cloud sites the ADF
 * document crosses whole (expands, media, task lists, status lozenges, emoji and dates that wiki
 * markup cannot hold), its mentions of the partner's users; to Server, and wherever a mapping
 * changed the text, wiki markup crosses as before.
 */
class JiraRichTextSyncTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What Alice writes on Cloud site A: a mention of Ann (on both sites, by e-mail) and of Carol
   * (only on A), a red lozenge, an emoji, an expand, an image, a task list and a date.
   */
  private static final String DESCRIPTION = """
      {"type":"doc","version":1,"content":[
        {"type":"paragraph","content":[{"type":"text","text":"Ask "},
          {"type":"mention","attrs":{"id":"acc-ann-a","text":"@Ann Lee"}},
          {"type":"text","text":" or "},
          {"type":"mention","attrs":{"id":"carol","text":"@Carol Clark"}},
          {"type":"text","text":": "},
          {"type":"status","attrs":{"text":"BLOCKED","color":"red","localId":"st-1"}},
          {"type":"emoji","attrs":{"shortName":":fire:","id":"1f525","text":"\\ud83d\\udd25"}}]},
        {"type":"expand","attrs":{"title":"Logs"},"content":[
          {"type":"paragraph","content":[{"type":"text","text":"printer.log says E42"}]}]},
        {"type":"mediaSingle","attrs":{"layout":"center"},"content":[
          {"type":"media","attrs":{"id":"6e7c1d2f","type":"file","collection":"jira-10001",
            "alt":"smoke.png","width":640,"height":480}}]},
        {"type":"taskList","attrs":{"localId":"tl-1"},"content":[
          {"type":"taskItem","attrs":{"localId":"ti-1","state":"TODO"},
            "content":[{"type":"text","text":"Call facilities"}]}]},
        {"type":"paragraph","content":[{"type":"text","text":"Due "},
          {"type":"date","attrs":{"timestamp":"1767225600000"}}]}]}""";

  private JiraPair pair;

  private SyncTestDriver sync(JiraPair.Flavours flavours, Consumer<SyncTestDriver.Builder> adjust) {
    pair = new JiraPair(flavours, b -> adjust.accept(b
        .projectA(p -> p.user("alice", "Alice Archer", "alice@example.com")
            .user("acc-ann-a", "Ann Lee", "ann@example.com")
            .user("carol", "Carol Clark", "carol@example.com"))
        .projectB(p -> p.user("bob", "Bob Baker", "bob@example.com")
            .user("acc-ann-b", "Ann Lee", "ann@example.com"))));
    return pair.sync;
  }

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The ADF document a Cloud site stores. */
  private static ObjectNode doc(JsonNode stored) {
    assertTrue(stored.asText().startsWith("{\""), "an ADF document: " + stored.asText());
    return json(stored.asText());
  }

  /** Alice's document as B must hold it: Ann is B's Ann, Carol (not on B) her name as text. */
  private static ObjectNode onB(ObjectNode onA) {
    ObjectNode doc = onA.deepCopy();
    ArrayNode first = (ArrayNode) doc.get("content").get(0).get("content");
    ((ObjectNode) first.get(1).get("attrs")).put("id", "acc-ann-b");
    first.set(3, JSON.createObjectNode().put("type", "text").put("text", "@Carol Clark"));
    return doc;
  }

  @Test
  void betweenTwoCloudSitesTheDocumentCrossesWholeWithThePartnersUsers() {
    SyncTestDriver sync = sync(JiraPair.Flavours.CLOUD_CLOUD, b -> { });
    ObjectNode written = json(DESCRIPTION);
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "description", text(written.toString()));
    sync.runUntilQuiet();

    String pb1 = sync.b().allIssues().get(0).key();
    ObjectNode onB = doc(sync.b().value(pb1, "description"));
    assertEquals(onB(written), onB, "the expand, image, tasks, lozenge, emoji and date as on A");

    // Bob edits inside the expand; his document comes back with A's Ann
    ObjectNode edited = onB.deepCopy();
    ((ObjectNode) edited.at("/content/1/content/0/content/0")).put("text", "printer.log: E43");
    sync.b("bob").edit(pb1, "description", text(edited.toString()));
    sync.runUntilQuiet();

    ObjectNode back = edited.deepCopy();
    ((ObjectNode) back.at("/content/0/content/1/attrs")).put("id", "acc-ann-a");
    assertEquals(back, doc(sync.a().value(pa1, "description")));
    assertEquals(edited, doc(sync.b().value(pb1, "description")), "nothing echoed to B");
    assertEquals(1, sync.a().allIssues().size());
  }

  @Test
  void aNewIssueIsCreatedWithTheDocument() {
    SyncTestDriver sync = sync(JiraPair.Flavours.CLOUD_CLOUD, b -> b
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.DESCRIPTION, "description",
            Direction.BOTH)));
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "description", text(DESCRIPTION));
    sync.runUntilQuiet();

    assertEquals(1, pair.siteB().server.count("POST", "/rest/api/3/issue"),
        "one create; " + pair.siteB().server.requests());
    assertEquals(0, pair.siteB().server.count("PUT", "/rest/api/3/issue/"),
        "the description is on the create screen: " + pair.siteB().server.requests());
    String pb1 = sync.b().allIssues().get(0).key();
    assertEquals(onB(json(DESCRIPTION)), doc(sync.b().value(pb1, "description")));
  }

  /**
   * A message of format 5 (no documents), still in the outbox when both engines are upgraded,
   * applies as before: B gets the wiki markup's document.
   */
  @Test
  void aVersion5MessageQueuedBeforeTheUpgradeAppliesAsWikiMarkup() {
    SyncTestDriver sync = sync(JiraPair.Flavours.CLOUD_CLOUD, b -> { });
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.a("alice").edit(pa1, "description", text(DESCRIPTION));
    sync.poll("PA");
    List<OutboxEntry> queued = sync.stores().messages().dueOutgoing("PA", Long.MAX_VALUE, 10);
    assertEquals(1, queued.size());
    SyncMessage today = queued.get(0).message();
    assertTrue(today.fields().get(SyncTestDriver.DESCRIPTION).document() != null);
    MessageCodec codec = new MessageCodec();
    String stored = new String(codec.encode(today.withValues(5, today.fields(), today.content())),
        StandardCharsets.UTF_8);
    assertTrue(stored.startsWith("{\"formatVersion\":5,") && !stored.contains("document"),
        stored);
    sync.stores().messages().removeOutgoing("PA", today.messageId());
    sync.stores().messages().addOutgoing(codec.decode(stored.getBytes(StandardCharsets.UTF_8)),
        queued.get(0).addedAt());

    sync.runUntilQuiet();

    String pb1 = sync.b().allIssues().get(0).key();
    assertEquals(Adf.fromWiki(Adf.toWiki(onB(json(DESCRIPTION)))),
        doc(sync.b().value(pb1, "description")));
  }

  @Test
  void aServerSiteGetsTheWikiMarkup() {
    SyncTestDriver sync = sync(JiraPair.Flavours.CLOUD_SERVER, b -> { });
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "description", text(DESCRIPTION));
    sync.runUntilQuiet();

    String pb1 = sync.b().allIssues().get(0).key();
    String expected = Adf.toWiki(onB(json(DESCRIPTION)))
        .replace("[~accountid:acc-ann-b]", "[~acc-ann-b]");
    assertEquals(expected, sync.b().value(pb1, "description").asText());
    assertTrue(expected.contains("*Logs*") && expected.contains("!smoke.png!"), expected);
    assertEquals(1, pair.siteB().server.count("POST", "/rest/api/2/issue"),
        "a create Server takes at once: " + pair.siteB().server.requests());
  }

  @Test
  void aMappingThatChangesTheTextWritesTheTextsOwnDocument() {
    SyncTestDriver sync = sync(JiraPair.Flavours.CLOUD_CLOUD, b -> b
        .provider(new FromA())
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of(SyncTestDriver.DESCRIPTION, "test.from-a",
            Direction.A_TO_B, "description", "description", null)));
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "description", text(DESCRIPTION));
    sync.runUntilQuiet();

    String pb1 = sync.b().allIssues().get(0).key();
    String wiki = "From A: " + Adf.toWiki(onB(json(DESCRIPTION)));
    ObjectNode onB = doc(sync.b().value(pb1, "description"));
    assertEquals(Adf.fromWiki(wiki), onB);
    assertFalse(onB.toString().contains("expand"), onB.toString());
  }

  /**
   * A document nested too deep for a message (a partner's transport refuses envelopes nested
   * deeper than 64 levels) stays home: the wiki markup goes, and B writes its own document.
   */
  @Test
  void aDocumentTooDeepForAMessageCrossesAsWikiMarkup() {
    SyncTestDriver sync = sync(JiraPair.Flavours.CLOUD_CLOUD, b -> { });
    ObjectNode list = json("""
        {"type":"bulletList","content":[{"type":"listItem","content":[
          {"type":"paragraph","content":[{"type":"text","text":"level 15"}]}]}]}""");
    for (int level = 14; level >= 1; level--) {
      ObjectNode outer = json("""
          {"type":"bulletList","attrs":{"localId":"l-%d"},"content":[{"type":"listItem",
            "content":[{"type":"paragraph","content":[{"type":"text","text":"level %d"}]}]}]}"""
          .formatted(level, level));
      ((ArrayNode) outer.at("/content/0/content")).add(list);
      list = outer;
    }
    ObjectNode deep = json("{\"type\":\"doc\",\"version\":1,\"content\":[]}");
    ((ArrayNode) deep.get("content")).add(list);
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "description", text(deep.toString()));
    sync.runUntilQuiet();

    String pb1 = sync.b().allIssues().get(0).key();
    ObjectNode onB = doc(sync.b().value(pb1, "description"));
    assertEquals(Adf.fromWiki(Adf.toWiki(deep)), onB, "the lists, without their attributes");
    assertTrue(Adf.toWiki(onB).contains("*************** level 15"), Adf.toWiki(onB));
  }

  @Test
  void aCommentCrossesAsItsDocumentUnderItsAuthorsName() {
    SyncTestDriver sync = sync(JiraPair.Flavours.CLOUD_CLOUD, b -> b
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", null)));
    ObjectNode comment = json("""
        {"type":"doc","version":1,"content":[
          {"type":"paragraph","content":[{"type":"text","text":"Asked "},
            {"type":"mention","attrs":{"id":"acc-ann-a","text":"@Ann Lee"}}]},
          {"type":"expand","attrs":{"title":"Her answer"},"content":[
            {"type":"paragraph","content":[{"type":"text","text":"Unplug it."}]}]}]}""");
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").addComment(pa1, comment.toString());
    sync.runUntilQuiet();

    String pb1 = sync.b().allIssues().get(0).key();
    List<Comment> onB = sync.b().comments(pb1);
    assertEquals(1, onB.size());
    ObjectNode expected = comment.deepCopy();
    ((ObjectNode) expected.at("/content/0/content/1/attrs")).put("id", "acc-ann-b");
    ((ArrayNode) expected.at("/content/0/content")).insert(0,
        JSON.createObjectNode().put("type", "hardBreak"));
    ((ArrayNode) expected.at("/content/0/content")).insert(0,
        JSON.createObjectNode().put("type", "text").put("text", "Alice Archer wrote:"));
    assertEquals(expected, doc(text(onB.get(0).body())), "the prefix on the first line");

    sync.runUntilQuiet();
    assertEquals(1, sync.a().comments(pa1).size(), "nothing echoed");
    assertEquals(1, sync.b().comments(pb1).size());

    // Bob edits the copy (its prefix and all); Alice's comment gets his document without it
    ObjectNode edited = expected.deepCopy();
    ((ObjectNode) edited.at("/content/1/content/0/content/0")).put("text", "Unplug it first.");
    sync.b("bob").editComment(pb1, onB.get(0).id(), edited.toString());
    sync.runUntilQuiet();

    ObjectNode back = comment.deepCopy();
    ((ObjectNode) back.at("/content/1/content/0/content/0")).put("text", "Unplug it first.");
    assertEquals(back, doc(text(sync.a().comments(pa1).get(0).body())));
  }

  /** A one-way mapping of type {@code test.from-a} that writes "From A: " before the text. */
  static final class FromA implements FieldMappingProvider {
    @Override
    public String type() {
      return "test.from-a";
    }

    @Override
    public String displayName() {
      return "From A";
    }

    @Override
    public OutgoingFieldMapping outgoing(MappingDefinition d) {
      return new OutgoingFieldMapping() {
        @Override
        public Set<String> sourceFields() {
          return Set.of(d.localField());
        }

        @Override
        public JsonNode exportValue(TrackedIssue issue, MappingContext context) {
          return issue.field(d.localField());
        }
      };
    }

    @Override
    public IncomingFieldMapping incoming(MappingDefinition d) {
      return new IncomingFieldMapping() {
        @Override
        public Set<String> targetFields() {
          return Set.of(d.localField());
        }

        @Override
        public void importValue(JsonNode value, FieldUpdates updates, MappingContext context) {
          updates.set(d.localField(), value.isNull() ? value : text("From A: " + value.asText()));
        }
      };
    }
  }
}
