package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.backbonesync.core.PartnerGone;
import org.backbonesync.jira.internal.Adf;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issues that change their key or leave the synchronization, over two fake Jira sites through
 * the adapter: an administrator renames project PA to PX (the pairs follow, by the project's and
 * the issues' stable ids), and a person edits an issue out of connector B's JQL (its pair is
 * unlinked and A's issue marked).
 */
class JiraMovesTest {
  private JiraPair pair;

  private SyncTestDriver sync(JiraPair.Flavours flavours, Consumer<SyncTestDriver.Builder> adjust) {
    pair = new JiraPair(flavours, adjust);
    return pair.sync;
  }

  @AfterEach
  void stop() {
    if (pair != null) {
      pair.close();
    }
  }

  private static Set<String> keys(List<SyncInfo> rows, boolean local) {
    return rows.stream().map(r -> local ? r.localIssueKey() : r.remoteIssueKey())
        .collect(Collectors.toSet());
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void aRenamedProjectKeepsItsPairsAndSyncsBothWays(JiraPair.Flavours flavours) {
    SyncTestDriver sync = sync(flavours, b -> b
        .connectorB(c -> c.withOnPartnerGone(PartnerGone.delete())));
    sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b("bob").create("Scanner jammed");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(2));

    sync.a().renameProject("PX");
    sync.a("alice").edit("PX-1", "summary", "Printer still on fire");
    sync.b("bob").edit("PB-2", "summary", "Scanner fixed");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(2));
    sync.a("alice").create("Copier smoking");
    sync.a("alice").edit("PX-2", "summary", "Scanner out");
    sync.b("bob").edit("PB-1", "summary", "Printer out");
    sync.runUntilQuiet();

    assertEquals("Printer out", sync.a().value("PX-1", "summary").asText());
    assertEquals("Scanner out", sync.b().value("PB-2", "summary").asText());
    assertEquals("Copier smoking", sync.b().value("PB-3", "summary").asText());
    assertEquals(3, sync.a().allIssues().size(), "nothing made twice on A");
    assertEquals(3, sync.b().allIssues().size(), "nothing made twice on B, nothing deleted");
    assertEquals(Set.of("PX-1", "PX-2", "PX-3"), keys(sync.syncInfoA(), true));
    assertEquals(Set.of("PX-1", "PX-2", "PX-3"), keys(sync.syncInfoB(), false));
    assertTrue(sync.events().events(Type.UNLINKED).isEmpty(), sync.events().toString());
    assertTrue(sync.engine().failedMessages("PA").isEmpty());
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
    assertEquals(List.of("PX", "PA"), pair.siteA().tracker.projectKeys(),
        "the adapter learned the new key from the issues' project id");
    assertTrue(pair.siteA().server.requests().stream()
        .filter(r -> r.path().contains("/search")).reduce((x, y) -> y).orElseThrow()
        .query().contains("project = \"PX\""), "and searches by it");
  }

  /** A host started after the rename, still configured with the old key, searches the new. */
  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void anAdapterMadeAfterTheRenameKnowsTheNewKeyFromTheProject(JiraPair.Flavours flavours) {
    SyncTestDriver sync = sync(flavours, b -> { });
    sync.a().renameProject("PX");

    org.backbonesync.spi.tracker.IssueTracker fresh = pair.siteA().site.project("PA");
    fresh.issueTypes();

    assertEquals(List.of("PX", "PA"), fresh.projectKeys());
  }

  /**
   * PB-1 synced to PA-1, whose connector deletes an issue whose partner was deleted; then {@code
   * gone} takes PB-1 away from B's sync user and alice edits PA-1, whose message finds PB-1 gone.
   */
  private SyncTestDriver partnerGoneAfter(JiraPair.Flavours flavours,
      Consumer<JiraSite.Builder> sites, Consumer<JiraPair> gone) {
    pair = new JiraPair(flavours, org.backbonesync.testkit.ManualClock.startingAt2026(), b -> b
        .connectorA(c -> c.withOnPartnerGone(PartnerGone.delete())), s -> { }, sites);
    SyncTestDriver sync = pair.sync;
    sync.b("bob").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(2));
    gone.accept(pair);
    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();
    assertTrue(sync.syncInfoA().get(0).incomingChangesIgnored());
    assertTrue(sync.syncInfoB().get(0).incomingChangesIgnored());
    assertTrue(sync.engine().failedMessages("PA").isEmpty());
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
    return sync;
  }

  private static String onlyComment(SyncTestDriver sync, String key) throws Exception {
    List<Comment> comments = sync.a().comments(key);
    assertEquals(1, comments.size(), comments.toString());
    String body = comments.get(0).body(); // ADF on Cloud
    return body.startsWith("{") ? Adf.toWiki(new ObjectMapper().readTree(body)) : body;
  }

  /**
   * An issue security level hides PB-1 from B's sync user: Jira answers 404, as for a deleted
   * issue. The pair is unlinked, but PA-1 is only marked, never deleted on that evidence.
   */
  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void anIssueHiddenFromTheSyncUserIsNotTakenAsDeleted(JiraPair.Flavours flavours)
      throws Exception {
    SyncTestDriver sync = partnerGoneAfter(flavours, s -> { },
        p -> p.siteB().server.hide("PB-1"));

    assertTrue(sync.a().issue("PA-1").isPresent(), "not deleted on a 404 alone");
    assertEquals(0, pair.siteA().server.count("DELETE", "/issue/"));
    assertEquals("The synced partner issue PB-1 was not found (deleted, or hidden from the sync"
        + " user); this issue is no longer synced.", onlyComment(sync, "PA-1"));
    assertEquals("[\"sync-partner-gone\"]", sync.a().value("PA-1", "labels").toString());
    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText(),
        "nothing written to the hidden issue");
  }

  /**
   * PB-1 deleted: Server/Data Center says "Issue Does Not Exist", so PA-1 is deleted; Cloud's
   * 404 says the same for a hidden issue, so PA-1 is marked, unless the site takes every 404 as
   * a deletion.
   */
  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void aDeletionIsFollowedWhereJiraConfirmsIt(JiraPair.Flavours flavours) throws Exception {
    SyncTestDriver sync = partnerGoneAfter(flavours, s -> { },
        p -> p.sync.b("bob").delete("PB-1"));

    if (flavours.b == org.backbonesync.testkit.FakeJiraServer.Flavour.SERVER) {
      assertTrue(sync.a().issue("PA-1").isEmpty(), "deleted, as Jira said");
      assertEquals(1, pair.siteA().server.count("DELETE", "/issue/PA-1"));
    } else {
      assertTrue(sync.a().issue("PA-1").isPresent(), "Cloud's 404 does not say deleted");
      assertEquals("The synced partner issue PB-1 was not found (deleted, or hidden from the"
          + " sync user); this issue is no longer synced.", onlyComment(sync, "PA-1"));
    }
  }

  /**
   * PB-1 deleted on Server, and the read that asks Jira whether it was deleted ({@code
   * deletionConfirmed}, the third GET of PB-1 after the apply's and its check's) is answered 429
   * for an hour: the message is retried then, not failed for an admin, and the retry deletes
   * PA-1 as Jira says.
   */
  @ParameterizedTest
  @EnumSource(value = JiraPair.Flavours.class, names = {"SERVER_SERVER", "CLOUD_SERVER"})
  void aRateLimitOnTheDeletionsConfirmationRetriesTheMessage(JiraPair.Flavours flavours) {
    pair = new JiraPair(flavours, org.backbonesync.testkit.ManualClock.startingAt2026(), b -> b
        .connectorA(c -> c.withOnPartnerGone(PartnerGone.delete())), s -> { }, s -> { });
    SyncTestDriver sync = pair.sync;
    sync.b("bob").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(2));
    sync.b("bob").delete("PB-1");
    var server = pair.siteB().server;
    String gone = "{\"errorMessages\":[\"Issue Does Not Exist\"],\"errors\":{}}";
    server.enqueue(FakeJiraServer.Fault.status(404, Map.of(), gone).on("/issue/PB-1"));
    server.enqueue(FakeJiraServer.Fault.status(404, Map.of(), gone).on("/issue/PB-1"));
    server.enqueue(FakeJiraServer.Fault.rateLimited(3600).on("/issue/PB-1"));
    server.clearRequests();
    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertEquals("fields=id", server.requests().stream()
        .filter(r -> r.path().endsWith("/issue/PB-1")).skip(2).findFirst().orElseThrow()
        .query(), "the third read of PB-1, answered 429, is the deletion's confirmation");
    assertTrue(sync.engine().failedMessages("PB").isEmpty(),
        "failed for an admin: " + sync.engine().failedMessages("PB"));
    sync.advance(Duration.ofHours(2));
    sync.runUntilQuiet();

    assertTrue(sync.a().issue("PA-1").isEmpty(), "deleted, as Jira said once it answered");
    assertTrue(sync.syncInfoB().get(0).incomingChangesIgnored());
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
  }

  /**
   * PB-1 answers 404 to the apply's read and to its check, then is found by the read that asks
   * whether it was deleted (a 404 Jira gave for a moment): the pair stays linked, and the message
   * is retried, not taken as the issue's end (the pair unlinked, PA-1 marked).
   */
  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void anIssueFoundByTheConfirmingReadKeepsItsPair(JiraPair.Flavours flavours) {
    pair = new JiraPair(flavours, org.backbonesync.testkit.ManualClock.startingAt2026(), b -> b
        .connectorA(c -> c.withOnPartnerGone(PartnerGone.mark())), s -> { }, s -> { });
    SyncTestDriver sync = pair.sync;
    sync.b("bob").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(2));
    var server = pair.siteB().server;
    String notFound = "{\"errorMessages\":[\"Issue does not exist or you do not have permission"
        + " to see it.\"],\"errors\":{}}";
    server.enqueue(FakeJiraServer.Fault.status(404, Map.of(), notFound).on("/issue/PB-1"));
    server.enqueue(FakeJiraServer.Fault.status(404, Map.of(), notFound).on("/issue/PB-1"));
    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofHours(1));
    sync.runUntilQuiet();

    assertEquals("Printer still on fire", sync.b().value("PB-1", "summary").asText());
    assertTrue(sync.a().comments("PA-1").isEmpty(), "PA-1 marked: " + sync.a().comments("PA-1"));
    assertTrue(!sync.syncInfoA().get(0).incomingChangesIgnored()
        && !sync.syncInfoB().get(0).incomingChangesIgnored(), "the pair was unlinked");
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void aSiteThatTakesEvery404AsADeletionDeletesThePartner(JiraPair.Flavours flavours)
      throws Exception {
    SyncTestDriver sync = partnerGoneAfter(flavours, s -> s.notFoundIsDeleted(true),
        p -> p.sync.b("bob").delete("PB-1"));

    assertTrue(sync.a().issue("PA-1").isEmpty());
    assertEquals(1, pair.siteA().server.count("DELETE", "/issue/PA-1"));
  }

  @ParameterizedTest
  @EnumSource(JiraPair.Flavours.class)
  void anIssueEditedOutOfTheJqlIsUnlinkedAndItsPartnerMarked(JiraPair.Flavours flavours)
      throws Exception {
    SyncTestDriver sync = sync(flavours, b -> b
        .connectorA(c -> c.withOnPartnerGone(PartnerGone.delete()))
        .connectorB(c -> c.withJql("labels != private")));
    sync.b("bob").create("Printer on fire");
    sync.runUntilQuiet();
    sync.advance(Duration.ofMinutes(2));

    sync.b("bob").edit("PB-1", "labels", InMemoryIssueTracker.strings("private"));
    sync.a("alice").edit("PA-1", "summary", "Printer still on fire");
    sync.runUntilQuiet();

    assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText(),
        "nothing written to an issue out of scope");
    assertTrue(sync.syncInfoA().get(0).incomingChangesIgnored());
    assertTrue(sync.syncInfoB().get(0).incomingChangesIgnored());
    assertTrue(sync.a().issue("PA-1").isPresent(), "marked, never deleted");
    List<Comment> comments = sync.a().comments("PA-1");
    assertEquals(1, comments.size(), comments.toString());
    String body = comments.get(0).body(); // ADF on Cloud
    String text = body.startsWith("{") ? Adf.toWiki(new ObjectMapper().readTree(body)) : body;
    assertEquals("The synced partner issue PB-1 was taken out of the synchronization; this issue"
        + " is no longer synced.", text);
    assertTrue(sync.engine().failedMessages("PA").isEmpty());
    assertTrue(sync.engine().failedMessages("PB").isEmpty());
  }
}
