package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The typed admin API, as a host's own REST layer calls it with whatever its request held: it
 * refuses what the bundled handler refuses, with the same 400 naming the parameter and the
 * value, before any store sees it (on PostgreSQL a NUL was a database error, a 500).
 */
class SyncAdminHostileInputTest {
  private static final String CONTROL = " must not hold control characters or broken Unicode: ";
  private final SyncTestDriver sync = SyncTestDriver.builder().build();
  private final SyncAdmin admin = SyncAdmin.builder().engine(sync.engine())
      .authorizer(AdminAuthorizer.allowAll()).build();

  @BeforeEach
  void givenOneSyncedIssue() {
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
  }

  private static AdminException refused(int status, String message, Executable call) {
    AdminException e = assertThrows(AdminException.class, call);
    assertEquals(status, e.status(), e.getMessage());
    assertEquals(message, e.getMessage());
    return e;
  }

  @Test
  void aMessageIdWithANulIsRefusedNamingIt() {
    String nul = "messageId" + CONTROL + "\"x\\u0000\"";

    AdminException retried = refused(400, nul,
        () -> admin.retryFailedMessage("op", "PA", "x\u0000"));
    refused(400, nul, () -> admin.skipFailedMessage("op", "PA", "x\u0000"));
    refused(400, nul, () -> admin.retryUndeliverable("op", "PA", "x\u0000"));
    refused(400, nul, () -> admin.skipUndeliverable("op", "PA", "x\u0000"));

    assertEquals(List.of(new ConfigurationProblem("messageId",
        "must not hold control characters or broken Unicode: \"x\\u0000\"")),
        retried.problems(), "the value, as every problem of a 400 names it");
  }

  @Test
  void aMessageIdLongerThanAnyStoreKeepsOrNoneIsRefused() {
    refused(400, "messageId must be 1 to 512 characters, was 513: \"" + "m".repeat(80)
        + "...\" (513 characters)", () -> admin.retryFailedMessage("op", "PA", "m".repeat(513)));
    refused(400, "messageId must be 1 to 512 characters, was 0: \"\"",
        () -> admin.skipUndeliverable("op", "PA", ""));
    refused(400, "messageId is required, was null",
        () -> admin.skipFailedMessage("op", "PA", null));
    refused(404, "connector \"PA\" has no failed message with id \"" + "m".repeat(80)
        + "...\" (512 characters)", () -> admin.retryFailedMessage("op", "PA", "m".repeat(512)));
  }

  @Test
  void anIssueKeyWithANulIsRefusedNamingIt() {
    refused(400, "localIssueKey" + CONTROL + "\"PA-1\\u0000\"",
        () -> admin.syncInformation("op", "PA", "PA-1\u0000", null));
    refused(400, "remoteIssueKey" + CONTROL + "\"PB-1\\u0000\"",
        () -> admin.syncInformation("op", "PA", null, "PB-1\u0000"));
    refused(400, "localIssueKey" + CONTROL + "\"PA-1\\u0000\"",
        () -> admin.conflicts("op", "PA", "PA-1\u0000"));
    AdminException traced = refused(400, "issueKey" + CONTROL + "\"PA-1\\u0000\"",
        () -> admin.trace("op", "PA", "PA-1\u0000"));

    assertEquals(List.of(new ConfigurationProblem("issueKey",
        "must not hold control characters or broken Unicode: \"PA-1\\u0000\"")),
        traced.problems());
  }

  @Test
  void aTraceOfAMegabyteKeyOrOfNoKeyIsRefused() {
    String huge = "PA-" + "1".repeat(1024 * 1024);

    refused(400, "issueKey must be 1 to 255 characters, was " + huge.length() + ": \"PA-"
        + "1".repeat(77) + "...\" (" + huge.length() + " characters)",
        () -> admin.trace("op", "PA", huge));
    refused(400, "issueKey is required, was null", () -> admin.trace("op", "PA", null));
    assertEquals("PA-1", admin.trace("op", "PA", "PA-1").issueKey(), "a good key still works");
  }

  /**
   * Found by outside testers: a trace of any key shape ({@code ../../etc/passwd}) answered with
   * an empty history. A key without an issue key's form is refused, naming it in the problem;
   * either side's key is still traced, and a renamed project's new key (the connector's {@code
   * projectKey} stays the old one after a rename).
   */
  @Test
  void aTraceOfAKeyWithoutAnIssueKeysFormIsRefusedNamingIt() {
    String problem = "must be an issue key such as PA-12 (a project key of capitals, digits or _"
        + " starting with a capital, \"-\" and a number from 1), was ";
    for (String key : List.of("../../etc/passwd", "PA-0", "PA-01", "pa-1", "PA-1 ", "1A-1",
        "PA-1/../PB-1", "PA-" + "9".repeat(19))) {
      AdminException e = refused(400, "issueKey " + problem + Shown.quoted(key),
          () -> admin.trace("op", "PA", key));
      assertEquals(List.of(new ConfigurationProblem("issueKey", problem + Shown.quoted(key))),
          e.problems(), key);
    }
    assertEquals("PB-7", admin.trace("op", "PA", "PB-7").issueKey(), "the partner's key");
    assertEquals("PX_2-7", admin.trace("op", "PA", "PX_2-7").issueKey(), "a renamed project's");
    assertEquals("PA-" + "9".repeat(18),
        admin.trace("op", "PA", "PA-" + "9".repeat(18)).issueKey(), "as long as an import's");
  }

  /** Found by a host: a null id was a bare NullPointerException (from List.copyOf). */
  @Test
  void aNullFieldMappingIdIsRefusedAtItsIndex() {
    AdminException e = refused(400, "fieldMappings[1] is null, not a field mapping id",
        () -> new ResyncRequest(null, Arrays.asList("map-summary", null), false, false));

    assertEquals(List.of(new ConfigurationProblem("$.fieldMappings[1]",
        "is null, not a field mapping id")), e.problems());
  }

  /**
   * Found by a new user's trial: a blank JQL was a resync of every issue, where the REST body
   * refuses it as a mistake.
   */
  @Test
  void aBlankJqlIsRefusedAsTheRestBodyRefusesIt() {
    AdminException e = refused(400, "jql is empty; leave it out (or null) to resync every issue",
        () -> new ResyncRequest(" ", List.of(), false, false));

    assertEquals(List.of(new ConfigurationProblem("$.jql",
        "is empty; leave it out (or null) to resync every issue")), e.problems());
    assertEquals(null, new ResyncRequest(null, List.of(), false, false).jql(), "null is all");
  }

  @Test
  void aFieldMappingIdTwiceIsKeptOnceAndMoreIdsThanTheLimitAreRefused() {
    assertEquals(List.of("map-summary", "map-labels"), new ResyncRequest(null,
        List.of("map-summary", "map-labels", "map-summary", "map-labels"), false, false)
        .fieldMappings(), "kept once, as before");
    refused(400, "fieldMappings has 1001 ids; at most 1000", () -> new ResyncRequest(null,
        Collections.nCopies(ResyncRequest.MAX_FIELD_MAPPING_IDS + 1, "map-summary"), false,
        false));
  }

  @Test
  void aMissingResyncRequestOrImportIsRefusedNamingIt() {
    refused(400, "request is required, was null", () -> admin.resync("op", "PA", null));
    refused(400, "rows is required, was null",
        () -> admin.importSyncInformation("op", "PA", null));
    AdminException checked = refused(400, "rows is required, was null",
        () -> admin.checkSyncInformation("op", "PA", null));

    assertEquals(List.of(new ConfigurationProblem("rows", "is required, was null")),
        checked.problems());
    assertEquals(1, sync.syncInfoA().size(), "nothing imported");
  }

  /** Found by a host: these two quoted no connector, where every other 404 here does. */
  @Test
  void anUnknownRowIsA404NamingTheConnectorAsOthersDo() {
    refused(404, "connector \"PA\" has no sync information with id 99",
        () -> admin.deleteSyncInformation("op", "PA", 99));
    refused(404, "connector \"PA\" has no sync information with id -1",
        () -> admin.setIncomingChangesIgnored("op", "PA", -1, true));
    refused(404, "connector \"PA\" has no failed message with id \"PA:PA-9:1:1\"",
        () -> admin.retryFailedMessage("op", "PA", "PA:PA-9:1:1"));
  }
}
