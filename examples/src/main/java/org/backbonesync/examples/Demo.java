package org.backbonesync.examples;

import static org.backbonesync.testkit.InMemoryIssueTracker.strings;
import static org.backbonesync.testkit.InMemoryIssueTracker.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.core.SyncListener;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.message.MessageKind;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.tracker.IssueCreate;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;

/**
 * The demo: syncs two in-memory projects, PA and PB, and prints what happened. Run it with
 * {@code mvn -q -pl examples -am compile exec:java} from the repository root.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  static void run(PrintStream out) throws Exception {
    ManualClock clock = ManualClock.startingAt2026();
    InMemoryIssueTracker pa =
        InMemoryIssueTracker.builder("PA").clock(clock).syncUser("sync-a").users("bob").build();
    InMemoryIssueTracker pb =
        InMemoryIssueTracker.builder("PB").clock(clock).syncUser("sync-b").users("bob").build();

    SyncConfiguration configuration = SyncConfiguration.builder("demo")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
        .fieldMapping(FieldMapping.passthrough("map-summary", "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough("map-priority", "priority", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough("map-labels", "labels", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough("map-assignee", "assignee", Direction.BOTH))
        .build();
    SyncEngine engine = SyncEngine.builder()
        .configuration(configuration)
        .tracker("PA", pa)
        .tracker("PB", pb)
        .stores(new InMemoryStores())
        .clock(clock)
        .listener(new Narrator(out))
        .build();

    String pa1 = pa.as("alice").createIssue(new IssueCreate("Task",
        Map.of("summary", text("Printer on fire"), "priority", text("High")), null));
    pa.as("alice").updateIssue(pa1, Map.of("labels", strings("hardware"), "assignee", text("bob")));
    out.println("alice created " + pa1 + " in PA: \"Printer on fire\", High, [hardware], bob");
    runFor(engine, clock);

    pb.as("bob").edit("PB-1", "summary", "Printer on fire, third floor");
    out.println("bob edited PB-1 in PB: summary \"Printer on fire, third floor\"");
    runFor(engine, clock);

    out.println("PA-1 summary is now \"" + pa.value("PA-1", "summary").asText() + "\"");
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    for (String connector : new String[] {"PA", "PB"}) {
      out.println("sync information of connector " + connector + ":");
      out.println(json.writeValueAsString(engine.syncInformation(connector)));
    }
    engine.close();
  }

  /** Runs the queues a few times, ten seconds apart, as a host's scheduler would. */
  private static void runFor(SyncEngine engine, ManualClock clock) {
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofSeconds(10));
      engine.runOnce();
    }
  }

  /** Prints the engine's events as they happen. */
  private record Narrator(PrintStream out) implements SyncListener {
    @Override
    public void queued(String connectorKey, SyncMessage m) {
      out.println("  " + connectorKey + ": " + describe(m) + " queued with sequence id "
          + m.sequenceId() + (m.fields().isEmpty() ? "" : ", fields " + m.fields().keySet()));
    }

    @Override
    public void sent(String connectorKey, SyncMessage m) {
      out.println("  " + connectorKey + ": sent " + m.sourceIssueKey() + " #" + m.sequenceId()
          + " to " + m.toConnector() + "'s inbox (one engine: no transport to acknowledge)");
    }

    @Override
    public void applied(String connectorKey, SyncMessage m, String localKey, boolean created) {
      out.println("  " + connectorKey + ": applied " + m.sourceIssueKey() + " #" + m.sequenceId()
          + (created ? " by creating " : " to ") + localKey);
    }

    @Override
    public void failed(String connectorKey, SyncMessage m, String error, boolean permanent) {
      out.println("  " + connectorKey + ": FAILED " + m.sourceIssueKey() + " #" + m.sequenceId()
          + ": " + error);
    }

    private static String describe(SyncMessage m) {
      return m.kind() == MessageKind.PAIRED
          ? m.sourceIssueKey() + " paired with " + m.partnerIssueKey() + ", message"
          : "change of " + m.sourceIssueKey();
    }
  }
}
