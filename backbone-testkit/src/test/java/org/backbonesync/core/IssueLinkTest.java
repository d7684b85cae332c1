package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.backbonesync.spi.tracker.IssueLink;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Links between synced issues are made between their partners; others wait for their end. A
 * link removed on one side is removed on the other when the sync made or paired it.
 */
class IssueLinkTest {
  private final SyncTestDriver sync = SyncTestDriver.builder()
      .connectorA(c -> c.withJql("labels = sync"))
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
      .fieldMapping(FieldMapping.passthrough(SyncTestDriver.LABELS, "labels", Direction.BOTH))
      .fieldMapping(FieldMapping.of("map-links", "links", Direction.BOTH, "issuelinks",
          "issuelinks", null))
      .build();

  private String synced(String summary) {
    String key = sync.a("alice").create(summary);
    sync.a("alice").edit(key, "labels", InMemoryIssueTracker.strings("sync"));
    return key;
  }

  private static List<String> links(InMemoryIssueTracker tracker, String key) {
    return tracker.links(key).stream()
        .map(l -> l.outwardIssue() + " " + l.type() + " " + l.inwardIssue()).toList();
  }

  @Test
  void aLinkBetweenSyncedIssuesIsMadeBetweenTheirPartnersOnce() {
    String printer = synced("Printer on fire");
    String toner = synced("Order toner");
    sync.runUntilQuiet();

    sync.a("alice").createLink("Blocks", toner, printer);
    sync.runUntilQuiet();
    sync.runUntilQuiet();

    assertEquals(List.of("PB-2 Blocks PB-1"), links(sync.b(), "PB-1"));
    assertEquals(List.of("PA-2 Blocks PA-1"), links(sync.a(), printer), "not echoed back");
  }

  @Test
  void aLinkToAnUnsyncedIssueIsSkippedAndMadeWhenThatIssueIsSynced() {
    String printer = synced("Printer on fire");
    String toner = sync.a("alice").create("Order toner"); // not in the sync's JQL yet
    sync.a("alice").createLink("Relates", printer, toner);
    sync.runUntilQuiet();
    assertEquals(List.of(), links(sync.b(), "PB-1"));

    sync.a("alice").edit(toner, "labels", InMemoryIssueTracker.strings("sync"));
    sync.runUntilQuiet();

    assertEquals(List.of("PB-1 Relates PB-2"), links(sync.b(), "PB-2"));
  }

  @Test
  void linksTravelBothWays() {
    synced("Printer on fire");
    synced("Order toner");
    sync.runUntilQuiet();

    sync.b("bob").createLink("Duplicate", "PB-1", "PB-2");
    sync.runUntilQuiet();

    List<IssueLink> inA = sync.a().links("PA-1");
    assertEquals(1, inA.size());
    assertEquals("Duplicate", inA.get(0).type());
  }

  @Test
  void aLinkRemovedOnEitherSideIsRemovedOnTheOther() {
    String printer = synced("Printer on fire");
    String toner = synced("Order toner");
    sync.runUntilQuiet();
    String linkA = sync.a("alice").createLink("Blocks", toner, printer);
    sync.b("bob").createLink("Relates", "PB-1", "PB-2");
    sync.runUntilQuiet();
    assertEquals(List.of("PA-2 Blocks PA-1", "PA-1 Relates PA-2"), links(sync.a(), printer));

    sync.a("alice").deleteLink(printer, linkA);
    sync.runUntilQuiet();
    assertEquals(List.of("PB-1 Relates PB-2"), links(sync.b(), "PB-1"));

    String relates = sync.a().links(printer).get(0).id();
    sync.a("alice").deleteLink(printer, relates);
    sync.runUntilQuiet();
    assertEquals(List.of(), links(sync.b(), "PB-1"));
    assertEquals(List.of(), links(sync.b(), "PB-2"));
    assertEquals(List.of(), links(sync.a(), printer));
  }

  @Test
  void aLinkRemovedOnBIsRemovedOnA() {
    String printer = synced("Printer on fire");
    String toner = synced("Order toner");
    sync.a("alice").createLink("Blocks", toner, printer);
    sync.runUntilQuiet();

    String copy = sync.b().links("PB-1").get(0).id();
    sync.b("bob").deleteLink("PB-1", copy);
    sync.runUntilQuiet();

    assertEquals(List.of(), links(sync.a(), printer));
    assertEquals(List.of(), links(sync.a(), toner));
  }

  @Test
  void aLinkThePartnerNeverHadStaysWhenAnotherIsRemoved() {
    String printer = synced("Printer on fire");
    String toner = synced("Order toner");
    String linkA = sync.a("alice").createLink("Blocks", toner, printer);
    sync.runUntilQuiet();
    String onlyB = sync.b("bob").create("Bob's own notes"); // never synced
    sync.b("bob").createLink("Relates", "PB-1", onlyB);
    sync.runUntilQuiet();

    sync.a("alice").deleteLink(printer, linkA);
    sync.runUntilQuiet();

    assertEquals(List.of("PB-1 Relates " + onlyB), links(sync.b(), "PB-1"));
  }

  @Test
  void aLinkRemovedAndMadeAgainBeforeThePollIsThereOnce() {
    String printer = synced("Printer on fire");
    String toner = synced("Order toner");
    String first = sync.a("alice").createLink("Blocks", toner, printer);
    sync.runUntilQuiet();

    sync.a("alice").deleteLink(printer, first);
    sync.a("alice").createLink("Blocks", toner, printer);
    sync.runUntilQuiet();

    // (the copy may be the old one, paired with the new link, or a new one: either is right)
    assertEquals(List.of("PB-2 Blocks PB-1"), links(sync.b(), "PB-1"));
    sync.a("alice").deleteLink(printer, sync.a().links(printer).get(0).id());
    sync.runUntilQuiet();
    assertEquals(List.of(), links(sync.b(), "PB-1"), "the new copy is paired too");
  }

  /**
   * The same link made on both sides at once, then removed on B before A's add arrived there:
   * A's late add makes it again on B, and A's delete, which follows it, removes that copy too.
   */
  @Test
  void aLinkMadeOnBothSidesAndRemovedOnOneIsGoneOnBoth() {
    String printer = synced("Printer on fire");
    String toner = synced("Order toner");
    sync.runUntilQuiet();
    sync.a("alice").createLink("Blocks", toner, printer);
    String onB = sync.b("bob").createLink("Blocks", "PB-2", "PB-1");
    sync.poll("PA");
    sync.poll("PB");
    sync.deliver("PB");
    sync.apply("PA"); // A pairs its link with B's

    sync.b("bob").deleteLink("PB-1", onB);
    sync.poll("PB");
    sync.deliver("PA");
    sync.apply("PB"); // A's add, late: B makes the link again
    sync.runUntilQuiet();

    assertEquals(List.of(), links(sync.a(), printer));
    assertEquals(List.of(), links(sync.b(), "PB-1"));
  }

  /**
   * A link removed on A while B's rows ignored A's changes: the delete is consumed unapplied. When
   * the operator takes the changes again, both issues go whole; A's names the link as removed,
   * so B's copy goes too instead of staying for good.
   */
  @Test
  void aLinkRemovedWhileThePartnerIgnoredItIsRemovedWhenTheChangesAreTakenAgain() {
    String printer = synced("Printer on fire");
    String toner = synced("Order toner");
    sync.runUntilQuiet();
    String link = sync.a("alice").createLink("Relates", printer, toner);
    sync.runUntilQuiet();
    assertEquals(List.of("PB-1 Relates PB-2"), links(sync.b(), "PB-1"));
    List<Long> rowsOfB = sync.syncInfoB().stream().map(r -> r.id()).toList(); // both ends
    rowsOfB.forEach(row -> sync.engine().setIncomingChangesIgnored("PB", row, true));

    sync.a("alice").deleteLink(printer, link);
    sync.runUntilQuiet();
    assertEquals(List.of("PB-1 Relates PB-2"), links(sync.b(), "PB-1"), "ignored");
    sync.advance(Duration.ofMinutes(1));
    rowsOfB.forEach(row -> sync.engine().setIncomingChangesIgnored("PB", row, false));
    sync.runUntilQuiet();

    assertEquals(List.of(), links(sync.a(), printer));
    assertEquals(List.of(), links(sync.b(), "PB-1"));
  }
}
