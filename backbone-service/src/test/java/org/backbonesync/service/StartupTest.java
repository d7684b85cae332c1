package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.backbonesync.jira.JiraFlavour;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Found by an outside tester: with a site that takes connections and never answers, the port
 * was bound and nothing answered, and nothing was logged, for the two minutes of the sign-in's
 * four attempts of 30 s. The port answers while the service starts, and each attempt that gets
 * no answer is logged.
 */
class StartupTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  private final Logger root = (Logger) LoggerFactory.getLogger(
      org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private HttpFront front;

  @AfterEach
  void close() {
    root.detachAppender(lines);
    if (front != null) {
      front.stop();
    }
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + path))
        .timeout(PROMPTLY).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void whileTheServiceStartsThePortSaysSoAndWhatItWaitsFor() throws Exception {
    ServiceConfig.Server config = new ServiceConfig.Server("127.0.0.1", 0,
        "admin-token-0123456789");
    Startup startup = new Startup();
    front = HttpFront.starting(HttpFront.bind(config, null), config,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), startup);
    startup.begins("signing in to site cloud", "signing in to site cloud (https://x)");

    assertEquals(200, send("GET", "/health/live", null).statusCode());
    String starting = "{\"live\":true,\"ready\":false,\"state\":\"STARTING\",\"waitingFor\":"
        + "\"signing in to site cloud\",\"synchronizations\":[]}";
    assertEquals(starting, send("GET", "/health/live", null).body());
    for (String path : List.of("/health", "/health/ready")) {
      HttpResponse<String> health = send("GET", path, null);
      assertEquals(503, health.statusCode(), path);
      assertEquals(starting, health.body(), path);
    }
    assertEquals(200, send("GET", "/metrics", null).statusCode());
    HttpResponse<String> admin = send("GET", "/admin/synchronizations", null);
    assertEquals(503, admin.statusCode());
    assertEquals("{\"status\":503,\"error\":\"the service is starting; send the request again"
        + " once it runs\",\"problems\":[],\"problemCount\":0}", admin.body());
    HttpResponse<String> webhook = send("POST", "/webhooks/cloud", "{}");
    assertEquals(503, webhook.statusCode());
    assertEquals("the service is starting\n", webhook.body());
    assertEquals(503, send("POST", "/transport/pa-pb", "{}").statusCode());
    assertEquals(404, send("GET", "/administrator", null).statusCode());

    startup.begins("opening the store and reading the projects", "opening the store");
    assertEquals(starting.replace("signing in to site cloud",
        "opening the store and reading the projects"), send("GET", "/health", null).body());
  }

  @Test
  void eachSignInAttemptWithoutAnAnswerIsLoggedUntilTheSignInEnds() {
    ServiceConfig.Site site = new ServiceConfig.Site("cloud", "$.sites.cloud",
        URI.create("https://cloud.example"), JiraFlavour.CLOUD, null, 0, null, null, false, null,
        false, false);
    SignInLog log = new SignInLog(site, null);
    lines.start();
    root.addAppender(lines);

    for (int i = 0; i < Sites.ATTEMPTS; i++) {
      log.unanswered("GET", "/rest/api/3/myself", "timeout", Sites.TIMEOUT);
    }
    log.done();
    log.unanswered("GET", "/rest/api/3/search/jql", "timeout", Sites.TIMEOUT); // a poll's

    String prefix = "WARN site cloud (https://cloud.example): GET /rest/api/3/myself got no"
        + " answer (timeout) after 30000 ms, attempt ";
    assertEquals(List.of(prefix + "1 of 4; trying again", prefix + "2 of 4; trying again",
        prefix + "3 of 4; trying again", prefix + "4 of 4"),
        lines.list.stream().filter(e -> e.getLoggerName().equals(SignInLog.class.getName()))
            .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList());
  }
}
