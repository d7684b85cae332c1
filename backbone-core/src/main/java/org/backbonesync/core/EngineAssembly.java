package org.backbonesync.core;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.backbonesync.core.internal.DefaultSyncEngine;
import org.backbonesync.core.internal.EngineSettings;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueTracker;

/**
 * What {@link SyncEngine.Builder#build()} does: checks that the builder's parts fit together
 * (trackers and transports of known, reachable connectors; the configuration against the local
 * projects), fills in the defaults and hands plain values to the internal engine. The one class
 * of this package that names the engine's implementation.
 */
final class EngineAssembly {
  private EngineAssembly() {}

  static SyncEngine build(SyncEngine.Builder b) {
    SyncConfiguration configuration = Checks.notNull("configuration", b.configuration);
    Checks.notNull("stores", b.stores);
    checkConnectors(configuration, b.trackers.keySet(), b.transports.keySet());
    checkTrackers(configuration, b.trackers);
    FieldMappingRegistry mappingTypes = b.registry != null ? b.registry : defaultRegistry();
    ConfigurationChecker.Project projectA = project(b, configuration.connectorA().key());
    ConfigurationChecker.Project projectB = project(b, configuration.connectorB().key());
    List<ConfigurationProblem> problems =
        ConfigurationChecker.check(configuration, mappingTypes, projectA, projectB);
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    Map<String, Map<String, FieldSchema>> schemas = new LinkedHashMap<>();
    if (projectA != null) {
      schemas.put(configuration.connectorA().key(), projectA.fields());
    }
    if (projectB != null) {
      schemas.put(configuration.connectorB().key(), projectB.fields());
    }
    EngineSettings settings =
        new EngineSettings(
            b.pollInterval, b.changeDetectionOverlap, b.pollPageSize, b.deliveryBatchSize,
            b.applyBatchSize, b.retryBackoff, b.maxRetryBackoff, b.gapRecheck, b.gapTimeout,
            Set.copyOf(b.switches), b.node, b.leaseDuration, b.traceLength);
    Executor taskExecutor =
        b.taskExecutor != null ? b.taskExecutor : b.scheduler != null ? b.scheduler : Runnable::run;
    return new DefaultSyncEngine(
        configuration, b.trackers, b.transports, b.stores,
        b.clock == null ? Clock.systemUTC() : b.clock, b.listener, b.scheduler,
        taskExecutor, settings, mappingTypes, schemas);
  }

  /** Every tracker for a connector of the configuration, every transport for a local one. */
  private static void checkConnectors(SyncConfiguration configuration, Set<String> trackers,
      Set<String> transports) {
    if (trackers.isEmpty()) {
      throw new IllegalArgumentException("at least one tracker must be given");
    }
    for (String key : trackers) {
      if (configuration.connector(key).isEmpty()) {
        throw new IllegalArgumentException(
            "tracker given for unknown connector key \"" + key + "\"; synchronization "
                + configuration.id() + " has " + configuration.connectorA().key() + " and "
                + configuration.connectorB().key());
      }
    }
    for (String key : transports) {
      if (!trackers.contains(key)) {
        throw new IllegalArgumentException(
            "transport given for connector \"" + key + "\" that has no tracker here");
      }
    }
    for (String key : trackers) {
      String partner = configuration.partnerOf(key).key();
      if (!trackers.contains(partner) && !transports.contains(key)) {
        throw new IllegalArgumentException(
            "connector \"" + key + "\" needs a transport: its partner \"" + partner
                + "\" is not local");
      }
    }
  }

  /**
   * Each tracker works on its connector's project, and no tracker serves both connectors: a
   * connector that polls the partner's project (one tracker given twice, or another project's)
   * takes the issues the sync made there for its own and copies them back, without end.
   */
  private static void checkTrackers(SyncConfiguration configuration,
      Map<String, IssueTracker> trackers) {
    IssueTracker a = trackers.get(configuration.connectorA().key());
    if (a != null && a == trackers.get(configuration.connectorB().key())) {
      throw new IllegalArgumentException("the same tracker was given for both connectors, \""
          + configuration.connectorA().key() + "\" and \"" + configuration.connectorB().key()
          + "\": each needs its own, on its own project");
    }
    trackers.forEach((key, tracker) -> {
      String configured = configuration.connector(key).orElseThrow().projectKey();
      List<String> keys = tracker.projectKeys();
      if (keys == null || keys.stream().noneMatch(configured::equalsIgnoreCase)) {
        throw new IllegalArgumentException("tracker given for connector \"" + key
            + "\" works on project " + keys + ", not on the connector's projectKey \""
            + configured + "\"");
      }
    });
  }

  private static ConfigurationChecker.Project project(SyncEngine.Builder b, String connectorKey) {
    IssueTracker tracker = b.trackers.get(connectorKey);
    return tracker == null ? null : ConfigurationChecker.Project.of(tracker);
  }

  private static FieldMappingRegistry defaultRegistry() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return FieldMappingRegistry.discover(
        loader != null ? loader : SyncEngine.class.getClassLoader());
  }
}
