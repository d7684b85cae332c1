package org.backbonesync.jira;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.PollResult;
import org.backbonesync.jira.internal.Adf;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.Transition;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The engine scenarios of the in-memory tracker, with both projects reached over HTTP through the
 * adapter: Cloud to Cloud, Server to Server and Cloud to Server. The assertions read the projects
 * behind the fake servers, as a person looking at each site would; the request counts are the
 * ones the servers saw.
 */
class JiraSyncTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private JiraPair pair;

  private SyncTestDriver sync(JiraPair.Flavours flavours, Consumer<SyncTestDriver.Builder> adjust) {
    pair = new JiraPair(flavours, b -> adjust.accept(b
        .projectA(p -> p.user("alice", "Alice Archer", "alice@example.com"))
        .projectB(p -> p.user("bob", "Bob Baker", "bob@example.com"))));
    return pair.sync;
  }

  private SyncTestDriver withDefaultFields(JiraPair.Flavours flavours) {
    return sync(flavours, b -> { });
  }

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  /** Rich text as a person on this site stores it: ADF on Cloud, wiki markup on Server. */
  private static JsonNode richText(FakeSite site, String wiki) {
    return site.flavour == FakeJiraServer.Flavour.CLOUD
        ? text(Adf.fromWiki(wiki).toString()) : text(wiki);
  }

  /** The wiki markup of a stored rich text, whichever site it is on. */
  private static String wikiOf(JsonNode stored) throws IOException {
    String s = stored.asText();
    return s.startsWith("{\"") ? Adf.toWiki(JSON.readTree(s)) : s;
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void aNewIssueArrivesWithItsFieldsAndAnEditComesBack(JiraPair.Flavours flavours) {
    SyncTestDriver sync = withDefaultFields(flavours);
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(pa1, "priority", text("High"));
    sync.a("alice").edit(pa1, "labels", strings("hardware", "urgent"));
    sync.a("alice").edit(pa1, "assignee", text("bob"));
    sync.runUntilQuiet();

    assertEquals(1, sync.b().allIssues().size());
    String pb1 = sync.b().allIssues().get(0).key();
    assertEquals("Printer on fire", sync.b().value(pb1, "summary").asText());
    assertEquals("High", sync.b().value(pb1, "priority").asText());
    assertEquals(strings("hardware", "urgent"), sync.b().value(pb1, "labels"));
    assertEquals("bob", sync.b().value(pb1, "assignee").asText());
    assertEquals("sync-b", sync.b().issue(pb1).orElseThrow().creator(),
        "created by the sync user of site B");

    sync.b("bob").edit(pb1, "summary", "Printer on fire, second floor");
    sync.runUntilQuiet();

    assertEquals("Printer on fire, second floor", sync.a().value(pa1, "summary").asText());
    assertEquals(1, sync.a().allIssues().size(), "nothing echoed back as a new issue");
    assertEquals(1, sync.b().allIssues().size());
  }

  /**
   * A cascading select holds an option and a child option of it: Jira reads it as {@code
   * {"value":"America","id":..,"child":{"value":"Costa Rica","id":..}}} and takes {@code
   * {"value":"America","child":{"value":"Costa Rica"}}}. The child was dropped on the way.
   */
  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void aCascadingSelectKeepsItsChildOptionBothWays(JiraPair.Flavours flavours) {
    FieldSchema region = new FieldSchema("customfield_10045", "Region", "option-with-child",
        null, "com.atlassian.jira.plugin.system.customfieldtypes:cascadingselect", null);
    SyncTestDriver sync = sync(flavours, b -> b
        .projectA(p -> p.customField(region)).projectB(p -> p.customField(region))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough("map-region", region.id(), Direction.BOTH)));
    JsonNode costaRica = JSON.createObjectNode().put("value", "America")
        .put("child", "Costa Rica");
    String pa1 = sync.a("alice").create("Shipment stuck at the border");
    sync.a("alice").edit(pa1, region.id(), costaRica);
    sync.runUntilQuiet();
    String pb1 = sync.b().allIssues().get(0).key();
    assertEquals(costaRica, sync.b().value(pb1, region.id()));

    sync.b("bob").edit(pb1, region.id(), text("EU")); // an option without a child
    sync.runUntilQuiet();
    assertEquals(text("EU"), sync.a().value(pa1, region.id()));

    JsonNode honduras = JSON.createObjectNode().put("value", "America").put("child", "Honduras");
    sync.b("bob").edit(pb1, region.id(), honduras);
    sync.runUntilQuiet();
    assertEquals(honduras, sync.a().value(pa1, region.id()));
    assertTrue(sync.engine().failedMessages(sync.keyA()).isEmpty());
    assertTrue(sync.engine().failedMessages(sync.keyB()).isEmpty());
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void richTextKeepsParagraphsListsLinksCodeAndMentions(JiraPair.Flavours flavours)
      throws IOException {
    SyncTestDriver sync = withDefaultFields(flavours);
    String wiki = String.join("\n",
        "h2. Steps",
        "",
        "# Open the *front* tray",
        "# Pull the _jammed_ sheet",
        "## gently",
        "",
        "See [the manual|https://example.com/manual] and ask [~accountid:bob].",
        "Second line of the same paragraph.",
        "",
        "{code:java}",
        "printer.reset();",
        "{code}");
    String pa1 = sync.a("alice").create("Paper jam");
    sync.a("alice").edit(pa1, "description", richText(pair.siteA(), wiki));
    sync.runUntilQuiet();

    String pb1 = sync.b().allIssues().get(0).key();
    String onB = wiki.replace("[~accountid:bob]", mention(pair.siteB(), "bob"));
    assertEquals(onB, wikiOf(sync.b().value(pb1, "description")), "Bob as B mentions him");

    String edited = onB.replace("gently", "gently, with both hands");
    sync.b("bob").edit(pb1, "description", richText(pair.siteB(), edited));
    sync.runUntilQuiet();

    assertEquals(edited.replace(mention(pair.siteB(), "bob"), mention(pair.siteA(), "bob")),
        wikiOf(sync.a().value(pa1, "description")));
  }

  /** How a site's rich text mentions a user: by account id on Cloud, by name on Server. */
  private static String mention(FakeSite site, String id) {
    return site.flavour == FakeJiraServer.Flavour.CLOUD ? "[~accountid:" + id + "]"
        : "[~" + id + "]";
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void aMentionIsOfThePartnersUserOrTheirNameAsText(JiraPair.Flavours flavours)
      throws IOException {
    SyncTestDriver sync = sync(flavours, b -> b
        .projectA(p -> p.user("carol", "Carol Clark", "carol@example.com"))
        .projectB(p -> p.user("5b10a2844c20165700ede21g", "Dan Dow", "dan@example.com"))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.DESCRIPTION, "description",
            Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", null)));
    FakeSite a = pair.siteA();
    FakeSite b = pair.siteB();
    String pa1 = sync.a("alice").create("Paper jam");
    sync.a("alice").edit(pa1, "description",
        richText(a, "Ask " + mention(a, "bob") + " or " + mention(a, "carol") + "."));
    sync.a("alice").addComment(pa1, richText(a, mention(a, "carol") + " knows").asText());
    sync.runUntilQuiet();

    String pb1 = sync.b().allIssues().get(0).key();
    assertEquals("Ask " + mention(b, "bob") + " or @Carol Clark.",
        wikiOf(sync.b().value(pb1, "description")), "Bob by e-mail; Carol is not on B");
    assertEquals(List.of("Alice Archer wrote:\n@Carol Clark knows"), wikiBodies(sync.b(), pb1));

    sync.b("bob").edit(pb1, "description", richText(b,
        mention(b, "alice") + ", ask " + mention(b, "5b10a2844c20165700ede21g")));
    sync.b("bob").addComment(pb1, richText(b, mention(b, "alice") + ": done").asText());
    sync.runUntilQuiet();

    assertEquals(mention(a, "alice") + ", ask @Dan Dow",
        wikiOf(sync.a().value(pa1, "description")));
    assertEquals(List.of(mention(a, "carol") + " knows",
        "Bob Baker wrote:\n" + mention(a, "alice") + ": done"), wikiBodies(sync.a(), pa1));
  }

  private static List<String> wikiBodies(InMemoryIssueTracker tracker, String key)
      throws IOException {
    List<String> wiki = new java.util.ArrayList<>();
    for (Comment c : tracker.comments(key)) {
      wiki.add(wikiOf(text(c.body())));
    }
    return wiki;
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void commentsTravelOnceEachWayWithTheirAuthor(JiraPair.Flavours flavours) {
    SyncTestDriver sync = sync(flavours, b -> b
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", null)));
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.a("alice").addComment(pa1, "Have you tried turning it off?");
    sync.runUntilQuiet();
    String pb1 = sync.b().allIssues().get(0).key();

    sync.b("bob").addComment(pb1, "Twice.\n\nIt still smokes.");
    sync.runUntilQuiet();

    assertEquals(List.of("Alice Archer wrote:\nHave you tried turning it off?",
        "Twice.\n\nIt still smokes."), bodies(sync.b(), pb1));
    assertEquals(List.of("Have you tried turning it off?",
        "Bob Baker wrote:\nTwice.\n\nIt still smokes."), bodies(sync.a(), pa1));
    assertEquals("sync-b", sync.b().comments(pb1).get(0).author());
  }

  /**
   * A Jira Service Management agent's internal comment has no visibility object: Cloud marks it
   * {@code "jsdPublic": false}. Read as public, it went to the partner (and, on a service desk
   * there, to its customers); it is restricted, and kept internal when restricted comments are
   * kept.
   */
  @ParameterizedTest
  @EnumSource(value = JiraPair.Flavours.class, names = {"CLOUD_CLOUD", "CLOUD_SERVER"})
  void aServiceDesksInternalCommentStaysInternal(JiraPair.Flavours flavours) {
    SyncTestDriver sync = sync(flavours, b -> b
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", null)));
    String pa1 = sync.a("alice").create("Customer cannot log in");
    sync.a("alice").addComment(pa1, "Their contract ran out last week", "jsd:internal");
    sync.a("alice").addComment(pa1, "We are looking into it");
    sync.runUntilQuiet();
    String pb1 = sync.b().allIssues().get(0).key();
    assertEquals(List.of("Alice Archer wrote:\nWe are looking into it"), bodies(sync.b(), pb1));
    pair.close();

    sync = sync(flavours, b -> b
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", JSON.createObjectNode().put("restricted", "keep"))));
    pa1 = sync.a("alice").create("Customer cannot log in");
    sync.a("alice").addComment(pa1, "Their contract ran out last week", "jsd:internal");
    sync.runUntilQuiet();
    Comment copy = sync.b().comments(sync.b().allIssues().get(0).key()).get(0);
    assertEquals("Alice Archer wrote:\nTheir contract ran out last week", copy.body());
    assertEquals("jsd:internal", copy.visibility(), "written as an internal comment there");
  }

  /**
   * With restricted comments kept, a comment restricted after it was copied restricts its copy:
   * the edit carries the visibility, which Jira sets only when a comment's edit names one.
   */
  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void anEditThatRestrictsACommentRestrictsItsCopy(JiraPair.Flavours flavours) {
    SyncTestDriver sync = sync(flavours, b -> b
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", JSON.createObjectNode().put("restricted", "keep"))));
    String pa1 = sync.a("alice").create("Customer cannot log in");
    String comment = sync.a("alice").addComment(pa1, "Their contract ran out");
    sync.runUntilQuiet();
    String pb1 = sync.b().allIssues().get(0).key();
    assertEquals(null, sync.b().comments(pb1).get(0).visibility());

    sync.a("alice").editComment(pa1, comment, "Their contract ran out last week",
        "role:Developers", null);
    sync.runUntilQuiet();

    Comment copy = sync.b().comments(pb1).get(0);
    assertEquals("Alice Archer wrote:\nTheir contract ran out last week", copy.body());
    assertEquals("role:Developers", copy.visibility(), "restricted there too");

    if (flavours.a == FakeJiraServer.Flavour.CLOUD) { // (Server's internal comments read public)
      sync.a("alice").editComment(pa1, comment, "Their contract ran out on Monday",
          "jsd:internal", null);
      sync.runUntilQuiet();
      assertEquals("jsd:internal", sync.b().comments(pb1).get(0).visibility());
    }
  }

  private static List<String> bodies(InMemoryIssueTracker tracker, String key) {
    return tracker.comments(key).stream().map(Comment::body).toList();
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void aStatusChangeTakesThePartnersTransitionsAndSetsTheResolution(JiraPair.Flavours flavours)
      throws IOException {
    JsonNode settings = statusSettings();
    SyncTestDriver sync = sync(flavours, b -> b
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-status", "status", Direction.BOTH, "status", "status",
            settings)));
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    String pb1 = sync.b().allIssues().get(0).key();

    moveTo(sync.a("alice"), pa1, "In Progress", "In Review", "Done");
    sync.runUntilQuiet();

    assertEquals("Done", sync.b().value(pb1, "status").asText());
    assertEquals("Fixed", sync.b().value(pb1, "resolution").asText());
    assertTrue(pair.siteB().server.count("POST", "/transitions") >= 1,
        "moved through the transitions endpoint");
  }

  /** Jira does not show a workflow to a sync user, so the way through it is configured. */
  private static JsonNode statusSettings() throws IOException {
    return JSON.readTree("""
        {"rows": [{"a": "To Do", "b": "To Do"}, {"a": "In Progress", "b": "In Progress"},
                  {"a": "In Review", "b": "In Review"}, {"a": "Done", "b": "Done"}],
         "resolution": {"a": "Done", "b": "Fixed"},
         "via": {"b": ["Start Progress", "Send to Review", "Done"]}}""");
  }

  private static void moveTo(InMemoryIssueTracker tracker, String key, String... targets) {
    for (String target : targets) {
      Transition t = tracker.transitions(key).stream()
          .filter(x -> x.toStatus().equals(target)).findFirst().orElseThrow();
      tracker.transition(key, t.id(),
          t.requiredFields().contains("resolution") ? Map.of("resolution", text("Done")) : Map.of());
    }
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void anAttachmentArrivesOnceWithTheSameBytes(JiraPair.Flavours flavours) throws IOException {
    SyncTestDriver sync = sync(flavours, b -> b
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH, "attachment",
            "attachment", JSON.createObjectNode())));
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    String pb1 = sync.b().allIssues().get(0).key();
    byte[] photo = new byte[300_000];
    new java.util.Random(7).nextBytes(photo);

    sync.a("alice").upload(pa1, "smoke.jpg", "image/jpeg", new ByteArrayInputStream(photo));
    sync.runUntilQuiet();
    sync.runUntilQuiet();

    List<Attachment> onB = sync.b().attachments(pb1);
    assertEquals(List.of("smoke.jpg"), onB.stream().map(Attachment::filename).toList());
    try (InputStream in = sync.b().download(onB.get(0).id())) {
      assertArrayEquals(photo, in.readAllBytes());
    }
    assertEquals(1, sync.a().attachments(pa1).size(), "not echoed back");
    assertEquals(1, pair.siteB().server.count("POST", "/attachments"), "uploaded once");
  }

  /**
   * Jira's multipart parser keeps a quoted file name as it stands and decodes RFC 2047 encoded
   * words: a quote sent as {@code %22} was stored as {@code %22}. Each name is checked as the
   * fake server's Jira-like parser received it.
   */
  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void anAttachmentKeepsAQuoteOrABackslashInItsName(JiraPair.Flavours flavours)
      throws IOException {
    SyncTestDriver sync = sync(flavours, b -> b
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH, "attachment",
            "attachment", JSON.createObjectNode())));
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    String pb1 = sync.b().allIssues().get(0).key();
    List<String> names = List.of("the \"final\" report.txt", "C:\\temp\\log.txt",
        "=?UTF-8?B?eA==?= literally.txt", "100% \"done\" – naïve.txt");

    for (String name : names) { // (each its own bytes)
      sync.a("alice").upload(pa1, name, "text/plain",
          new ByteArrayInputStream(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    sync.runUntilQuiet();
    sync.runUntilQuiet();

    assertEquals(names, sync.b().attachments(pb1).stream().map(Attachment::filename).toList());
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void aLinkBetweenSyncedIssuesIsMadeBetweenTheirPartners(JiraPair.Flavours flavours) {
    SyncTestDriver sync = withLinks(flavours);
    String printer = sync.a("alice").create("Printer on fire");
    String toner = sync.a("alice").create("Order toner");
    sync.runUntilQuiet();

    sync.a("alice").createLink("Blocks", toner, printer);
    sync.runUntilQuiet();
    sync.runUntilQuiet();

    String pbPrinter = partner(sync, printer);
    String pbToner = partner(sync, toner);
    assertEquals(List.of(pbToner + " Blocks " + pbPrinter), sync.b().links(pbPrinter).stream()
        .map(l -> l.outwardIssue() + " " + l.type() + " " + l.inwardIssue()).toList());
    assertEquals(1, sync.a().links(printer).size(), "not echoed back");
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void aLinkRemovedOnEitherSideIsRemovedOnTheOtherOverHttp(JiraPair.Flavours flavours) {
    SyncTestDriver sync = withLinks(flavours);
    String printer = sync.a("alice").create("Printer on fire");
    String toner = sync.a("alice").create("Order toner");
    String paper = sync.a("alice").create("Order paper");
    sync.runUntilQuiet();
    String blocks = sync.a("alice").createLink("Blocks", toner, printer);
    sync.a("alice").createLink("Relates", printer, paper);
    sync.runUntilQuiet();
    String pbPrinter = partner(sync, printer);
    assertEquals(2, sync.b().links(pbPrinter).size());

    sync.a("alice").deleteLink(printer, blocks);
    sync.runUntilQuiet();
    assertEquals(List.of("Relates"), sync.b().links(pbPrinter).stream()
        .map(l -> l.type()).toList());
    assertEquals(1, pair.siteB().server.count("DELETE", "/issueLink/"), "removed once");

    sync.b("bob").deleteLink(pbPrinter, sync.b().links(pbPrinter).get(0).id());
    sync.runUntilQuiet();
    assertEquals(List.of(), sync.a().links(printer));
    assertEquals(List.of(), sync.a().links(paper));
  }

  /** Summaries and issue links, both ways. */
  private SyncTestDriver withLinks(JiraPair.Flavours flavours) {
    return sync(flavours, b -> b
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-links", "links", Direction.BOTH, "issuelinks",
            "issuelinks", null)));
  }

  private static String partner(SyncTestDriver sync, String localKeyA) {
    return sync.syncInfoA().stream().filter(i -> i.localIssueKey().equals(localKeyA))
        .findFirst().orElseThrow().remoteIssueKey();
  }

  /** Edits three plain fields on A and applies the message on B; the requests B saw. */
  private List<String> requestsToApplyThreePlainFields(SyncTestDriver sync) {
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    String pb1 = sync.b().allIssues().get(0).key();

    sync.a("alice").edit(pa1, "summary", "Printer on fire, second floor");
    sync.a("alice").edit(pa1, "priority", text("Low"));
    sync.a("alice").edit(pa1, "labels", strings("smoke"));
    sync.poll(sync.keyA());
    sync.deliver(sync.keyA());
    pair.clearRequests();
    sync.apply(sync.keyB());

    assertEquals("Printer on fire, second floor", sync.b().value(pb1, "summary").asText());
    assertEquals("Low", sync.b().value(pb1, "priority").asText());
    assertEquals(strings("smoke"), sync.b().value(pb1, "labels"));
    return pair.siteB().server.requests().stream().map(r -> r.method() + " " + r.path())
        .toList();
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void aOneWayPlainFieldMessageCostsOneReadAndOneWrite(JiraPair.Flavours flavours) {
    SyncTestDriver sync = sync(flavours, b -> b
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.A_TO_B))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.PRIORITY, "priority",
            Direction.A_TO_B))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.A_TO_B)));

    List<String> requests = requestsToApplyThreePlainFields(sync);

    String api = flavours.b == FakeJiraServer.Flavour.CLOUD ? "/rest/api/3" : "/rest/api/2";
    assertEquals(List.of("GET " + api + "/issue/PB-1", "PUT " + api + "/issue/PB-1"), requests,
        "the issue is read first: deleted or moved to another project, it is not written");
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void aTwoWayPlainFieldMessageCostsOneReadForConflictsAndOneWrite(JiraPair.Flavours flavours) {
    SyncTestDriver sync = withDefaultFields(flavours);

    List<String> requests = requestsToApplyThreePlainFields(sync);

    String api = flavours.b == FakeJiraServer.Flavour.CLOUD ? "/rest/api/3" : "/rest/api/2";
    assertEquals(List.of("GET " + api + "/issue/PB-1", "PUT " + api + "/issue/PB-1"), requests,
        "the current issue is read to see whether someone on B changed the same fields");
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void pollingAHundredChangedIssuesCostsOneRequestPerPage(JiraPair.Flavours flavours) {
    SyncTestDriver sync = sync(flavours, b -> b.engine(e -> e.pollPageSize(50))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.BOTH))
        // comments and attachments come with the search: still nothing per issue
        .fieldMapping(FieldMapping.of("map-comments", "comments", Direction.BOTH, "comment",
            "comment", null))
        .fieldMapping(FieldMapping.of("map-files", "attachments", Direction.BOTH, "attachment",
            "attachment", JSON.createObjectNode())));
    for (int i = 1; i <= 100; i++) {
      sync.a("alice").create("Issue " + i);
    }
    sync.runUntilQuiet();
    sync.advance(java.time.Duration.ofMinutes(5));
    assertEquals(0, sync.poll(sync.keyA()).messagesQueued(), "quiet");
    for (TrackedIssue issue : sync.a().allIssues()) {
      sync.a("alice").edit(issue.key(), "summary", "Edited " + issue.key());
      sync.a("alice").edit(issue.key(), "labels", strings("edited"));
    }
    pair.clearRequests();

    PollResult result = sync.poll(sync.keyA());

    assertEquals(100, result.messagesQueued());
    List<FakeJiraServer.Request> requests = pair.siteA().server.requests();
    assertEquals(2, result.pages());
    // the connector's last poll found nothing new, so this one first looked without the poll
    // lease (one search page, which an idle poll stops at); under it, it went on from that page
    assertEquals(result.pages(), requests.size(), "one search per page, nothing per issue,"
        + " after the idle look too: " + requests);

    for (TrackedIssue issue : sync.a().allIssues()) {
      sync.a("alice").edit(issue.key(), "labels", strings("again"));
    }
    pair.clearRequests();
    PollResult busy = sync.poll(sync.keyA());
    assertEquals(100, busy.messagesQueued());
    assertEquals(busy.pages(), pair.siteA().server.requests().size(),
        "a connector busy at its last poll takes the lease at once: one search per page");
  }

  @Test
  void aChangeMadeInTheSameMinuteAsTheLastPollIsStillFound() {
    SyncTestDriver sync = withDefaultFields(JiraPair.Flavours.CLOUD_SERVER);
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    String pb1 = sync.b().allIssues().get(0).key();

    // JQL reads whole minutes in the sync user's zone: an edit a few seconds after the last poll
    // sits in the same minute as the watermark.
    sync.advance(java.time.Duration.ofSeconds(3));
    sync.a("alice").edit(pa1, "summary", "Printer on fire again");
    sync.advance(java.time.Duration.ofSeconds(1));
    sync.runUntilQuiet();

    assertEquals("Printer on fire again", sync.b().value(pb1, "summary").asText());
  }
}
