package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.backbonesync.spi.tracker.ChangeHints;
import org.junit.jupiter.api.Test;

/** Jira's webhooks as they come, and as a forger, a replayer or a flood would send them. */
class JiraWebhookHandlerTest {
  private static final String SECRET = "webhook-secret-of-the-test";

  /** What a connector was told. */
  private static final class Told implements ChangeHints {
    final List<String> keys = new ArrayList<>();
    int polls;

    @Override
    public synchronized void issuesChanged(Collection<String> issueKeys) {
      keys.addAll(issueKeys);
    }

    @Override
    public synchronized void somethingChanged() {
      polls++;
    }

    boolean nothing() {
      return keys.isEmpty() && polls == 0;
    }
  }

  private final Told pa = new Told();
  private final Told pb = new Told();
  /** The clock of the deliveries below: their timestamp is this instant. */
  private static final Clock NOW = Clock.fixed(Instant.ofEpochMilli(1767258000000L),
      ZoneOffset.UTC);
  private final JiraWebhookHandler handler = JiraWebhookHandler.builder().secret(SECRET)
      .clock(NOW).project("PA", pa).project("PB", pb).build();

  /** Our own payload in Cloud's shape for an edited issue. */
  private static String issueUpdated(String key) {
    return "{\"timestamp\":1767258000000,\"webhookEvent\":\"jira:issue_updated\","
        + "\"issue_event_type_name\":\"issue_generic\",\"user\":{\"accountId\":\"u-1\"},"
        + "\"issue\":{\"id\":\"10007\",\"key\":\"" + key + "\",\"fields\":{\"summary\":"
        + "\"Printer on fire\",\"project\":{\"key\":\"" + key.substring(0, 2) + "\"}}},"
        + "\"changelog\":{\"id\":\"1\",\"items\":[{\"field\":\"summary\",\"toString\":"
        + "\"Printer on fire\"}]}}";
  }

  private static String sign(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
  }

  private JiraWebhookHandler.Response post(JiraWebhookHandler to, String body,
      Map<String, String> headers) {
    Map<String, String> lower = new HashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(), v));
    return to.handle("POST", name -> lower.get(name.toLowerCase()),
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  private JiraWebhookHandler.Response signed(String body, String id) throws Exception {
    Map<String, String> headers = new HashMap<>();
    headers.put("X-Hub-Signature", sign(SECRET, body.getBytes(StandardCharsets.UTF_8)));
    if (id != null) {
      headers.put("X-Atlassian-Webhook-Identifier", id);
    }
    return post(handler, body, headers);
  }

  @Test
  void aSignedIssueEventHintsItsIssueToItsProjectsConnector() throws Exception {
    JiraWebhookHandler.Response answer = signed(issueUpdated("PA-7"), "w-1");

    assertEquals(202, answer.status(), answer.body());
    assertEquals(List.of("PA-7"), pa.keys);
    assertTrue(pb.nothing());
  }

  /**
   * Found by an attacker-style trial: with two signature headers (which a host passes joined,
   * as HTTP allows) only the first was checked. Either order, and one signature sent twice, is
   * refused, saying so.
   */
  @Test
  void aSignatureHeaderGivenTwiceIsRefused() throws Exception {
    String body = issueUpdated("PA-7");
    String good = sign(SECRET, body.getBytes(StandardCharsets.UTF_8));
    String forged = sign(SECRET, issueUpdated("PA-8").getBytes(StandardCharsets.UTF_8));

    for (String given : List.of(good + ", " + forged, forged + ", " + good, good + "," + good)) {
      JiraWebhookHandler.Response answer = post(handler, body, Map.of("X-Hub-Signature", given));

      assertEquals(401, answer.status(), given);
      assertEquals("X-Hub-Signature was given 2 times; a delivery carries one signature",
          answer.body());
    }
    assertTrue(pa.nothing());
    assertEquals(202, post(handler, body, Map.of("X-Hub-Signature", good)).status());
  }

  @Test
  void unsignedForgedOrTamperedDeliveriesAreRefusedAndTriggerNothing() throws Exception {
    byte[] body = issueUpdated("PA-7").getBytes(StandardCharsets.UTF_8);
    String good = sign(SECRET, body);
    List<Map<String, String>> bad = List.of(
        Map.of(),
        Map.of("X-Hub-Signature", sign("another-secret", body)),
        Map.of("X-Hub-Signature", sign(SECRET, issueUpdated("PA-8").getBytes(
            StandardCharsets.UTF_8))),
        Map.of("X-Hub-Signature", good.substring("sha256=".length())),
        Map.of("X-Hub-Signature", "sha1=" + good.substring("sha256=".length())),
        Map.of("X-Hub-Signature", good.substring(0, good.length() - 2)),
        Map.of("X-Hub-Signature", "sha256=" + "zz".repeat(32)),
        Map.of("X-Hub-Signature", good + "00"));
    for (Map<String, String> headers : bad) {
      JiraWebhookHandler.Response answer = post(handler, issueUpdated("PA-7"), headers);
      assertEquals(401, answer.status(), headers + ": " + answer.body());
    }
    assertEquals("unsigned: X-Hub-Signature is required",
        post(handler, issueUpdated("PA-7"), Map.of()).body());
    assertTrue(pa.nothing(), "nothing triggered: " + pa.keys);
    assertEquals(9L, handler.refused().get(401));
  }

  @Test
  void aRepeatedDeliveryIsTakenOnceWhateverItsIdentifier() throws Exception {
    assertEquals(202, signed(issueUpdated("PA-7"), "w-1").status());
    JiraWebhookHandler.Response again = signed(issueUpdated("PA-7"), "w-1");
    JiraWebhookHandler.Response replayed = signed(issueUpdated("PA-7"), "forged-id");
    JiraWebhookHandler.Response noId = signed(issueUpdated("PA-7"), null);

    assertEquals(List.of(200, 200, 200), List.of(again.status(), replayed.status(),
        noId.status()));
    assertEquals("delivery taken already; ignored", replayed.body());
    assertEquals(List.of("PA-7"), pa.keys);
    String next = issueUpdated("PA-7").replace("\"id\":\"1\"", "\"id\":\"2\"");
    assertEquals(202, signed(next, "w-2").status(), "the issue's next change");
    assertEquals(List.of("PA-7", "PA-7"), pa.keys);
  }

  @Test
  void aDeliveryStampedFarFromThisClockIsRefused() throws Exception {
    String old = issueUpdated("PA-7").replace("1767258000000", "1767256000000");
    String ahead = issueUpdated("PA-7").replace("1767258000000", "1767259000000");

    JiraWebhookHandler.Response refused = signed(old, null);
    assertEquals(400, refused.status());
    assertEquals("timestamp 1767256000000 is 2000 s from this side's clock; deliveries further"
        + " than 900 s are not taken (maxAge)", refused.body());
    assertEquals(400, signed(ahead, null).status());
    JiraWebhookHandler.Response unstamped = signed(issueUpdated("PA-7")
        .replace("\"timestamp\":1767258000000,", ""), null);
    assertEquals(400, unstamped.status());
    assertEquals("timestamp is missing: a signed delivery carries the time Jira sent it",
        unstamped.body());
    // found by an attacker-style trial: 1e400 was refused as "a number beyond a double's
    // range", the value not shown; it is shown as written, cut when huge, as other refusals do
    Map<String, String> shown = new java.util.LinkedHashMap<>();
    shown.put("1e400", "1E+400");
    shown.put("-1.5e-999", "-1.5E-999");
    shown.put("1767258000000.50", "1767258000000.50");
    shown.put("9223372036854775808", "9223372036854775808");
    shown.put("\"1767258000000\"", "\"1767258000000\"");
    shown.put("1.5", "1.5");
    shown.put("1" + "0".repeat(97) + ".5", "1" + "0".repeat(97) + ".5"); // (100: the longest)
    shown.forEach((bad, was) -> {
      JiraWebhookHandler.Response malformed;
      try {
        malformed = signed(issueUpdated("PA-7")
            .replace("\"timestamp\":1767258000000", "\"timestamp\":" + bad), null);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      assertEquals(400, malformed.status(), bad);
      assertEquals("timestamp must be epoch milliseconds (a whole number), was " + was,
          malformed.body());
    });
    // (read as written, an exponent past a decimal's range is a refusal too, not an exception)
    JiraWebhookHandler.Response beyond = signed(issueUpdated("PA-7")
        .replace("\"timestamp\":1767258000000", "\"timestamp\":1e2147483648"), null);
    assertEquals(400, beyond.status(), beyond.body());
    assertEquals("not valid JSON: Number value 1e2147483648 is beyond what a decimal holds (an"
        + " exponent from -2147483647 to 2147483647) at $.timestamp", beyond.body());
    JiraWebhookHandler.Response numberEvent = signed(issueUpdated("PA-7")
        .replaceFirst("\"webhookEvent\":\"[a-z_:]+\"", "\"webhookEvent\":12"), null);
    assertEquals("webhookEvent must be a string, was 12", numberEvent.body());
    assertTrue(pa.nothing());
    assertEquals(202, signed(issueUpdated("PA-7").replace("1767258000000", "1767257500000"),
        null).status(), "500 s old: within 15 minutes");
  }

  /**
   * Found by a sweep: a timestamp of Long.MIN_VALUE was refused as "4611686018427387 s from this
   * side's clock", the distance held at half a long's range; it is told as it is.
   */
  @Test
  void aTimestampAtTheEndsOfALongIsRefusedWithItsTrueDistance() throws Exception {
    JiraWebhookHandler.Response min = signed(issueUpdated("PA-7")
        .replace("1767258000000", Long.toString(Long.MIN_VALUE)), null);
    JiraWebhookHandler.Response max = signed(issueUpdated("PA-7")
        .replace("1767258000000", Long.toString(Long.MAX_VALUE)), null);

    assertEquals("timestamp -9223372036854775808 is 9223373804112775 s from this side's clock;"
        + " deliveries further than 900 s are not taken (maxAge)", min.body());
    assertEquals("timestamp 9223372036854775807 is 9223370269596775 s from this side's clock;"
        + " deliveries further than 900 s are not taken (maxAge)", max.body());
    assertTrue(pa.nothing());
  }

  /**
   * Found in a review: a {@code timestamp} of 400 digits was answered with the parser's "Number
   * value length (400) exceeds the maximum allowed (100)", naming neither the field nor the
   * value. Each refusal of the parser names where it stopped, as the transports' envelopes do,
   * and a number over the limit as written, cut after 40 characters.
   */
  @Test
  void aRefusalOfTheParserNamesThePathAndTheValue() throws Exception {
    String edited = issueUpdated("PA-7");
    String link = "{\"timestamp\":1767258000000,\"webhookEvent\":\"issuelink_created\","
        + "\"issueLink\":{\"id\":5,\"sourceIssueId\":10007,\"destinationIssueId\":10008}}";
    String length = "not valid JSON: Number value length (400) exceeds the maximum allowed (100)";
    Map<String, String> refused = new java.util.LinkedHashMap<>();
    refused.put(edited.replace("1767258000000", "9".repeat(400)),
        length + " at $.timestamp, was " + "9".repeat(40) + "...");
    refused.put(edited.replace("1767258000000", "-" + "9".repeat(400)),
        length + " at $.timestamp, was -" + "9".repeat(39) + "...");
    refused.put(edited.replace("\"10007\"", "1" + "0".repeat(399)),
        length + " at $.issue.id, was 1" + "0".repeat(39) + "...");
    refused.put(link.replace("10008", "1".repeat(400)),
        length + " at $.issueLink.destinationIssueId, was " + "1".repeat(40) + "...");
    refused.put(edited.replace("1767258000000", "NaN"),
        "not valid JSON: Non-standard token 'NaN' at $.timestamp");
    refused.put(link.replace("10007", "-Infinity"),
        "not valid JSON: Non-standard token '-Infinity' at $.issueLink.sourceIssueId");
    refused.put(edited.replace("\"timestamp\":1767258000000,",
        "\"timestamp\":1767258000000,\"timestamp\":1767258000000,"),
        "not valid JSON: Duplicate field 'timestamp' at $.timestamp");
    refused.put(edited.replace("\"key\":\"PA-7\"", "\"key\":\"PA-7\",\"key\":\"PA-8\""),
        "not valid JSON: Duplicate field 'key' at $.issue.key");
    refused.put(edited.replace("\"10007\"", "1e2147483648"),
        "not valid JSON: Number value 1e2147483648 is beyond what a decimal holds (an exponent"
            + " from -2147483647 to 2147483647) at $.issue.id");
    refused.forEach((body, why) -> {
      JiraWebhookHandler.Response answer;
      try {
        answer = signed(body, null);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      assertEquals(400, answer.status(), body);
      assertEquals(why, answer.body());
    });
    JiraWebhookHandler.Response deep = signed(edited.replace("\"10007\"",
        "[".repeat(60_000)), null);
    assertTrue(deep.body().startsWith("not valid JSON: Document nesting depth (201) exceeds"
        + " the maximum allowed (200) at $.issue.id[0][0]"), deep.body());
    assertTrue(deep.body().length() < 500, deep.body());
    assertTrue(pa.nothing(), "nothing triggered: " + pa.keys);
  }

  /**
   * Numbers the handler does not read (ids) are not refused for what they hold: a webhook is a
   * hint, and no value of it is taken.
   */
  @Test
  void numbersTheHandlerDoesNotReadAreNotRefused() throws Exception {
    for (String id : List.of("1e400", "-1", "1" + "0".repeat(99), "0.5", "-1e-400")) {
      assertEquals(202, signed(issueUpdated("PA-7").replace("\"10007\"", id)
          .replace("\"id\":\"1\"", "\"id\":\"" + id + "\""), null).status(), id);
    }
    assertEquals(List.of("PA-7", "PA-7", "PA-7", "PA-7", "PA-7"), pa.keys);
  }

  @Test
  void oversizedDeepDuplicateOrBrokenBodiesAreRefused() throws Exception {
    JiraWebhookHandler small = JiraWebhookHandler.builder().secret(SECRET).maxBodyBytes(1024)
        .clock(NOW).project("PA", pa).build();
    String huge = issueUpdated("PA-7").replace("Printer on fire", "x".repeat(2000));
    assertEquals(413, post(small, huge, Map.of("X-Hub-Signature",
        sign(SECRET, huge.getBytes(StandardCharsets.UTF_8)))).status());

    Map<String, Integer> bodies = Map.of(
        "{\"webhookEvent\":\"jira:issue_updated\",\"x\":" + "[".repeat(500) + "]".repeat(500)
            + "}", 400,
        "{\"webhookEvent\":\"jira:issue_updated\",\"webhookEvent\":\"jira:issue_deleted\"}", 400,
        "{\"webhookEvent\":\"jira:issue_updated\"} {}", 400,
        "not json", 400,
        "{\"issue\":{\"key\":\"PA-7\"}}", 400,
        "[]", 400,
        "{\"webhookEvent\":7,\"issue\":{\"key\":\"PA-7\"}}", 400);
    for (Map.Entry<String, Integer> e : bodies.entrySet()) {
      JiraWebhookHandler.Response answer = signed(e.getKey(), null);
      assertEquals(e.getValue(), answer.status(), e.getKey() + ": " + answer.body());
      assertFalse(answer.body().contains("\u001b"), answer.body());
    }
    assertTrue(pa.nothing(), "nothing triggered: " + pa.keys);
  }

  @Test
  void onlyPost() {
    JiraWebhookHandler.Response answer = handler.handle("GET", n -> null,
        new ByteArrayInputStream(new byte[0]));
    assertEquals(405, answer.status());
  }

  @Test
  void keysOfOtherProjectsOrOfNoFormHintNothing() throws Exception {
    for (String key : List.of("PC-1", "pa-1", "PA-1) OR (project = PB", "PA-0", "PA-", "PA")) {
      assertEquals(202, signed(issueUpdated(key), null).status(), key);
    }
    assertTrue(pa.nothing(), "nothing: " + pa.keys);
    assertTrue(pb.nothing(), "nothing: " + pb.keys);
  }

  /** Data Center's comment events carry the issue's id in a URL only; links carry ids too. */
  @Test
  void eventsNamingNoIssueKeyMakeEveryConnectorPoll() throws Exception {
    String comment = "{\"timestamp\":1767258000000,\"webhookEvent\":\"comment_created\",\"comment\":{"
        + "\"self\":\"https://jira.example.com/rest/api/2/issue/10007/comment/10100\","
        + "\"id\":\"10100\",\"body\":\"toner is low\"}}";
    String link = "{\"timestamp\":1767258000000,\"webhookEvent\":\"issuelink_created\",\"issueLink\":{"
        + "\"id\":5,\"sourceIssueId\":10007,\"destinationIssueId\":10008}}";

    assertEquals(202, signed(comment, "c-1").status());
    assertEquals(202, signed(link, "l-1").status());

    assertEquals(2, pa.polls);
    assertEquals(2, pb.polls);
  }

  @Test
  void aDeletedIssueIsHintedSoThatItsPairLearnsItIsGone() throws Exception {
    String deleted = issueUpdated("PA-7").replace("jira:issue_updated", "jira:issue_deleted");

    assertEquals(202, signed(deleted, null).status());

    assertEquals(List.of("PA-7"), pa.keys);
  }

  @Test
  void aMovedIssueIsHintedUnderItsOldKeyToo() throws Exception {
    String moved = issueUpdated("PB-3").replace("issue_generic", "issue_moved")
        .replace("{\"field\":\"summary\",\"toString\":\"Printer on fire\"}",
            "{\"field\":\"Key\",\"fieldtype\":\"jira\",\"fromString\":\"PA-7\","
                + "\"toString\":\"PB-3\"}");

    assertEquals(202, signed(moved, null).status());

    assertEquals(List.of("PA-7"), pa.keys, "the old key: its pair finds it gone from PA");
    assertEquals(List.of("PB-3"), pb.keys);
  }

  @Test
  void aMoveFromAProjectNotSyncedHintsOnlyTheNewKey() throws Exception {
    String moved = issueUpdated("PA-9").replace(
        "{\"field\":\"summary\",\"toString\":\"Printer on fire\"}",
        "{\"field\":\"Key\",\"fromString\":\"ZZ-1\",\"toString\":\"PA-9\"},"
            + "{\"field\":\"Key\",\"fromString\":\"not a key|..\"}");

    assertEquals(202, signed(moved, null).status());

    assertEquals(List.of("PA-9"), pa.keys);
    assertTrue(pb.nothing());
  }

  @Test
  void aWorklogEventMakesEveryConnectorPoll() throws Exception {
    String worklog = "{\"timestamp\":1767258000000,\"webhookEvent\":\"worklog_created\",\"worklog\":{"
        + "\"issueId\":\"10007\",\"timeSpentSeconds\":60}}";

    assertEquals(202, signed(worklog, null).status());

    assertEquals(1, pa.polls, "a worklog event names an issue id only: every connector polls");
  }

  @Test
  void theSyncUsersOwnWritesTriggerNothing() throws Exception {
    JiraWebhookHandler echoes = JiraWebhookHandler.builder().syncUser("u-sync").clock(NOW)
        .project("PA", pa).build();
    String bySync = issueUpdated("PA-7").replace("\"u-1\"", "\"u-sync\"");

    assertEquals(202, post(echoes, bySync, Map.of()).status());
    assertTrue(pa.nothing());
    assertEquals(202, post(echoes, issueUpdated("PA-7"), Map.of()).status());
    assertEquals(List.of("PA-7"), pa.keys, "a person's write");
  }

  @Test
  void withoutASecretUnsignedDeliveriesAreTaken() {
    JiraWebhookHandler open = JiraWebhookHandler.builder().clock(NOW).project("PA", pa).build();

    assertEquals(202, post(open, issueUpdated("PA-3"), Map.of()).status());
    assertEquals(List.of("PA-3"), pa.keys);
  }

  @Test
  void theBuilderRefusesWhatCannotWork() {
    assertEquals("projectKey must be a Jira project key, was \"pa\"", assertThrows(
        IllegalArgumentException.class, () -> JiraWebhookHandler.builder().project("pa", pa))
        .getMessage());
    assertEquals("maxBodyBytes must be from 1024 to 16777216, was 100", assertThrows(
        IllegalArgumentException.class, () -> JiraWebhookHandler.builder().maxBodyBytes(100))
        .getMessage());
    assertEquals("projectKey must be a Jira project key, was \"PA\\r\\n2026 ERROR forged\"",
        assertThrows(IllegalArgumentException.class, () -> JiraWebhookHandler.builder()
            .project("PA\r\n2026 ERROR forged", pa)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> JiraWebhookHandler.builder().secret(""));
    assertThrows(IllegalStateException.class, () -> JiraWebhookHandler.builder().build());
    assertFalse(handler.toString().contains(SECRET), handler.toString());
  }

  /** A sync user no event's user could equal would let the sync's own writes cost a search. */
  @Test
  void aSyncUserWithAControlCharacterOrSpacesAroundIsRefusedShownEscaped() {
    assertEquals("syncUser must not hold a control character or begin or end with a space, was"
        + " \"5b10ac8d82e05b22cc7d4ef5\\r\"", assertThrows(IllegalArgumentException.class,
            () -> JiraWebhookHandler.builder().syncUser("5b10ac8d82e05b22cc7d4ef5\r"))
            .getMessage());
    assertEquals("syncUser must not hold a control character or begin or end with a space, was"
        + " \" sync\"", assertThrows(IllegalArgumentException.class,
            () -> JiraWebhookHandler.builder().syncUser(" sync")).getMessage());
    assertEquals("syncUser must not hold a control character or begin or end with a space, was"
        + " \"sy\\u0000nc\"", assertThrows(IllegalArgumentException.class,
            () -> JiraWebhookHandler.builder().syncUser("sy\u0000nc")).getMessage());
    assertEquals("syncUser must not be blank", assertThrows(IllegalArgumentException.class,
        () -> JiraWebhookHandler.builder().syncUser(" \n")).getMessage());

    JiraWebhookHandler.builder().syncUser("Sync User").syncUser("5b10ac8d82e05b22cc7d4ef5");
  }

  /**
   * Found by a trial: {@code secret("hunter2\n")}, as an env file leaves it, was taken, and no
   * delivery's signature could match it. Refused as {@link JiraCredentials} refuses a token with
   * a line break: saying what and where, never the secret.
   */
  @Test
  void aSecretThatIsBlankOrHoldsAControlCharacterIsRefusedWithoutShowingIt() {
    for (var refused : Map.of(
        "hunter2\n", "secret has a line break (U+000A) at its end (not shown); remove it where"
            + " the secret is set",
        "\r\nhunter2", "secret has a line break (U+000D) at its start (not shown); remove it"
            + " where the secret is set",
        "hun\u0000ter2", "secret has a control character (U+0000) inside (not shown); remove it"
            + " where the secret is set",
        "", "secret must not be blank",
        "  \t ", "secret must not be blank").entrySet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> JiraWebhookHandler.builder().secret(refused.getKey()));

      assertEquals(refused.getValue(), e.getMessage());
      assertFalse(e.getMessage().contains("hun"), e.getMessage());
    }
    assertEquals("secret must not be blank", assertThrows(IllegalArgumentException.class,
        () -> JiraWebhookHandler.builder().secret(null)).getMessage());
  }
}
