/**
 * The test kit: {@code SyncTestDriver}, in-memory projects, the fake Jira server, and the
 * compatibility kits (abstract JUnit 5 classes) that every store, tracker and transport
 * implementation extends. The kits are open so that JUnit can run their inherited tests. The
 * in-memory stores are in {@code org.backbonesync.memory}.
 */
module org.backbonesync.testkit {
  requires transitive org.backbonesync.core;
  requires transitive org.junit.jupiter.api;
  // The default stores of SyncTestDriver and Simulation; no testkit signature names them.
  requires org.backbonesync.memory;
  requires jdk.httpserver;
  requires java.net.http;
  requires static jakarta.inject;

  exports org.backbonesync.testkit;
  exports org.backbonesync.testkit.kit;

  opens org.backbonesync.testkit.kit to org.junit.platform.commons;
}
