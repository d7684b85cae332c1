package org.backbonesync.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.backbonesync.core.AdminAuthorizer;
import org.backbonesync.core.AdminRequest;
import org.backbonesync.core.AdminResponse;
import org.backbonesync.core.SyncAdmin;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin handler over the JDBC store (H2): a task id the store would read as a number some
 * other way, or not at all, is a 400 naming it, never a 500. Its import: what the store cannot hold (a key longer
 * than its column, a number beyond a BIGINT) is refused with 400 naming the row before anything
 * is written, never a 500 from the database; what it can hold comes back exactly.
 */
class SyncAdminHandlerJdbcHostileInputTest {
  private static final String PATH = "/connectors/PA/syncInformation";
  @TempDir Path dir;
  private final ObjectMapper json = new ObjectMapper();
  private SyncTestDriver sync;
  private SyncAdminHandler handler;

  @BeforeEach
  void givenTwoSyncedIssuesAndOneMadeByHandOnEachSide() {
    sync = SyncTestDriver.builder().stores(JdbcStores.inDirectory(dir)).build();
    sync.a("alice").create("Printer on fire");
    sync.a("alice").create("Coffee machine empty");
    sync.runUntilQuiet();
    sync.a("alice").create("Made by hand in PA"); // PA-3
    sync.b("bob").create("Made by hand in PB"); // PB-3
    handler = new SyncAdminHandler(SyncAdmin.builder().engine(sync.engine())
        .authorizer(AdminAuthorizer.allowAll()).build());
  }

  private AdminResponse post(String body) {
    return handler.handle(new AdminRequest("POST", PATH, Map.of(), body, "admin"));
  }

  private List<String> problems(AdminResponse response) throws Exception {
    List<String> out = new ArrayList<>();
    json.readTree(response.body()).get("problems").forEach(p ->
        out.add(p.get("path").asText() + ": " + p.get("message").asText()));
    return out;
  }

  @Test
  void aKeyLongerThanTheColumnIsRefusedNamingItsRow() throws Exception {
    List<SyncInfo> before = sync.syncInfoA();
    String local = "PA-" + "9".repeat(300);
    String remote = "PB-" + "1".repeat(253);

    AdminResponse response = post("[{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PB-3\"},"
        + " {\"localIssueKey\": \"" + local + "\", \"remoteIssueKey\": \"" + remote + "\"}]");

    assertEquals(400, response.status(), response.body());
    assertEquals(List.of("$[1].localIssueKey: \"PA-" + "9".repeat(77) + "...\" (303 characters)"
        + " is 303 characters long; the store keeps issue keys of at most 255",
        "$[1].remoteIssueKey: \"PB-" + "1".repeat(77) + "...\" (256 characters) is 256"
        + " characters long; the store keeps issue keys of at most 255"), problems(response));
    assertEquals(before, sync.syncInfoA(), "nothing imported, not even the good row");
  }

  @Test
  void numbersBeyondTheColumnsAreRefusedAndTheLargestAcceptedComeBackExactly()
      throws Exception {
    List<SyncInfo> before = sync.syncInfoA();
    long latest = sync.clock().millis() + java.time.Duration.ofDays(1).toMillis();

    AdminResponse tooBig = post("[{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PB-3\","
        + " \"firstSyncDate\": 18446744073709551621, \"lastChangeSeen\": 1e300}]");
    assertEquals(400, tooBig.status(), tooBig.body());
    assertEquals(List.of("$[0].firstSyncDate: is out of range: 18446744073709551621 (a time in"
        + " epoch milliseconds, from 0 to a day after now)",
        "$[0].lastChangeSeen: must be a whole number, was 1E+300"),
        problems(tooBig));
    assertEquals(before, sync.syncInfoA());

    AdminResponse largest = post("[{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PB-3\","
        + " \"firstSyncDate\": " + latest + ", \"lastIncomingChange\": " + latest + ","
        + " \"outgoingMessageSequenceId\": 2147483647, \"incomingMessageSequenceId\": 2147483647,"
        + " \"incomingChangesIgnored\": true}]");
    assertEquals("{\"imported\":1}", largest.body());
    SyncInfo row = sync.syncInfoA().get(2);
    assertEquals(latest, row.firstSyncDate());
    assertEquals(latest, row.lastIncomingChange());
    assertEquals(Integer.MAX_VALUE, row.outgoingMessageSequenceId());
    assertEquals(Integer.MAX_VALUE, row.incomingMessageSequenceId());
    assertEquals(true, row.incomingChangesIgnored());
  }

  /**
   * Found from outside (helper-148): a number no BigDecimal holds, an exponent past an int's
   * range, was a 500 (Jackson's bare NumberFormatException) instead of a refusal naming it.
   */
  @Test
  void aNumberNoDecimalHoldsIsRefusedNamingItsRowAndNothingIsImported() throws Exception {
    List<SyncInfo> before = sync.syncInfoA();

    AdminResponse response = post("[{\"localIssueKey\": \"PA-3\", \"remoteIssueKey\": \"PB-3\","
        + " \"lastChangeSeen\": 1e99999999999}]");

    assertEquals(400, response.status(), response.body());
    assertEquals(List.of("$[0].lastChangeSeen: Number value 1e99999999999 is beyond what a"
        + " decimal holds (an exponent from -2147483647 to 2147483647)"), problems(response));
    assertEquals(before, sync.syncInfoA());
  }

  @Test
  void aMisspeltDeleteLeavesEveryRow() {
    List<SyncInfo> before = sync.syncInfoA();

    AdminResponse response = handler.handle(new AdminRequest("DELETE", PATH, null, null, "admin",
        AdminRequest.parseQuery("syncinfoid=1")));

    assertEquals(400, response.status());
    assertEquals(before, sync.syncInfoA());
  }

  /**
   * Found by a review: the store parsed a task id with {@code Long.parseLong}, so {@code 01}
   * and {@code +1} were task 1 here and no task in memory; ids it cannot parse were a 404.
   */
  @Test
  void oddTaskIdsAreRefusedNamingThemAndUnknownOnesAreNotFound() throws Exception {
    String task = json.readTree(handler.handle(new AdminRequest("POST",
        "/connectors/PA/resync", Map.of(), "{}", "admin")).body()).get("id").asText();
    String notATaskId = "taskId must be a task id as the admin gives it (a whole number from 1"
        + " to 9223372036854775807, then, for a task an anonymous caller started, \".\" and 32"
        + " lower-case hex digits), was ";

    for (String odd : List.of("0" + task, "%2B" + task, "-" + task, "9223372036854775808",
        "9".repeat(10_000), "%2E%2E%2F" + task, task + "%7C", "x")) {
      AdminResponse response = handler.handle(new AdminRequest("GET", "/async-tasks/" + odd,
          Map.of(), null, "admin"));

      assertEquals(400, response.status(), response.body());
      String error = json.readTree(response.body()).get("error").asText();
      assertEquals(true, error.startsWith(notATaskId + "\""), error);
      assertEquals(List.of("taskId"), problems(response).stream()
          .map(p -> p.substring(0, p.indexOf(':'))).toList());
    }
    AdminResponse unknown = handler.handle(new AdminRequest("DELETE",
        "/async-tasks/9223372036854775807", Map.of(), null, "admin"));
    AdminResponse known = handler.handle(new AdminRequest("GET", "/async-tasks/" + task,
        Map.of(), null, "admin"));
    assertEquals(404, unknown.status(), unknown.body());
    assertEquals(200, known.status(), known.body());
  }
}
