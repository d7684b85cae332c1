package org.backbonesync.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.backbonesync.jira.JiraWebhookHandler;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Jira's webhooks through a servlet container into an engine's change hints. */
class JiraWebhookServletTest {
  private static final String SECRET = "registered-with-the-webhook";

  private final HttpClient http = HttpClient.newHttpClient();
  private SyncTestDriver sync;
  private Container container;

  @BeforeEach
  void start() throws Exception {
    sync = SyncTestDriver.builder().build();
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofSeconds(1));
    JiraWebhookHandler handler = JiraWebhookHandler.builder().secret(SECRET)
        .project("PA", sync.engine().changeHints("PA")).build();
    container = new Container().serve("/webhooks/support", new JiraWebhookServlet(handler))
        .start();
  }

  @AfterEach
  void stop() throws Exception {
    container.close();
  }

  private HttpResponse<String> post(String body, String... signatures) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(container.uri("/webhooks/support"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (String signature : signatures) {
      request.header("x-hub-signature", signature); // any case: headers are case-insensitive
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sign(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static final String EDITED = "{\"timestamp\":" + System.currentTimeMillis()
      + ",\"webhookEvent\":\"jira:issue_updated\","
      + "\"user\":{\"accountId\":\"alice\"},\"issue\":{\"id\":\"10001\",\"key\":\"PA-1\"}}";

  @Test
  void aSignedWebhookMakesTheEngineReadTheIssue() throws Exception {
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");

    HttpResponse<String> answer = post(EDITED, sign(EDITED));
    assertEquals(202, answer.statusCode(), answer.body());
    assertEquals(1, sync.engine().detect("PA").messagesQueued());
    sync.engine().apply("PB");

    assertEquals("Printer on fire, third floor", sync.b().value("PB-1", "summary").asText());
  }

  @Test
  void unsignedOrForgedPostsAreRefusedAndAGetGets405() throws Exception {
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");

    HttpResponse<String> unsigned = post(EDITED);
    HttpResponse<String> forged = post(EDITED, sign(EDITED.replace("PA-1", "PA-2")));
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(
        container.uri("/webhooks/support")).GET().build(), HttpResponse.BodyHandlers.ofString());

    assertEquals(401, unsigned.statusCode());
    assertEquals("unsigned: X-Hub-Signature is required\n", unsigned.body());
    assertEquals(401, forged.statusCode());
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("Allow").orElse(null));
    assertEquals(0, sync.engine().detect("PA").issuesFound(), "no hint was taken");
  }

  /**
   * Found by an attacker-style trial: with two {@code X-Hub-Signature} headers only the first
   * was checked, so a proxy or a host that passed on the other would decide what counts.
   */
  @Test
  void twoSignatureHeadersAreRefusedInEitherOrder() throws Exception {
    sync.a("alice").edit("PA-1", "summary", "Printer on fire, third floor");
    String forged = sign(EDITED.replace("PA-1", "PA-2"));

    for (List<String> given : List.of(List.of(sign(EDITED), forged),
        List.of(forged, sign(EDITED)), List.of(sign(EDITED), sign(EDITED)))) {
      HttpResponse<String> answer = post(EDITED, given.toArray(String[]::new));

      assertEquals(401, answer.statusCode(), given + ": " + answer.body());
      assertEquals("X-Hub-Signature was given 2 times; a delivery carries one signature\n",
          answer.body());
    }
    assertEquals(0, sync.engine().detect("PA").issuesFound(), "no hint was taken");
    assertEquals(202, post(EDITED, sign(EDITED)).statusCode(), "one signature is taken");
  }

  /**
   * Found in a review: a timestamp of 400 digits was answered with the parser's words alone,
   * naming neither the field nor the value; through the container the refusal names both.
   */
  @Test
  void aNumberOverTheLimitIsRefusedNamingItsPathAndValue() throws Exception {
    String huge = EDITED.replaceFirst("\"timestamp\":\\d+", "\"timestamp\":" + "9".repeat(400));

    HttpResponse<String> answer = post(huge, sign(huge));

    assertEquals(400, answer.statusCode(), answer.body());
    assertEquals("not valid JSON: Number value length (400) exceeds the maximum allowed (100) at"
        + " $.timestamp, was " + "9".repeat(40) + "...\n", answer.body());
    assertEquals(0, sync.engine().detect("PA").issuesFound(), "no hint was taken");
  }
}
