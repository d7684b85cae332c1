package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.backbonesync.testkit.SyncTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A partner that cannot be reached is one warning per failed delivery, not one per message
 * queued: the service logged a line for each queued message at every poll while its partner
 * was down (found running the service as a process with nine messages queued).
 */
class DeliveryFailureLogTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger("org.backbonesync");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @AfterEach
  void detach() {
    logger.detachAppender(lines);
  }

  @Test
  void aPartnerDownIsOneWarningPerDeliveryNotOnePerMessage() {
    SyncTestDriver sync = SyncTestDriver.builder().listener(new LoggingListener()).build();
    for (int i = 1; i <= 9; i++) {
      sync.a("alice").create("Printer " + i);
    }
    sync.transportAtoB().setDown(true);
    lines.start();
    logger.addAppender(lines);

    sync.poll("PA");
    sync.deliver("PA");

    List<String> warnings = lines.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("PA: delivery of 9 messages failed, will retry: "),
        warnings.get(0));

    sync.transportAtoB().setDown(false);
    sync.advance(Duration.ofMinutes(10));
    sync.runUntilQuiet();
    assertEquals(9, sync.b().allIssues().size(), "delivered once the partner is back");
  }
}
