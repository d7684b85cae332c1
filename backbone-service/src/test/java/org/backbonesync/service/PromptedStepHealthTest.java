package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.ManualScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steps the engines prompt (an apply when messages arrive, a webhook's hinted read) run on
 * the engines' scheduler, held here and run when the test says. Their failure turns the
 * connector unhealthy as a periodic step's does, and a later one that reaches the site clears
 * it; none starts once the service stops. (Before, only the periodic steps told the health: a
 * webhook's read of a site that refused it left {@code /health} green; and a prompt queued as
 * the service stopped started its step on an engine about to close.)
 */
class PromptedStepHealthTest {
  @TempDir Path dir;
  private final FakeSitePair sites = new FakeSitePair();
  private final ManualScheduler prompts = new ManualScheduler(Clock.systemUTC());
  private SyncService service;
  private SyncEngine engine;

  @BeforeEach
  void open() throws Exception {
    ServiceConfig config = TwoSitesFile.dailyPolls(dir, sites.cloud.url(), sites.server.url());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    service = SyncService.open(config, Sites.connect(config, registry), registry, prompts);
    engine = service.running().get(0).engine;
    sites.pa.as("alice").create("Printer on fire");
    service.round(); // PA-1 polled, PB-1 made: both connectors reached their sites
    prompts.runDue();
    assertTrue(sites.pb.issue("PB-1").isPresent());
  }

  @AfterEach
  void close() {
    service.stop(Duration.ofSeconds(5));
    sites.close();
  }

  private ConnectorHealth pa() {
    return service.running().get(0).connectors.get("PA");
  }

  private double gauge(String connector) {
    return service.registry().get("backbone.connector.healthy")
        .tags("synchronization", "pa-pb", "connector", connector).gauge().value();
  }

  @Test
  void aHintedReadThatFailsTurnsTheConnectorUnhealthyAndOneThatSucceedsClearsIt() {
    sites.pa.as("alice").edit("PA-1", "summary", "Printer on fire, second floor");
    sites.cloud.enqueue(FakeJiraServer.Fault.status(403, Map.of(),
        "{\"errorMessages\":[\"You are not allowed to search\"]}").on("search"));

    engine.changeHints("PA").issuesChanged(List.of("PA-1")); // a webhook
    prompts.runDue();

    assertFalse(pa().healthy(), "the prompted read failed");
    assertEquals("JiraException (HTTP 403); see the service log", pa().lastError());
    assertEquals(0, gauge("PA"));
    assertTrue(service.running().get(0).connectors.get("PB").healthy(), "PB's own are fine");

    engine.changeHints("PA").issuesChanged(List.of("PA-1")); // the site answers again
    prompts.runDue();

    assertTrue(pa().healthy(), "a prompted read that searched the site clears it");
    assertEquals(1, gauge("PA"));
    assertEquals("Printer on fire, second floor", sites.pb.value("PB-1", "summary").asText(),
        "its apply, prompted too, wrote PB-1");
  }

  /**
   * An apply the engine prompts, that applied a message, clears its connector's failure as a
   * periodic apply does (a message Jira refuses is that message's failure, not the step's, in
   * either).
   */
  @Test
  void aPromptedApplyThatWritesTheSiteClearsItsConnectorsFailedPoll() {
    ConnectorHealth pb = service.running().get(0).connectors.get("PB");
    for (int i = 0; i < 2; i++) { // (the look before the poll's lease, then the poll)
      sites.server.enqueue(FakeJiraServer.Fault.status(403, Map.of(),
          "{\"errorMessages\":[\"You are not allowed to search\"]}").on("search"));
    }
    service.round(); // PB's poll fails
    assertFalse(pb.healthy());

    sites.pa.as("alice").edit("PA-1", "summary", "Printer on fire, second floor");
    engine.changeHints("PA").issuesChanged(List.of("PA-1"));
    prompts.runDue(); // PA's read hands the edit to PB's inbox, PB's apply is prompted

    assertEquals("Printer on fire, second floor", sites.pb.value("PB-1", "summary").asText());
    assertTrue(pb.healthy(), "the prompted apply wrote PB-1: PB's site answers");
  }

  @Test
  void aPromptQueuedAsTheServiceStopsStartsNoStep() {
    sites.pa.as("alice").edit("PA-1", "summary", "Printer on fire, second floor");
    engine.changeHints("PA").issuesChanged(List.of("PA-1")); // queued
    long searches = sites.cloud.count("GET", "search");

    service.beginStop(); // SIGTERM: the port's requests end, then the engines close
    prompts.runDue();

    assertEquals(searches, sites.cloud.count("GET", "search"), "no read started");
    assertEquals("Printer on fire", sites.pb.value("PB-1", "summary").asText());
  }
}
