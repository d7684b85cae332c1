package org.backbonesync.jira;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.backbonesync.core.PartnerGone;
import org.backbonesync.jira.internal.Adf;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.Comment;
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
