package org.backbonesync.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.ConflictRule;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.core.PollResult;
import org.backbonesync.core.Responsibility;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.core.SyncListener;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.IssueTracker;

/**
 * A real {@link SyncEngine} between two in-memory projects, PA and PB, driven step by step on a
 * {@link ManualClock}: the synchronization's equivalent of Kafka Streams' TopologyTestDriver.
 *
 * <pre>{@code
 * SyncTestDriver sync = SyncTestDriver.builder().build();
 * String pa1 = sync.a("alice").create("Printer on fire");
 * sync.runUntilQuiet();
 * assertEquals("Printer on fire", sync.b().value("PB-1", "summary").asText());
 * }</pre>
 *
 * <p>Connector keys equal the project keys. The sync users are {@code sync-a} and {@code
 * sync-b}; {@code alice} and {@code bob} are known users of both projects. By default summary,
 * description, priority, labels and assignee sync both ways (mapping ids {@link #SUMMARY} and so
 * on); only summary, description and priority are on the create screens, so labels and assignee
 * reach a new issue in the update after its create. Not thread-safe: one test drives it.
 */
public final class SyncTestDriver {
  /** Field mapping id of the default summary mapping. */
  public static final String SUMMARY = "map-summary";
  /** Field mapping id of the default description mapping. */
  public static final String DESCRIPTION = "map-description";
  /** Field mapping id of the default priority mapping. */
  public static final String PRIORITY = "map-priority";
  /** Field mapping id of the default labels mapping. */
  public static final String LABELS = "map-labels";
  /** Field mapping id of the default assignee mapping. */
  public static final String ASSIGNEE = "map-assignee";

  private static final int MAX_ROUNDS = 1_000;

  private final ManualClock clock;
  private final InMemoryIssueTracker a;
  private final InMemoryIssueTracker b;
  private final IssueTracker engineA;
  private final IssueTracker engineB;
  private Stores stores;
  private final InMemoryTransport aToB = new InMemoryTransport();
  private final InMemoryTransport bToA = new InMemoryTransport();
  private final RecordingListener events = new RecordingListener();
  private final RefusedValues refusals = new RefusedValues();
  private final StandingFailures standing;
  private final SyncConfiguration configuration;
  private final Consumer<SyncEngine.Builder> engineSettings;
  private final SyncListener hostListener;
  private final FieldMappingRegistry types;
  private final boolean transports;
  private SyncEngine engine;

  private SyncTestDriver(Builder builder) {
    this.clock = builder.clock;
    this.stores = builder.stores;
    this.a = builder.trackerA.clock(clock).syncUser("sync-a").users("alice", "bob").build();
    this.b = builder.trackerB
        .clock(builder.skewB.isZero() ? clock : java.time.Clock.offset(clock, builder.skewB))
        .syncUser("sync-b").users("alice", "bob").build();
    SyncConfiguration.Builder config = SyncConfiguration.builder(builder.syncId)
        .connectorA(builder.connectorA.apply(
            ConnectorConfig.of(a.projectKey(), a.projectKey(), "sync-a")))
        .connectorB(builder.connectorB.apply(
            ConnectorConfig.of(b.projectKey(), b.projectKey(), "sync-b")));
    (builder.mappings.isEmpty() ? defaultMappings() : builder.mappings)
        .forEach(config::fieldMapping);
    if (builder.responsibility != null) {
      config.responsibility(builder.responsibility);
    }
    this.configuration = config.build();
    this.engineA = builder.reach.apply(keyA(), a);
    this.engineB = builder.reach.apply(keyB(), b);
    this.engineSettings = builder.engineSettings;
    this.hostListener = builder.listener;
    this.types = registry(builder.providers);
    this.standing = new StandingFailures(this, refusals, types);
    this.transports = builder.transports;
    this.engine = newEngine();
  }

  /** Starts building a driver. */
  public static Builder builder() {
    return new Builder();
  }

  private static List<FieldMapping> defaultMappings() {
    return List.of(
        FieldMapping.passthrough(SUMMARY, "summary", Direction.BOTH),
        FieldMapping.passthrough(DESCRIPTION, "description", Direction.BOTH),
        FieldMapping.passthrough(PRIORITY, "priority", Direction.BOTH),
        FieldMapping.passthrough(LABELS, "labels", Direction.BOTH),
        FieldMapping.passthrough(ASSIGNEE, "assignee", Direction.BOTH));
  }

  /** The types an engine finds on the classpath, and those the test registered. */
  private static FieldMappingRegistry registry(List<FieldMappingProvider> providers) {
    FieldMappingRegistry.Builder types = FieldMappingRegistry.builder()
        .discover(Thread.currentThread().getContextClassLoader());
    providers.forEach(types::register);
    return types.build();
  }

  private SyncEngine newEngine() {
    SyncEngine.Builder builder = SyncEngine.builder()
        .configuration(configuration)
        .tracker(keyA(), engineA)
        .tracker(keyB(), engineB)
        .stores(stores)
        .clock(clock)
        .fieldMappingRegistry(types);
    engineSettings.accept(builder);
    builder.listener(hostListener == null ? SyncListener.all(events, refusals)
        : SyncListener.all(events, refusals, hostListener));
    if (transports) {
      builder.transport(keyA(), aToB).transport(keyB(), bToA);
    }
    SyncEngine built = builder.build();
    if (transports) {
      aToB.connect(built.receiver(keyB()));
      bToA.connect(built.receiver(keyA()));
    }
    return built;
  }

  /**
   * Throws the engine away and builds a new one on the same stores, trackers and transports, as
   * a process restarted after a crash would.
   */
  public void restart() {
    engine.close();
    engine = newEngine();
  }

  /**
   * Throws the engine away and builds a new one on other stores (an empty one for a lost
   * database, a copy for a restored backup), with the same trackers and transports.
   */
  public void restartOn(Stores replacement) {
    engine.close();
    stores = java.util.Objects.requireNonNull(replacement, "replacement");
    engine = newEngine();
  }

  /** The synchronization's configuration. */
  public SyncConfiguration configuration() {
    return configuration;
  }

  /** The engine (replaced by {@link #restart()}). */
  public SyncEngine engine() {
    return engine;
  }

  /** The clock shared by the engine and both projects. */
  public ManualClock clock() {
    return clock;
  }

  /** Project A, acting as its sync user. */
  public InMemoryIssueTracker a() {
    return a;
  }

  /** Project A, acting as {@code user}. */
  public InMemoryIssueTracker a(String user) {
    return a.as(user);
  }

  /** Project B, acting as its sync user. */
  public InMemoryIssueTracker b() {
    return b;
  }

  /** Project B, acting as {@code user}. */
  public InMemoryIssueTracker b(String user) {
    return b.as(user);
  }

  /** Connector A's key (its project key as configured, whatever the project was renamed to). */
  public String keyA() {
    return configuration.connectorA().key();
  }

  /** Connector B's key (its project key as configured). */
  public String keyB() {
    return configuration.connectorB().key();
  }

  /** The stores. */
  public Stores stores() {
    return stores;
  }

  /**
   * The transport carrying A's messages to B.
   *
   * @throws IllegalStateException when the driver was built without transports
   */
  public InMemoryTransport transportAtoB() {
    return transport(aToB);
  }

  /**
   * The transport carrying B's messages to A.
   *
   * @throws IllegalStateException when the driver was built without transports
   */
  public InMemoryTransport transportBtoA() {
    return transport(bToA);
  }

  private InMemoryTransport transport(InMemoryTransport t) {
    if (!transports) {
      throw new IllegalStateException("this driver was built with transports(false): the"
          + " connectors hand their messages straight to each other's inbox");
    }
    return t;
  }

  /** Every engine event so far. */
  public RecordingListener events() {
    return events;
  }

  /** Moves time forward. */
  public void advance(Duration duration) {
    clock.advance(duration);
  }

  /** One poll of a connector's outgoing queue. */
  public PollResult poll(String connectorKey) {
    return engine.poll(connectorKey);
  }

  /** One delivery of a connector's outbox. */
  public int deliver(String connectorKey) {
    return engine.deliver(connectorKey);
  }

  /** One apply step of a connector's incoming queue. */
  public List<ApplyOutcome> apply(String connectorKey) {
    return engine.apply(connectorKey);
  }

  /** Polls, delivers and applies once for both connectors. */
  public void step() {
    engine.runOnce();
  }

  /**
   * Runs steps until nothing is left to do: no message in an outbox, none held by a transport,
   * and none pending in an inbox (failed ones wait for an admin and do not count). When only
   * deferred work is left (a retry backoff, a gap recheck), moves the clock to when it is due.
   *
   * @return the number of rounds it took
   * @throws IllegalStateException when the sync is still busy after 1,000 rounds (for example a
   *     transport that stays down), with what is left; or when it is quiet but its last polls
   *     could not export an issue (an outgoing mapping that throws: the change would never
   *     reach the partner), naming each issue and the failure; or when a message failed for
   *     good in this run because of an incoming field mapping (it refused a value, threw, or set
   *     what it may not), naming each such message and its error; or because the tracker
   *     refused a field a custom (not built-in) mapping wrote, naming the message, the field and
   *     its schema, the mapping, the value it was given and the tracker's text. A test that
   *     expects such failures runs {@link #runUntilQuietExpectingFailures()} ({@link #runFor}
   *     checks none of these)
   */
  public int runUntilQuiet() {
    StandingFailures.Run run = standing.start(false);
    Quiet quiet = quiet();
    run.refuseExportFailures(quiet.exportFailuresBefore());
    run.refuseFailedMessages();
    return quiet.rounds();
  }

  /**
   * Runs as {@link #runUntilQuiet()} does, for a test that expects messages to fail for good (a
   * mapping's refusal, a value the tracker refuses): instead of failing on them, returns them.
   * It still fails when the sync does not go quiet or a change fails to export at every poll.
   *
   * @return the messages of both connectors that failed for good in this run and wait for an
   *     admin ({@link SyncEngine#failedMessages}), A's first; empty when none did
   */
  public List<InboxEntry> runUntilQuietExpectingFailures() {
    StandingFailures.Run run = standing.start(true);
    Quiet quiet = quiet();
    run.refuseExportFailures(quiet.exportFailuresBefore());
    return run.failedMessages();
  }

  /**
   * A quiet sync: the rounds it took, and the export failures heard before its quiet round.
   */
  private record Quiet(int rounds, int exportFailuresBefore) {}

  private Quiet quiet() {
    for (int round = 1; round <= MAX_ROUNDS; round++) {
      int before = events.activity();
      int failedBefore = events.events(RecordingListener.Type.EXPORT_FAILED).size();
      engine.runOnce();
      if (events.activity() != before) {
        continue;
      }
      long due = nextDeferred();
      int held = aToB.heldCount() + bToA.heldCount();
      if (due == Long.MAX_VALUE && held == 0) {
        return new Quiet(round, failedBefore);
      }
      if (held > 0) {
        aToB.releaseHeld();
        bToA.releaseHeld();
      } else {
        clock.advanceTo(Math.max(due, clock.millis() + 1));
      }
    }
    throw new IllegalStateException("sync not quiet after " + MAX_ROUNDS + " rounds: outbox "
        + keyA() + "=" + stores.messages().outgoingCount(keyA()) + ", outbox " + keyB() + "="
        + stores.messages().outgoingCount(keyB()) + ", inbox " + keyA() + "="
        + stores.messages().incomingCount(keyA()) + ", inbox " + keyB() + "="
        + stores.messages().incomingCount(keyB()) + lastApplied());
  }

  /**
   * The last messages applied, for a sync that never goes quiet: most often two sides that keep
   * answering each other (an export that changes by itself, a mapping pair that does not round
   * trip), whose values these show.
   */
  private String lastApplied() {
    List<RecordingListener.Event> applied = events.events(RecordingListener.Type.APPLIED);
    if (applied.isEmpty()) {
      return "";
    }
    List<String> shown = new ArrayList<>();
    for (RecordingListener.Event e : applied.subList(Math.max(0, applied.size() - 3),
        applied.size())) {
      SyncMessage m = e.message();
      StringBuilder fields = new StringBuilder();
      m.fields().forEach((id, v) -> fields.append(fields.length() == 0 ? "" : ", ").append(id)
          .append('=').append(Shown.text(String.valueOf(v.value()), 100)));
      shown.add(e.connectorKey() + " " + m.sourceIssueKey() + " #" + m.sequenceId() + " {"
          + fields + "}");
    }
    return "; the last messages applied (" + applied.size() + " in all): "
        + String.join("; ", shown);
  }

  /**
   * Runs steps for a stretch of simulated time, moving the clock to deferred work as {@link
   * #runUntilQuiet()} does, but stops at the end of the stretch instead of failing: for work that
   * waits on purpose (a sub-task whose parent is not synced, a partner that stays down).
   *
   * @return the number of rounds it ran
   */
  public int runFor(Duration duration) {
    long end = clock.millis() + duration.toMillis();
    int rounds = 0;
    while (clock.millis() <= end && rounds < MAX_ROUNDS) {
      rounds++;
      int before = events.activity();
      engine.runOnce();
      if (events.activity() != before) {
        continue;
      }
      long due = nextDeferred();
      if (aToB.heldCount() + bToA.heldCount() > 0) {
        aToB.releaseHeld();
        bToA.releaseHeld();
      } else if (due == Long.MAX_VALUE || due > end) {
        clock.advanceTo(end);
        engine.runOnce();
        return rounds;
      } else {
        clock.advanceTo(Math.max(due, clock.millis() + 1));
      }
    }
    return rounds;
  }

  /** The earliest time deferred work becomes due; Long.MAX_VALUE when there is none. */
  private long nextDeferred() {
    long next = Long.MAX_VALUE;
    for (String key : List.of(keyA(), keyB())) {
      for (OutboxEntry e : stores.messages().dueOutgoing(key, Long.MAX_VALUE, Integer.MAX_VALUE)) {
        next = Math.min(next, e.notBefore());
      }
      for (InboxEntry e : stores.messages().nextIncoming(key, Long.MAX_VALUE, Integer.MAX_VALUE)) {
        next = Math.min(next, e.notBefore());
      }
    }
    return next;
  }

  /** Connector A's sync information rows, in id order. */
  public List<SyncInfo> syncInfoA() {
    return engine.syncInformation(keyA());
  }

  /** Connector B's sync information rows, in id order. */
  public List<SyncInfo> syncInfoB() {
    return engine.syncInformation(keyB());
  }

  /** Builds a {@link SyncTestDriver}. */
  public static final class Builder {
    private ManualClock clock = ManualClock.startingAt2026();
    private Stores stores = new InMemoryStores();
    private String syncId = "sync-pa-pb";
    private final InMemoryIssueTracker.Builder trackerA = InMemoryIssueTracker.builder("PA");
    private final InMemoryIssueTracker.Builder trackerB = InMemoryIssueTracker.builder("PB");
    private final List<FieldMapping> mappings = new ArrayList<>();
    private Consumer<SyncEngine.Builder> engineSettings = e -> { };
    private SyncListener listener;
    private final List<FieldMappingProvider> providers = new ArrayList<>();
    private UnaryOperator<ConnectorConfig> connectorA = c -> c;
    private Duration skewB = Duration.ZERO;
    private Responsibility responsibility;
    private UnaryOperator<ConnectorConfig> connectorB = c -> c;
    private BiFunction<String, InMemoryIssueTracker, IssueTracker> reach = (key, project) -> project;
    private boolean transports = true;

    private Builder() {}

    /**
     * How the engine reaches each project, given the connector key and the in-memory project.
     * Default: the in-memory tracker itself. A test of an adapter puts it in between, e.g. a
     * {@link FakeJiraServer} over the project and the Jira adapter over the server, while {@link
     * SyncTestDriver#a(String)} still edits the project directly as a person would.
     */
    public Builder trackers(BiFunction<String, InMemoryIssueTracker, IssueTracker> value) {
      this.reach = Objects.requireNonNull(value, "trackers");
      return this;
    }

    /** The clock. Default: a {@link ManualClock} at 2026-01-01T09:00Z. */
    public Builder clock(ManualClock manualClock) {
      this.clock = manualClock;
      return this;
    }

    /**
     * The stores: to share them with a second driver, or durable ones (JDBC). Default: new
     * in-memory stores.
     */
    public Builder stores(Stores durable) {
      this.stores = durable;
      return this;
    }

    /** The synchronization id. Default {@code sync-pa-pb}. */
    public Builder synchronizationId(String id) {
      this.syncId = id;
      return this;
    }

    /**
     * Makes project B's clock run ahead (positive) or behind (negative) of project A's and the
     * engine's, as two Jira sites' clocks disagree.
     */
    public Builder skewB(Duration skew) {
      this.skewB = skew;
      return this;
    }

    /** Configures responsibility; see {@link Responsibility}. */
    public Builder responsibility(Responsibility value) {
      this.responsibility = value;
      return this;
    }

    /** Adjusts connector A's configuration (JQL, incoming JQL). */
    public Builder connectorA(UnaryOperator<ConnectorConfig> adjust) {
      this.connectorA = adjust;
      return this;
    }

    /** Adjusts connector B's configuration (JQL, incoming JQL). */
    public Builder connectorB(UnaryOperator<ConnectorConfig> adjust) {
      this.connectorB = adjust;
      return this;
    }

    /** Adjusts project A (create screen, priorities, custom fields...). */
    public Builder projectA(Consumer<InMemoryIssueTracker.Builder> adjust) {
      adjust.accept(trackerA);
      return this;
    }

    /** Adjusts project B. */
    public Builder projectB(Consumer<InMemoryIssueTracker.Builder> adjust) {
      adjust.accept(trackerB);
      return this;
    }

    /**
     * Adds a field mapping to those added before (by {@link FieldMappingTester#syncTestDriver()}
     * too); the driver's default mappings are used only when none is added.
     */
    public Builder fieldMapping(FieldMapping mapping) {
      mappings.add(mapping);
      return this;
    }

    /**
     * Adds two field mappings, both ways: summary ({@link #SUMMARY}) and labels ({@link #LABELS})
     * merged on a conflict ({@link ConflictRule#MERGE}), as {@link #fieldMapping} would: the
     * driver's default mappings are then not used. The setup of the stories of merged labels,
     * which several modules' tests tell on their own stores.
     */
    public Builder summaryAndMergedLabels() {
      return fieldMapping(FieldMapping.passthrough(SUMMARY, "summary", Direction.BOTH))
          .fieldMapping(FieldMapping.passthrough(LABELS, "labels", Direction.BOTH)
              .withConflict(ConflictRule.MERGE));
    }

    /**
     * Registers a mapping type explicitly (types listed for {@link java.util.ServiceLoader} on the
     * classpath are found anyway).
     */
    public Builder provider(FieldMappingProvider provider) {
      providers.add(provider);
      return this;
    }

    /** A listener that gets the engine's events too (the driver records them anyway). */
    public Builder listener(SyncListener extra) {
      this.listener = extra;
      return this;
    }

    /**
     * Adjusts the engine builder (backoffs, batch sizes, gap timeout...). A listener set here is
     * replaced; use {@link #listener(SyncListener)}.
     */
    public Builder engine(Consumer<SyncEngine.Builder> adjust) {
      this.engineSettings = adjust;
      return this;
    }

    /**
     * Whether messages travel through in-memory transports (the default), which a test can make
     * drop, repeat or delay them ({@link #transportAtoB}), as between two engines; or, with
     * false, as between two connectors of one engine when the host gives no transport: each
     * hands its messages straight to the other's inbox in the commit that records them, and
     * nothing waits in an outbox for a delivery.
     */
    public Builder transports(boolean on) {
      this.transports = on;
      return this;
    }

    /** Builds the driver with a new engine in state NEW. */
    public SyncTestDriver build() {
      return new SyncTestDriver(this);
    }
  }
}
