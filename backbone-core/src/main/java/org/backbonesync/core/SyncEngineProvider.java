package org.backbonesync.core;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import java.time.Clock;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.tracker.IssueTracker;

/**
 * Builds a {@link SyncEngine} for a dependency-injection container (Guice, Dagger, Spring, CDI)
 * from what the container holds: the {@link SyncConfiguration}, the {@link Stores}, and one
 * {@link IssueTracker} per connector, qualified {@code @Named(TRACKER_A)} and {@code
 * @Named(TRACKER_B)}, and the {@link Clock} (bind {@code Clock.systemUTC()}; tests bind a manual
 * one). The engine runs both connectors of the synchronization on this node, with the field
 * mapping types found on the class path.
 *
 * <p>Each {@link #get()} builds a new engine, which the caller {@linkplain SyncEngine#close()
 * closes}: bind it as a singleton. A host that needs anything else (a transport to a partner in
 * another process, a scheduler, a listener, tuning) calls {@link SyncEngine#builder()} in a
 * provider method of its own.
 */
public final class SyncEngineProvider implements Provider<SyncEngine> {
  /** The qualifier of connector A's tracker. */
  public static final String TRACKER_A = "backbone.trackerA";
  /** The qualifier of connector B's tracker. */
  public static final String TRACKER_B = "backbone.trackerB";

  private final SyncConfiguration configuration;
  private final Stores stores;
  private final IssueTracker trackerA;
  private final IssueTracker trackerB;
  private final Clock clock;

  /** What an engine needs; each is checked when given and named when missing. */
  @Inject
  public SyncEngineProvider(SyncConfiguration configuration, Stores stores,
      @Named(TRACKER_A) IssueTracker trackerA, @Named(TRACKER_B) IssueTracker trackerB,
      Clock clock) {
    this.configuration = Checks.notNull("configuration", configuration);
    this.stores = Checks.notNull("stores", stores);
    this.trackerA = Checks.notNull("trackerA", trackerA);
    this.trackerB = Checks.notNull("trackerB", trackerB);
    this.clock = Checks.notNull("clock", clock);
  }

  /**
   * A new engine over both connectors.
   *
   * @throws ConfigurationException listing every problem of the configuration against the
   *     trackers' projects
   */
  @Override
  public SyncEngine get() {
    return SyncEngine.builder()
        .configuration(configuration)
        .stores(stores)
        .tracker(configuration.connectorA().key(), trackerA)
        .tracker(configuration.connectorB().key(), trackerB)
        .clock(clock)
        .build();
  }
}
