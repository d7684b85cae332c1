package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.transport.MessageTransport;
import org.junit.jupiter.api.Test;

/** Configuration and builders fail fast, naming the field and the bad value. */
class ConfigurationTest {
  private static SyncConfiguration.Builder config() {
    return SyncConfiguration.builder("s1")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
        .fieldMapping(FieldMapping.passthrough("m1", "summary", Direction.BOTH));
  }

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void aRefusalOfHundredsOfProblemsListsTheFirstHundredInItsMessage() {
    // helper-129: 200,000 mappings writing one field made a message of 66 MB, a log line
    SyncConfiguration.Builder many = config();
    for (int i = 2; i <= 200; i++) {
      many.fieldMapping(FieldMapping.passthrough("m" + i, "summary", Direction.BOTH));
    }

    ConfigurationException e = assertThrows(ConfigurationException.class, many::build);

    assertEquals(398, e.problems().size(), "every problem is kept");
    String[] lines = e.getMessage().split("\n");
    assertEquals(102, lines.length);
    assertEquals("398 problems in the synchronization configuration:", lines[0]);
    assertEquals("  " + e.problems().get(99), lines[100]);
    assertEquals("  ... and 298 more (problems() has every one)", lines[101]);
  }

  @Test
  void connectorFieldsMustNotBeBlank() {
    assertEquals("syncUser must not be blank, was \" \"",
        message(() -> ConnectorConfig.of("PA", "PA", " ")));
    assertEquals("projectKey must not be blank, was null",
        message(() -> ConnectorConfig.of("PA", null, "sync")));
  }

  /**
   * Found by a new user's trial: a blank JQL quietly meant none (every issue), where the README
   * says JQL must not be empty; the JSON reader took {@code "jql": ""} the same way.
   */
  @Test
  void aBlankJqlIsRefusedAtItsPathNotTakenAsNone() {
    assertEquals(java.util.List.of("$.connectorA.jql: must not be blank, was \"\"; leave it out"
        + " (or null) to sync every issue of the project",
        "$.connectorB.incomingJql: must not be blank, was \"  \"; leave it out (or null) to"
        + " apply incoming changes to every issue"),
        problems(() -> config().connectorA(ConnectorConfig.of("PA", "PA", "sync-a").withJql(""))
            .connectorB(ConnectorConfig.of("PB", "PB", "sync-b").withIncomingJql("  "))
            .build()));
    assertNull(config().build().connectorA().jql(), "null is none, as before");
  }

  private static java.util.List<String> problems(Runnable r) {
    return assertThrows(ConfigurationException.class, r::run).problems().stream()
        .map(ConfigurationProblem::toString).toList();
  }

  @Test
  void aConfigurationReportsEveryStructuralProblemAtOnce() {
    assertEquals(java.util.List.of(
        "$.connectorB.key: connector keys must differ, both are \"PA\"",
        "$.fieldMappings[1].id: duplicate field mapping id \"m1\""),
        problems(() -> config()
            .connectorB(ConnectorConfig.of("PA", "PB", "sync-b"))
            .fieldMapping(FieldMapping.passthrough("m1", "priority", Direction.A_TO_B))
            .build()));
    assertEquals(java.util.List.of("$.fieldMappings: must not be empty"),
        problems(() -> SyncConfiguration.builder("s2")
            .connectorA(ConnectorConfig.of("PA", "PA", "a"))
            .connectorB(ConnectorConfig.of("PB", "PB", "b")).build()));
  }

  /** helper-99: a blank id built in Java was an IllegalArgumentException with no path. */
  @Test
  void aBlankMappingIdIsRefusedAtItsPathAsInJson() {
    assertEquals(java.util.List.of("$.fieldMappings[1].id: must not be blank"),
        problems(() -> config()
            .fieldMapping(FieldMapping.passthrough(" ", "priority", Direction.A_TO_B))
            .build()));
  }

  @Test
  void aMappingNamesItsFieldsWhenItHasNoName() {
    FieldMapping m = FieldMapping.passthrough("m2", "summary", "customfield_1", Direction.A_TO_B);

    assertEquals("summary / customfield_1", m.displayName());
    assertEquals("summary", FieldMapping.passthrough("m3", "summary", Direction.BOTH).displayName());
    assertEquals("settings of field mapping m4 must be a JSON object, was [1]",
        message(() -> FieldMapping.of("m4", "constant", Direction.A_TO_B, null, "x",
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode().add(1))));
  }

  @Test
  void issueTypesCorrespondBothWaysAndDefaultToTheSameName() {
    SyncConfiguration c = config().issueType("Bug", "Defect").build();

    assertEquals("Defect", c.targetIssueType("PB", "Bug"));
    assertEquals("Bug", c.targetIssueType("PA", "Defect"));
    assertEquals("Task", c.targetIssueType("PB", "Task"));
  }

  @Test
  void theEngineBuilderRefusesBadSettingsAtOnce() {
    assertEquals("pollPageSize must be from 1 to 1000, was 0",
        message(() -> SyncEngine.builder().pollPageSize(0)));
    assertEquals("pollInterval must be from 1 ms to 365 days, was PT0S",
        message(() -> SyncEngine.builder().pollInterval(Duration.ZERO)));
    assertEquals("maxRetryBackoff PT1S must not be less than retryBackoff PT2S",
        message(() -> SyncEngine.builder().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))));
  }

  /**
   * Found by a new user's trial: Integer.MAX_VALUE was taken for each, a page Jira never answers
   * and batches read into memory whole.
   */
  @Test
  void pageAndBatchSizesBeyondTheirBoundsAreRefusedNamingTheRange() {
    assertEquals("pollPageSize must be from 1 to 1000, was 1001",
        message(() -> SyncEngine.builder().pollPageSize(1001)));
    assertEquals("deliveryBatchSize must be from 1 to 10000, was " + Integer.MAX_VALUE,
        message(() -> SyncEngine.builder().deliveryBatchSize(Integer.MAX_VALUE)));
    assertEquals("applyBatchSize must be from 1 to 10000, was 10001",
        message(() -> SyncEngine.builder().applyBatchSize(10_001)));
    assertEquals("applyBatchSize must be from 1 to 10000, was -1",
        message(() -> SyncEngine.builder().applyBatchSize(-1)));

    SyncEngine.builder().pollPageSize(1000).deliveryBatchSize(10_000).applyBatchSize(10_000);
  }

  /**
   * Found by a new user's trial: a gap timeout of 1 s with a recheck of 1 h was taken, and a
   * waiting message, looked at only every hour, failed after an hour.
   */
  @Test
  void aGapTimeoutShorterThanItsRecheckIsRefusedNamingBoth() {
    assertEquals("gapTimeout PT1S must not be less than gapRecheck PT1H: a waiting message is"
        + " looked at only every gapRecheck, so it would fail after PT1H, not PT1S",
        message(() -> SyncEngine.builder().gapTimeout(Duration.ofSeconds(1), Duration.ofHours(1))));

    SyncEngine.builder().gapTimeout(Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  /**
   * Found by an embedder's trial (helper-92): each was accepted and failed later, some silently
   * (a node name of 256 characters took no lease on JDBC, so nothing synced).
   */
  @Test
  void theEngineBuilderRefusesValuesThatWouldFailAtRunTime() {
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
    assertEquals("pollInterval must be from 1 ms to 365 days, was PT0.0000001S",
        message(() -> SyncEngine.builder().pollInterval(Duration.ofNanos(100))));
    assertEquals("pollInterval must be from 1 ms to 365 days, was " + forever,
        message(() -> SyncEngine.builder().pollInterval(forever)));
    assertEquals("lease must be from 1 s to 365 days (an apply begins no pair after half of"
        + " it), was PT0.001S", message(() -> SyncEngine.builder().node("n", Duration.ofMillis(1))));
    assertEquals("lease must be from 1 s to 365 days (an apply begins no pair after half of"
        + " it), was " + forever,
        message(() -> SyncEngine.builder().node("node-2", forever)));
    assertEquals("gapRecheck must be from 1 ms to 365 days, was " + forever,
        message(() -> SyncEngine.builder().gapTimeout(Duration.ofMinutes(1), forever)));
    assertEquals("changeDetectionOverlap must be from 0 to 365 days, was " + forever,
        message(() -> SyncEngine.builder().changeDetectionOverlap(forever)));
    assertEquals("node must be at most 255 characters without control or format characters,"
        + " was \"" + "n".repeat(80) + "...\" (256 characters)",
        message(() -> SyncEngine.builder().node("n".repeat(256), Duration.ofMinutes(1))));
    assertEquals("node must be at most 255 characters without control or format characters,"
        + " was \"node-1\\n INFO forged\"",
        message(() -> SyncEngine.builder().node("node-1\n INFO forged", Duration.ofMinutes(1))));
    IssueTracker tracker = mock(IssueTracker.class);
    assertEquals("tracker given twice for connector \"PA\"; give one per connector",
        message(() -> SyncEngine.builder().tracker("PA", tracker).tracker("PA", tracker)));
  }

  @Test
  void aSynchronizationIdAndIssueTypesAreNamesAStoreKeepsAndALogShows() {
    assertEquals("id must be at most 255 characters without control or format characters, was"
        + " \"" + "s".repeat(80) + "...\" (100000 characters)",
        message(() -> SyncConfiguration.builder("s".repeat(100_000))));
    assertEquals("id must be at most 255 characters without control or format characters, was"
        + " \"s1\\u0000\"", message(() -> SyncConfiguration.builder("s1\u0000")));
    assertEquals("typeB must be at most 255 characters without control or format characters,"
        + " was \"Defect\\n\"", message(() -> config().issueType("Bug", "Defect\n")));
    assertEquals(java.util.List.of(
        "$.issueTypes[1].a: issue type \"Bug\" of A already corresponds to \"D\"",
        "$.issueTypes[2].a: issue type \"Bug\" of A already corresponds to \"D\""),
        problems(() -> config().issueType("Bug", "D").issueType("Bug", "X")
            .issueType("Bug", "Y").build()), "each repeat at its own row");
    assertEquals(java.util.List.of(
        "$.issueTypes[1].a: issue type \"Bug\" of A already corresponds to \"D\"",
        "$.issueTypes[2].b: issue type \"D\" of B already corresponds to \"Bug\""),
        problems(() -> config().issueType("Bug", "D").issueType("Bug", "X")
            .issueType("Story", "D").build()), "a repeat of B's after one of A's at its own row");
  }

  @Test
  void theEngineBuilderChecksThatThePiecesFitTogether() {
    Stores stores = mock(Stores.class);
    IssueTracker tracker = mock(IssueTracker.class);
    when(tracker.fields()).thenReturn(
        java.util.List.of(FieldSchema.system("summary", "Summary", "string")));
    when(tracker.projectKeys()).thenReturn(java.util.List.of("PA"));
    IssueTracker alsoOnPa = mock(IssueTracker.class);
    when(alsoOnPa.projectKeys()).thenReturn(java.util.List.of("PA"));

    assertEquals("tracker given for unknown connector key \"PX\"; synchronization s1 has PA and PB",
        message(() -> SyncEngine.builder().configuration(config().build()).stores(stores)
            .tracker("PX", tracker).build()));
    assertEquals("connector \"PA\" needs a transport: its partner \"PB\" is not local",
        message(() -> SyncEngine.builder().configuration(config().build()).stores(stores)
            .tracker("PA", tracker).build()));
    assertEquals("transport given for connector \"PB\" that has no tracker here",
        message(() -> SyncEngine.builder().configuration(config().build()).stores(stores)
            .tracker("PA", tracker).transport("PA", mock(MessageTransport.class))
            .transport("PB", mock(MessageTransport.class)).build()));
    // helper-102: a connector on the partner's project copied the sync's own issues back, ever
    assertEquals("tracker given for connector \"PB\" works on project [PA], not on the"
        + " connector's projectKey \"PB\"",
        message(() -> SyncEngine.builder().configuration(config().build()).stores(stores)
            .tracker("PA", tracker).tracker("PB", alsoOnPa).build()));
    assertEquals("the same tracker was given for both connectors, \"PA\" and \"PB\": each"
        + " needs its own, on its own project",
        message(() -> SyncEngine.builder().configuration(config().build()).stores(stores)
            .tracker("PA", tracker).tracker("PB", tracker).build()));
    assertEquals(EngineState.NEW, SyncEngine.builder().configuration(config().build())
        .stores(stores).tracker("PA", tracker).transport("PA", mock(MessageTransport.class))
        .build().state());
  }
}
