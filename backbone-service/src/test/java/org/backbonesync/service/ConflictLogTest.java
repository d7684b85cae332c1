package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.TextNode;
import org.backbonesync.spi.store.ConflictRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A conflict's log line names the pair, the mapping, the winner and the rule, not the values: a
 * soak of the service logged every conflicting description whole (h187); the admin API lists
 * them.
 */
class ConflictLogTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger("org.backbonesync.service.sync");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @AfterEach
  void detach() {
    logger.detachAppender(lines);
  }

  @Test
  void aConflictIsOneLineWithoutTheIssuesText() {
    lines.start();
    logger.addAppender(lines);
    String description = "Customer data: ".repeat(1000);

    new LoggingListener().conflict("PB", new ConflictRecord(0, "PB", "PB-7", "PA-7",
        "description", TextNode.valueOf(description), TextNode.valueOf("other " + description),
        1_767_258_000_000L, 1_767_258_001_000L, ConflictRecord.Winner.REMOTE,
        ConflictRecord.Rule.NEWEST_WINS, 1_767_258_002_000L));

    assertEquals(1, lines.list.size());
    String line = lines.list.get(0).getFormattedMessage();
    assertEquals("PB: conflict on PB-7 (partner PA-7), field mapping description: REMOTE by"
        + " NEWEST_WINS (changed here at 2026-01-01T09:00:00Z, there at 2026-01-01T09:00:01Z);"
        + " its values: GET .../connectors/PB/conflicts?localIssueKey=PB-7", line);
    assertFalse(line.contains("Customer data"), line);
  }
}
