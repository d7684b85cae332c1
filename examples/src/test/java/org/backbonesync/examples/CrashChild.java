package org.backbonesync.examples;

import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.core.SyncListener;
import org.backbonesync.jdbc.JdbcStores;
import org.backbonesync.jira.JiraCredentials;
import org.backbonesync.jira.JiraFlavour;
import org.backbonesync.jira.JiraSite;
import org.backbonesync.spi.message.SyncMessage;

/**
 * The process {@link KillNineTest} and {@link TwoNodeKillNineTest} kill: an engine on H2 files
 * in a directory (or, given a {@code jdbc:postgresql:} URL, on PostgreSQL as node "child" beside
 * the parent's node), syncing a Cloud and a Server site of the parent's fake Jira servers. Prints
 * a line at every step so the parent can kill it anywhere. Arguments: directory or URL, URL of A,
 * URL of B, token, and "loop" (run until killed) or "quiet" (run until nothing is left, then exit
 * 0).
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws Exception {
    String token = args[3];
    boolean untilQuiet = args[4].equals("quiet");
    boolean shared = args[0].startsWith("jdbc:postgresql:");
    JdbcStores stores = shared ? JdbcStores.atUrl(args[0], null, null)
        : JdbcStores.inDirectory(Path.of(args[0]));
    AtomicLong activity = new AtomicLong();
    SyncEngine engine = engine(stores, args[1], args[2], token, shared ? "child" : "node-1",
        new SyncListener() {
          @Override
          public void queued(String key, SyncMessage m) {
            step("queued " + key + " " + m.messageId());
          }

          @Override
          public void sent(String key, SyncMessage m) {
            step("sent " + key + " " + m.messageId());
          }

          @Override
          public void applied(String key, SyncMessage m, String local, boolean created) {
            step("applied " + key + " " + m.messageId() + " to " + local);
          }

          @Override
          public void failed(String key, SyncMessage m, String error, boolean permanent) {
            step("failed " + key + " " + m.messageId() + " " + permanent + ": " + error);
          }

          private void step(String what) {
            activity.incrementAndGet();
            System.out.println(what);
          }
        });
    int idle = 0;
    while (true) {
      long before = activity.get();
      engine.runOnce();
      System.out.println("round");
      boolean empty = stores.messages().outgoingCount("PA") + stores.messages().outgoingCount("PB")
          + stores.messages().incomingCount("PA") + stores.messages().incomingCount("PB") == 0;
      idle = activity.get() == before && empty ? idle + 1 : 0;
      if (untilQuiet && idle >= 3) {
        System.out.println("quiet");
        engine.close();
        System.exit(0);
      }
      if (activity.get() == before) {
        Thread.sleep(20); // a host's poll interval, short: nothing to do this round
      }
    }
  }

  /**
   * The engine both tests run: Cloud site A and Server site B, summary, labels and comments both
   * ways, short retry backoffs; with several nodes, leases of 5 s so that a node takes over a
   * killed one's work soon.
   */
  static SyncEngine engine(JdbcStores stores, String urlA, String urlB, String token, String node,
      SyncListener listener) {
    SyncConfiguration configuration = SyncConfiguration.builder("kill-nine")
        .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
        .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
        .fieldMapping(FieldMapping.passthrough("summary", "summary", Direction.BOTH))
        .fieldMapping(FieldMapping.passthrough("labels", "labels", Direction.BOTH))
        .fieldMapping(FieldMapping.of("comments", "comments", Direction.BOTH, "comment",
            "comment", null))
        .build();
    JiraSite a = JiraSite.builder(URI.create(urlA)).flavour(JiraFlavour.CLOUD)
        .credentials(JiraCredentials.apiToken("sync-a@example.com", token))
        .requestsPerSecond(0).endpointRequestsPerSecond(0, 1).issueWritesPerSecond(0, 1)
        .build();
    JiraSite b = JiraSite.builder(URI.create(urlB)).flavour(JiraFlavour.SERVER)
        .credentials(JiraCredentials.personalAccessToken(token)).requestsPerSecond(0).build();
    return SyncEngine.builder()
        .configuration(configuration)
        .tracker("PA", a.project("PA"))
        .tracker("PB", b.project("PB"))
        .stores(stores)
        .node(node, java.time.Duration.ofSeconds(node.equals("node-1") ? 60 : 5))
        .retryBackoff(java.time.Duration.ofMillis(50), java.time.Duration.ofMillis(200))
        .listener(listener)
        .build();
  }
}
