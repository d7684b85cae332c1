package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.testkit.FieldMappingTester;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The tester shows a mapping author the mistakes an engine would meet later (found by following
 * the README as a mapping author): a type an engine does not find on the classpath (no {@code
 * META-INF/services} entry), an incoming mapping that changes the value it is given, which is
 * read-only, and Java null where the engine wants JSON null, refused in the engine's words.
 */
class FieldMappingTesterTest {

  /**
   * Reads its field with {@code fields().get}, Java null when it is empty, and imports through a
   * table whose {@code get} is Java null for a value without a row: mistakes easily made.
   */
  private static HookedMapping javaNulls() {
    Map<String, JsonNode> table = Map.of("bug", text("Bug"));
    return new HookedMapping("acme.java-nulls", (field, issue) -> issue.fields().get(field),
        (field, value, updates) -> updates.set(field, table.get(value.asText())));
  }

  private static final String EXPORTED_JAVA_NULL = "outgoing field mapping map-under-test"
      + " returned Java null for PA-1; it must return JSON null for an empty value";
  private static final String SET_JAVA_NULL = "incoming field mapping map-under-test set"
      + " description to Java null; it must set JSON null (NullNode.getInstance()) to clear a"
      + " field";

  @Test
  void javaNullIsRefusedByTheTesterAsByTheEngine() {
    FieldMappingTester tester =
        FieldMappingTester.of(javaNulls()).fields("description", "description");

    var exported = assertThrows(SyncException.class,
        () -> tester.export(tester.issue(Map.of("summary", text("x")))));
    var imported = assertThrows(SyncException.class, () -> tester.importValue(text("feature")));

    assertEquals(EXPORTED_JAVA_NULL, exported.getMessage());
    assertEquals("incoming field mapping map-under-test failed on value \"feature\": "
        + SET_JAVA_NULL, imported.getMessage(), "as the engine fails the message, below");
    assertEquals(Map.of("description", text("Bug")), tester.importValue(text("bug")));
  }

  @Test
  void javaNullIsRefusedByTheEngineAsByTheTester() {
    SyncTestDriver sync = SyncTestDriver.builder()
        .provider(javaNulls())
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of(FieldMappingTester.MAPPING_ID, "acme.java-nulls",
            Direction.A_TO_B, "description", "description", null))
        .build();

    sync.a("alice").create("Printer on fire"); // no description: Java null from fields().get
    var standing = assertThrows(IllegalStateException.class, sync::runUntilQuiet);
    assertTrue(standing.getMessage().endsWith(": PA PA-1: " + EXPORTED_JAVA_NULL),
        standing.getMessage());
    assertEquals("PA-1: " + EXPORTED_JAVA_NULL,
        sync.events().events(Type.EXPORT_FAILED).get(0).detail());

    sync.a("alice").createIssue(new IssueCreate("Task",
        Map.of("summary", text("Scanner jams"), "description", text("feature")), null));
    assertThrows(IllegalStateException.class, sync::runUntilQuiet, "PA-1 fails still");
    assertEquals(List.of("incoming field mapping map-under-test failed on value \"feature\": "
        + SET_JAVA_NULL), sync.engine().failedMessages("PB").stream()
        .map(e -> e.error()).toList());
  }

  /**
   * An export with state of its own (helper-99: a counter) made the engine write the partner on
   * every poll, for good; the tester took it.
   */
  @Test
  void anExportThatChangesByItselfIsToldItMustExportAnIssueAlike() {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    FieldMappingTester tester = FieldMappingTester.of(new HookedMapping("acme.counter",
        (field, issue) -> text(issue.field(field).asText() + " #" + calls.incrementAndGet()),
        (field, value, updates) -> updates.set(field, value))).fields("summary", "summary");

    var e = assertThrows(IllegalStateException.class,
        () -> tester.export(tester.issue(Map.of("summary", text("x")))));

    assertEquals("the outgoing mapping exported \"x #1\" and then \"x #2\" from the same issue"
        + " PA-1: an export must return equal values for equal issues (the engine exports more"
        + " than once per change and compares with what it sent: a value that changes by itself"
        + " is sent again on every poll)", e.getMessage());
  }

  /**
   * The engine with such an export never goes quiet: the driver said only that every queue was
   * empty; it shows the last messages applied, whose values tell why.
   */
  @Test
  void aSyncThatNeverGoesQuietShowsTheLastMessagesApplied() {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    SyncTestDriver sync = SyncTestDriver.builder()
        .provider(new HookedMapping("acme.counter",
            (field, issue) -> text(issue.field(field).asText().replaceAll(" #\\d+$", "") + " #"
                + calls.incrementAndGet()),
            (field, value, updates) -> updates.set(field, value)))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of(FieldMappingTester.MAPPING_ID, "acme.counter",
            Direction.BOTH, "description", "description", null))
        .build();
    String key = sync.a("alice").create("Printer on fire");
    sync.a("alice").edit(key, "description", "x");

    var e = assertThrows(IllegalStateException.class, sync::runUntilQuiet);

    assertTrue(e.getMessage().matches("sync not quiet after 1000 rounds: outbox PA=\\d+, outbox"
        + " PB=\\d+, inbox PA=\\d+, inbox PB=\\d+; the last messages applied \\(\\d+ in all\\):"
        + " P[AB] P[AB]-1 #\\d+ \\{map-under-test=\"x #\\d+\"\\}; .*"), e.getMessage());
  }

  /**
   * helper-99: an import of a number into a text field passed the tester, and in a sync the
   * tracker refused it and the message failed for good; with the trackers given, the tester
   * refuses it as the tracker would, naming the mapping, the field, the value and the schema.
   */
  @Test
  void anImportTheFieldsSchemaDoesNotTakeIsRefusedAsTheTrackerWould() {
    FieldMappingTester tester = FieldMappingTester.of(new HookedMapping("acme.length", null,
        (field, value, updates) -> updates.set(field,
            com.fasterxml.jackson.databind.node.IntNode.valueOf(value.asText().length()))))
        .fields("summary", "customfield_10020").direction(Direction.A_TO_B);
    assertEquals(Map.of("customfield_10020", com.fasterxml.jackson.databind.node.IntNode
        .valueOf(4)), tester.importValue(text("Jams")), "without trackers, no schemas");

    tester.trackers(InMemoryIssueTracker.builder("PA").build(),
        InMemoryIssueTracker.builder("PB").customField("customfield_10020").build());
    var e = assertThrows(IllegalArgumentException.class, () -> tester.importValue(text("Jams")));

    assertEquals("incoming field mapping map-under-test set customfield_10020 to 4, which"
        + " customfield_10020 of project PB (string) does not take: it takes JSON strings; the"
        + " tracker would refuse it and the message fail for good", e.getMessage());
    tester.trackers(InMemoryIssueTracker.builder("PA").build(),
        InMemoryIssueTracker.builder("PB").numberField("customfield_10020").build());
    assertEquals(4, tester.importValue(text("Jams")).get("customfield_10020").asInt());
  }

  @Test
  void anImportOfAValueTheFieldDoesNotListIsRefusedNamingWhatItHas() {
    FieldMappingTester tester = FieldMappingTester.of(new HookedMapping("acme.as-is", null,
        (field, value, updates) -> updates.set(field, value)))
        .fields("priority", "priority").direction(Direction.A_TO_B)
        .trackers(InMemoryIssueTracker.builder("PA").build(),
            InMemoryIssueTracker.builder("PB").priorities("P1", "P2").build());

    var e = assertThrows(IllegalArgumentException.class, () -> tester.importValue(text("High")));

    assertEquals("incoming field mapping map-under-test set priority to \"High\", which"
        + " priority of project PB (priority) does not take: it takes JSON strings among [P1,"
        + " P2]; the tracker would refuse it and the message fail for good", e.getMessage());
    assertEquals(Map.of("priority", text("P2")), tester.importValue(text("P2")));
    assertEquals(Map.of("priority", com.fasterxml.jackson.databind.node.NullNode.getInstance()),
        tester.importValue(com.fasterxml.jackson.databind.node.NullNode.getInstance()),
        "JSON null clears any field");
  }

  /** helper-99: a check that threw came out of the tester bare, where the engine names it. */
  @Test
  void aCheckThatThrowsIsOneProblemAsTheEngineReportsIt() {
    FieldMappingProvider throwing = new FieldMappingProvider() {
      private final HookedMapping hooked = HookedMapping.importing("acme.check-throws",
          (field, value, updates) -> updates.set(field, value));

      @Override
      public String type() {
        return hooked.type();
      }

      @Override
      public String displayName() {
        return hooked.displayName();
      }

      @Override
      public void validate(org.backbonesync.spi.mapping.MappingCheck check,
          org.backbonesync.spi.mapping.ProblemReporter problems) {
        check.definitionA().settings().get("table").size();
      }

      @Override
      public org.backbonesync.spi.mapping.OutgoingFieldMapping outgoing(
          org.backbonesync.spi.mapping.MappingDefinition definition) {
        return hooked.outgoing(definition);
      }

      @Override
      public org.backbonesync.spi.mapping.IncomingFieldMapping incoming(
          org.backbonesync.spi.mapping.MappingDefinition definition) {
        return hooked.incoming(definition);
      }
    };

    List<String> problems = FieldMappingTester.of(throwing).fields("labels", "labels").problems();

    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).startsWith("type: mapping type \"acme.check-throws\" ("
        + throwing.getClass().getName() + ") failed checking map-under-test:"
        + " java.lang.NullPointerException"), problems.get(0));
  }

  @Test
  void aMappingThatChangesTheValueItIsGivenIsToldItIsReadOnly() {
    FieldMappingTester tester =
        FieldMappingTester.of(HookedMapping.importing("acme.changes-its-value",
            (field, value, updates) -> {
              ((ArrayNode) value).add("extra"); // (in place: what the README says not to do)
              updates.set(field, value);
            })).fields("labels", "labels");

    var e = assertThrows(IllegalStateException.class,
        () -> tester.importValue(InMemoryIssueTracker.strings("a")));

    assertEquals("the incoming mapping changed the value it was given, [\"a\"], to"
        + " [\"a\",\"extra\"]: it is read-only (a retry reads it again); write a deepCopy()"
        + " where you need a changed one", e.getMessage());
  }

  @Test
  void aTypeNotListedInMetaInfServicesIsNamedWithWhatToDo() {
    FieldMappingTester tester =
        FieldMappingTester.of(HookedMapping.beforeExport("acme.unlisted", issue -> { }))
            .fields("description", "description");

    var e = assertThrows(IllegalStateException.class, tester::syncTestDriver);

    assertEquals("mapping type \"acme.unlisted\" (org.backbonesync.core.HookedMapping) is not"
        + " what an engine finds on the classpath (nothing): list the class in"
        + " META-INF/services/org.backbonesync.spi.mapping.FieldMappingProvider (a provider you"
        + " only register with FieldMappingRegistry.builder().register(...) is tested with"
        + " SyncTestDriver.builder().provider(...))", e.getMessage());
  }
}
