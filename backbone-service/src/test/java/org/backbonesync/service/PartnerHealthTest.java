package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by a trial: with {@code partnerB} at a port nothing listens on, 68 deliveries failed
 * ("will be retried") and {@code /health} stayed 200, {@code backbone_connector_healthy} 1. The
 * engine catches a failed delivery, so the steps never saw it.
 */
class PartnerHealthTest {
  @TempDir Path dir;

  @Test
  void aPartnerThatCannotBeReachedMakesTheConnectorUnhealthy() throws Exception {
    InMemoryIssueTracker pa = InMemoryIssueTracker.builder("PA").clock(Clock.systemUTC())
        .syncUser("sync-a").users("alice").build();
    int gone;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      gone = free.getLocalPort();
    }
    try (FakeJiraServer cloud = FakeJiraServer.builder(pa)
        .flavour(FakeJiraServer.Flavour.CLOUD).credential("sync-a", "cloud-token-4711").start()) {
      Path file = dir.resolve("sync.json");
      Files.writeString(file, PartnerFile.json(cloud.url(), gone));
      ServiceConfig config = ServiceConfig.read(file, PartnerFile.ENV);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Sites sites = Sites.connect(config, registry);
      SyncService service = SyncService.open(config, sites, registry);
      HttpFront front = HttpFront.start(config.server(), service, sites);
      try {
        pa.as("alice").create("Printer on fire");

        service.round(); // the poll reaches the site; the delivery to the partner fails

        HttpResponse<String> health = get(front, "/health");
        String metrics = get(front, "/metrics").body();
        assertEquals(503, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"PA\":{\"healthy\":false"), health.body());
        assertTrue(health.body().contains("\"lastError\":\"delivery to the partner failed; see"
            + " the service log\""), health.body());
        assertTrue(metrics.contains("backbone_connector_healthy{connector=\"PA\","
            + "synchronization=\"pa-pb\"} 0.0"), metrics);
      } finally {
        front.stop();
        service.stop(Duration.ofSeconds(5));
      }
    }
  }

  private static HttpResponse<String> get(HttpFront front, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + front.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
