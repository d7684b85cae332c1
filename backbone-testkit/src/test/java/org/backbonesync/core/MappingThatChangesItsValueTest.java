package org.backbonesync.core;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.RecordingListener.Type;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.Test;

/**
 * An incoming mapping that changes the value it is given, in place (what its Javadoc asks not to
 * do, found by a mapping author): the trackers share no memory with the engine, as Jira shares
 * none, so the sending issue keeps its value and one edit is one message; and the engine hands
 * the mapping its own copy, so the stored message a retry reads is unchanged.
 */
class MappingThatChangesItsValueTest {

  private static SyncTestDriver labelsAddingX() {
    return SyncTestDriver.builder()
        .provider(HookedMapping.importing("acme.adds-x", (field, value, updates) -> {
          if (value instanceof ArrayNode array) {
            array.add("x"); // (in place)
          }
          updates.set(field, value);
        }))
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.of("map-labels", "acme.adds-x", Direction.A_TO_B, "labels",
            "labels", null))
        .build();
  }

  @Test
  void theSendingIssueKeepsItsValueAndOneEditIsOneMessage() {
    SyncTestDriver sync = labelsAddingX();
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.events().clear();

    sync.a("alice").edit(pa1, "labels", strings("a", "b"));
    sync.runUntilQuiet();

    assertEquals(strings("a", "b"), sync.a().value(pa1, "labels"));
    assertEquals(strings("a", "b", "x"), sync.b().value("PB-1", "labels"));
    assertEquals(List.of("PA SENT CHANGE PA-1 #2"), sync.events().events(Type.SENT).stream()
        .map(Object::toString).toList());
    assertEquals(1, sync.events().count(Type.APPLIED, "PB"));
  }

  @Test
  void aRetryImportsTheValueAsItWasSent() {
    SyncTestDriver sync = labelsAddingX();
    String pa1 = sync.a("alice").create("Printer on fire");
    sync.runUntilQuiet();
    sync.b().clearCalls();
    AtomicInteger failures = new AtomicInteger(1);
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (call.operation().equals("updateIssue") && failures.getAndDecrement() > 0) {
          throw new RetriableException("503 Service Unavailable", null);
        }
      }
    });

    sync.a("alice").edit(pa1, "labels", strings("a", "b"));
    sync.runUntilQuiet();

    assertEquals(2, sync.b().calls("updateIssue").size(), "refused once, then retried");
    assertEquals(strings("a", "b", "x"), sync.b().value("PB-1", "labels"));
  }
}
