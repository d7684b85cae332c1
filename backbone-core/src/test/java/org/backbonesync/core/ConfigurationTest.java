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
  void connectorFieldsMustNotBeBlank() {
    assertEquals("syncUser must not be blank, was \" \"",
        message(() -> ConnectorConfig.of("PA", "PA", " ")));
    assertEquals("projectKey must not be blank, was null",
        message(() -> ConnectorConfig.of("PA", null, "sync")));
    assertNull(new ConnectorConfig("PA", "PA", "s", "  ", "").jql(), "blank JQL means none");
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
    assertEquals("pollPageSize must be at least 1, was 0",
        message(() -> SyncEngine.builder().pollPageSize(0)));
    assertEquals("pollInterval must be positive, was PT0S",
        message(() -> SyncEngine.builder().pollInterval(Duration.ZERO)));
    assertEquals("maxRetryBackoff PT1S must not be less than retryBackoff PT2S",
        message(() -> SyncEngine.builder().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))));
  }

  @Test
  void theEngineBuilderChecksThatThePiecesFitTogether() {
    Stores stores = mock(Stores.class);
    IssueTracker tracker = mock(IssueTracker.class);
    when(tracker.fields()).thenReturn(
        java.util.List.of(FieldSchema.system("summary", "Summary", "string")));

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
    assertEquals(EngineState.NEW, SyncEngine.builder().configuration(config().build())
        .stores(stores).tracker("PA", tracker).transport("PA", mock(MessageTransport.class))
        .build().state());
  }
}
