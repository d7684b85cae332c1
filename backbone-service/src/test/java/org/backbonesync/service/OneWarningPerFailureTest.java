package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.backbonesync.spi.tracker.TrackerException;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualScheduler;
import org.backbonesync.testkit.TrackerCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * One failure of one issue is one WARN line in the service's log, with what an operator needs:
 * the synchronization (the line's MDC), the connector, the issue key and Jira's text. (Found
 * reading the service's log: the engine's line and the service's listener's said it twice.)
 */
class OneWarningPerFailureTest {
  @TempDir Path dir;
  private final FakeSitePair sites = new FakeSitePair();
  private final Logger root = (Logger) LoggerFactory.getLogger(
      org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private SyncService service;

  @AfterEach
  void close() {
    root.detachAppender(lines);
    if (service != null) {
      service.stop(Duration.ofSeconds(5));
    }
    sites.close();
  }

  private List<ILoggingEvent> warningsOfARound() throws Exception {
    open();
    lines.start();
    root.addAppender(lines);
    service.round();
    return lines.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
  }

  private void open() throws Exception {
    ServiceConfig config = TwoSitesFile.dailyPolls(dir, sites.cloud.url(), sites.server.url());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // (the prompts are not run: the round's own steps, on this thread, do it all)
    service = SyncService.open(config, Sites.connect(config, registry), registry,
        new ManualScheduler(Clock.systemUTC()));
  }

  /**
   * An issue deleted on its site is one WARN where it is found gone, the engine's (it says
   * what happened and that the partner is told; the listener's {@code unlinked} line, which
   * could only guess, is DEBUG), and one where the partner learns it, the engine's again
   * (it says why; the listener's {@code partnerGone} line is DEBUG).
   */
  @Test
  void aDeletedIssueIsOneWarningOnEachSideTheEnginesThatSaysWhatHappened() throws Exception {
    open();
    String key = sites.pa.as("alice").create("Printer on fire");
    service.round();
    sites.pa.delete(key);
    sites.pb.as("bob").edit("PB-1", "summary", "Printer still on fire");
    lines.start();
    root.addAppender(lines);

    service.round();
    service.round();

    List<String> warnings = lines.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(e -> e.getLoggerName() + " " + e.getFormattedMessage()).toList();
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("org.backbonesync.core.internal.GoneIssues PA: PA-1")
        && warnings.get(0).contains("partner issue PB-1 is told"), warnings.get(0));
    assertTrue(warnings.get(1).startsWith("org.backbonesync.core.internal.PartnerGoneApplier PB:"
        + " partner issue PA-1 of PB-1") && warnings.get(1).contains("LEAVE"), warnings.get(1));
  }

  @Test
  void aMessageJiraRefusesIsOneWarningWithTheIssueAndJirasText() throws Exception {
    sites.pb.intercept(new InMemoryIssueTracker.Interceptor() {
      @Override
      public void before(TrackerCall call) {
        if (call.operation().equals("createIssue")) {
          throw new TrackerException("Field 'summary' cannot be set.", null,
              Map.of("summary", "cannot be set"));
        }
      }
    });
    sites.pa.as("alice").create("Printer on fire");

    List<ILoggingEvent> warnings = warningsOfARound();

    assertEquals(1, warnings.size(), warnings.toString());
    ILoggingEvent line = warnings.get(0);
    String text = line.getFormattedMessage();
    assertTrue(text.startsWith("PB: ") && text.contains("PA-1")
        && text.contains("cannot be set"), text);
    assertEquals("pa-pb", line.getMDCPropertyMap().get("backbone.synchronization"));
    assertEquals("PB", line.getMDCPropertyMap().get("backbone.connector"));
    assertEquals(1, service.running().get(0).engine.failedMessages("PB").size());
  }

  /**
   * An issue the poll cannot examine is the engine's WARN line too ({@code PA: could not
   * examine PA-1; will try again: ...}, the synchronization in its MDC); the listener's is DEBUG.
   */
  @Test
  void theListenersLineOfAnIssueNotExaminedIsDebug() {
    lines.start();
    root.addAppender(lines);

    new LoggingListener().exportFailed("PA", "PA-1", "the changelog cannot be read");

    assertEquals(List.of(), lines.list.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList());
  }
}
