package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.SyncTestDriver;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A message that fails for good logs one line, as the README says, when Jira refused it (a typed
 * refusal: its text says why); an unexpected failure (a bug) keeps its stack. (Found by running
 * the service: a routine Jira 400 logged about 30 lines of stack trace.)
 */
class FailedMessageLogTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(
      "org.backbonesync.core.internal.UnappliedMessages");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @AfterEach
  void detach() {
    logger.detachAppender(lines);
  }

  private List<ILoggingEvent> warningsWhenCreatingFailsWith(Supplier<RuntimeException> failure) {
    lines.start();
    logger.addAppender(lines);
    SyncTestDriver sync = SyncTestDriver.builder().build();
    sync.b().intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (call.operation().equals("createIssue")) {
          throw failure.get();
        }
      }
    });
    sync.a("alice").create("Printer on fire");
    sync.poll("PA");
    sync.deliver("PA");
    sync.apply("PB");
    assertEquals(1, sync.engine().failedMessages("PB").size(), "failed for good");
    return lines.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
  }

  @Test
  void jirasRefusalIsOneLine() {
    List<ILoggingEvent> warnings = warningsWhenCreatingFailsWith(() -> new TrackerException(
        "Field 'summary' cannot be set.", null, Map.of("summary", "cannot be set")));

    assertEquals(1, warnings.size());
    assertNull(warnings.get(0).getThrowableProxy(), "no stack trace");
  }

  @Test
  void anUnexpectedFailureKeepsItsStack() {
    List<ILoggingEvent> warnings = warningsWhenCreatingFailsWith(
        () -> new IllegalStateException("a mapping's bug"));

    assertEquals(1, warnings.size());
    assertNotNull(warnings.get(0).getThrowableProxy(), "the stack, to find the bug");
  }
}
