package org.backbonesync.service;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.ConfigurationException;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.core.SyncListener;
import org.backbonesync.jdbc.JdbcStores;
import org.backbonesync.jira.JiraException;
import org.backbonesync.micrometer.MicrometerSyncListener;
import org.backbonesync.spi.store.StoreUnavailableException;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.transport.EnvelopeSecurity;
import org.backbonesync.transport.HttpTransport;
import org.backbonesync.transport.HttpTransportHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engines of every synchronization of the file over one set of stores, run on the
 * service's own scheduler. Each synchronization runs its steps (poll and deliver each connector,
 * then apply and deliver) every poll interval; {@link #stop} closes the engines (a step in
 * progress ends after the issue pair or search page it is at), starts no step after, then closes
 * the stores.
 *
 * <p>Each engine's listener is its synchronization's {@link MicrometerSyncListener}, on the
 * service's one Prometheus registry (served as {@code /metrics}), and the shared {@link
 * LoggingListener}. The registry's counts also tell {@link #runUntilQuiet} when nothing happens.
 */
final class SyncService {
  private static final Logger LOG = LoggerFactory.getLogger(SyncService.class);
  private static final int MAX_ROUNDS = 500;
  /** The most synchronizations whose periodic steps run at once; the others wait their turn. */
  private static final int MAX_PERIODIC_THREADS = 4;
  /**
   * How long the stop waits at least for the store to count the messages left queued (it waits
   * what is left of its time when more).
   */
  private static final Duration MIN_COUNT_AT_STOP = Duration.ofMillis(500);
  /** Of a stop's time, what closing the stores and the connection pool keep at its end. */
  static final Duration CLOSING = Duration.ofMillis(500);
  /**
   * Of a stop's time, what the count of the messages left queued and the closing keep after
   * the steps: the steps are waited for until this much before its end.
   */
  static final Duration AFTER_STEPS = MIN_COUNT_AT_STOP.plus(CLOSING);

  /** One synchronization's engine and the state of its connectors, for {@code /health}. */
  static final class Running {
    final ServiceConfig.Sync sync;
    final SyncEngine engine;
    /** Takes the partner service's envelopes; null when both sides are sites of this service. */
    final HttpTransportHandler transport;
    /** Each local connector's health, A's first. */
    final Map<String, ConnectorHealth> connectors;
    /** Its backlog gauges; null on the scratch database of {@code --check}. */
    volatile BacklogGauges backlog;
    /** When its running round of periodic steps began; null between rounds. */
    volatile Instant roundSince;

    Running(ServiceConfig.Sync sync, SyncEngine engine, HttpTransportHandler transport,
        Map<String, ConnectorHealth> connectors) {
      this.sync = sync;
      this.engine = engine;
      this.transport = transport;
      this.connectors = connectors;
    }

    String id() {
      return sync.configuration().id();
    }

    /** How long its running round has taken so far, in seconds; 0 between rounds. */
    double roundSeconds() {
      Instant since = roundSince;
      return since == null ? 0 : Duration.between(since, Instant.now()).toNanos() / 1e9;
    }
  }

  /**
   * Where the service is in its life, for {@code /health}: the service runs the engines' steps
   * itself, so an engine's own state stays {@code NEW} and tells nothing.
   */
  enum Phase { STARTING, RUNNING, STOPPING, STOPPED }

  private final ServiceConfig config;
  private final JdbcStores stores;
  private final AutoCloseable pool;
  private final PrometheusMeterRegistry registry;
  private final List<Running> running;
  /** Runs each synchronization's periodic step. */
  private final ScheduledExecutorService scheduler;
  /** The engines' scheduler: runs the steps they prompt, beside the periodic ones. */
  private final ScheduledExecutorService prompts;
  private final ExecutorService tasks;
  private final List<ScheduledFuture<?>> periodic = new ArrayList<>();
  /** Set by {@link #beginStop}: no step starts after, periodic or prompted. */
  private final AtomicBoolean stopping;
  /**
   * Held to read by each step, periodic or prompted ({@link GatedScheduler}), to write by the stop
   * before it closes the stores: a step run on the caller's thread ({@code --once}'s, not a
   * scheduler's) is waited for as well.
   */
  private final ReentrantReadWriteLock steps;
  private volatile Phase phase = Phase.STARTING;
  private boolean stopped;

  private SyncService(ServiceConfig config, JdbcStores stores, AutoCloseable pool,
      PrometheusMeterRegistry registry, List<Running> running,
      ScheduledExecutorService scheduler, ScheduledExecutorService prompts,
      ExecutorService tasks, AtomicBoolean stopping, ReentrantReadWriteLock steps) {
    this.stopping = stopping;
    this.steps = steps;
    this.config = config;
    this.stores = stores;
    this.pool = pool;
    this.registry = registry;
    this.running = running;
    this.scheduler = scheduler;
    this.prompts = prompts;
    this.tasks = tasks;
  }

  /**
   * Opens the stores and builds an engine per synchronization, checking each against its sites.
   *
   * @param registry the service's meters (the sites' requests are metered there too)
   * @throws ServiceFailure for configuration problems (with their paths in the file), a store
   *     that cannot be opened, or a site that cannot be read
   */
  static SyncService open(ServiceConfig config, Sites sites, PrometheusMeterRegistry registry) {
    return open(config, sites, registry, null);
  }

  /**
   * {@link #open(ServiceConfig, Sites, PrometheusMeterRegistry)}, the engines' prompted steps
   * run on {@code promptScheduler} (a test's, run when it says), or on a pool of the service's
   * own when null.
   */
  static SyncService open(ServiceConfig config, Sites sites, PrometheusMeterRegistry registry,
      ScheduledExecutorService promptScheduler) {
    LoggingListener logs = new LoggingListener();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory named = r -> new Thread(r, "backbone-sync-" + threads.incrementAndGet());
    AtomicInteger promptThreads = new AtomicInteger();
    ThreadFactory promptNamed = r -> new Thread(r,
        "backbone-prompt-" + promptThreads.incrementAndGet());
    int periodicThreads = periodicThreads(config.synchronizations().size());
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(periodicThreads, named);
    ScheduledExecutorService prompts = promptScheduler != null ? promptScheduler
        : Executors.newScheduledThreadPool(periodicThreads + 1, promptNamed);
    AtomicBoolean stopping = new AtomicBoolean();
    ReentrantReadWriteLock steps = new ReentrantReadWriteLock();
    ScheduledExecutorService gated = new GatedScheduler(prompts, stopping::get, steps);
    ExecutorService tasks = Executors.newSingleThreadExecutor(
        r -> new Thread(r, "backbone-tasks"));
    HikariDataSource pool = null;
    JdbcStores stores = null;
    try {
      ServiceConfig.Store store = config.store();
      OpenedStore opened = OpenedStore.open(store);
      pool = opened.pool();
      stores = opened.stores();
      List<Running> running = build(config, sites, stores, c -> SyncListener.all(
          MicrometerSyncListener.builder(registry, c.id())
              .connectors(c.connectorA().key(), c.connectorB().key())
              .build(),
          logs), b -> b.scheduler(gated).taskExecutor(tasks));
      registerGauges(running, registry, stores);
      LOG.info("state in {}", store);
      return new SyncService(config, stores, pool, registry, running, scheduler, prompts,
          tasks, stopping, steps);
    } catch (RuntimeException e) {
      scheduler.shutdownNow();
      prompts.shutdownNow();
      tasks.shutdownNow();
      if (stores != null) {
        stores.close();
      }
      if (pool != null) {
        pool.close();
      }
      throw e;
    }
  }

  /**
   * How long a statement of the service waits for a lock on PostgreSQL where neither the role,
   * the database nor the URL says (PostgreSQL's {@code lock_timeout}, 0 there, waits for ever):
   * a lock held by hand (a {@code LOCK TABLE}, a long migration or maintenance) then fails the
   * steps that meet it, retried and shown in {@code /health}, instead of holding every pooled
   * connection silently (an operator's trial, h194: a 120 s table lock, no log line and
   * {@code /health} green throughout). The engine's own locks are held for a step's commit.
   */
  static final String LOCK_TIMEOUT = "1min";

  /** Sets {@link #LOCK_TIMEOUT} on a new connection whose session has none. */
  static final String LOCK_TIMEOUT_SQL = "SELECT set_config('lock_timeout', '" + LOCK_TIMEOUT
      + "', false) WHERE current_setting('lock_timeout') = '0'";

  /** The configured store, opened, and the pool it runs on (null for H2 files). */
  record OpenedStore(HikariDataSource pool, JdbcStores stores) {
    /**
     * Opens the store.
     *
     * @throws ServiceFailure {@link ServiceMain#STORE} when it cannot be opened (a pool made
     *     for it is closed)
     */
    static OpenedStore open(ServiceConfig.Store store) {
      HikariDataSource pool = null;
      try {
        if (store.jdbcUrl() == null) {
          return new OpenedStore(null, JdbcStores.inDirectory(store.directory()));
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(store.jdbcUrl());
        hikari.setUsername(store.user());
        hikari.setPassword(store.password());
        hikari.setMaximumPoolSize(store.maximumPoolSize());
        hikari.setPoolName("backbone-store");
        if (store.jdbcUrl().startsWith("jdbc:postgresql:")) {
          hikari.setConnectionInitSql(LOCK_TIMEOUT_SQL);
        }
        pool = new HikariDataSource(hikari);
        return new OpenedStore(pool, JdbcStores.open(pool));
      } catch (RuntimeException e) {
        if (pool != null) {
          pool.close();
        }
        throw cannotOpen(store, e);
      }
    }
  }

  /** Each synchronization's backlog gauges and each local connector's health gauge. */
  private static void registerGauges(List<Running> running, PrometheusMeterRegistry registry,
      JdbcStores stores) {
    for (Running r : running) {
      var c = r.sync.configuration();
      r.backlog = new BacklogGauges(registry, r.id(),
          List.of(c.connectorA().key(), c.connectorB().key()), stores.messages());
      r.connectors.forEach((key, health) -> Gauge.builder("backbone.connector.healthy",
              health, h -> h.healthy() ? 1 : 0)
          .description("1 when the connector's last step that reached its site, and its last"
              + " delivery to a partner service, succeeded, else 0")
          .tags("synchronization", r.id(), "connector", key)
          .register(registry));
      Gauge.builder("backbone.round.seconds", r, Running::roundSeconds)
          .description("How long the synchronization's running round of periodic steps has"
              + " taken so far, 0 between rounds: a step waiting on a lock or a site that does"
              + " not answer shows here before it fails")
          .tags("synchronization", r.id())
          .register(registry);
      r.connectors.keySet().forEach(key -> Counter.builder("backbone.steps.failed")
          .description("Periodic steps (a poll or an apply, with its delivery) that failed")
          .tags("synchronization", r.id(), "connector", key)
          .register(registry));
    }
  }

  /**
   * The threads of the scheduler of periodic steps: one for each synchronization, at most {@value
   * #MAX_PERIODIC_THREADS}. The engines' scheduler, which runs the steps they prompt (an apply a
   * poll or an apply prompts once it handed its partner messages, a webhook's hinted issues, a
   * partner's envelopes), is another with one thread more (a hinted read beside an apply held
   * by a slow site), so a prompted step never waits behind periodic ones: in one pool, periodic
   * steps held by a slow site could take every thread (with one synchronization, or with five
   * and more beside one thread kept for prompts). (Each prompt is queued or running once at
   * most, so prompts never take more than their turn.)
   */
  static int periodicThreads(int synchronizations) {
    return Math.min(MAX_PERIODIC_THREADS, synchronizations);
  }

  /**
   * Builds the engines: the sync users must be who the credentials sign in as, and each engine
   * checks its configuration against the projects (fields, issue types, create screens).
   *
   * @param listeners the listener of each synchronization's engine
   */
  static List<Running> build(ServiceConfig config, Sites sites, Stores stores,
      Function<SyncConfiguration, SyncListener> listeners, Consumer<SyncEngine.Builder> more) {
    List<String> problems = new ArrayList<>();
    List<Running> running = new ArrayList<>();
    FieldMappingRegistry registry = FieldMappingRegistry.discover(
        SyncService.class.getClassLoader());
    try {
      for (ServiceConfig.Sync sync : config.synchronizations()) {
        Map<String, ConnectorHealth> health = checkedSyncUsers(config, sync, sites, problems);
        if (health != null) {
          SyncEngine.Builder builder = SyncEngine.builder()
              .configuration(sync.configuration())
              .stores(stores)
              .fieldMappingRegistry(registry)
              .pollInterval(sync.pollInterval())
              .listener(SyncListener.all(listeners.apply(sync.configuration()),
                  new HealthListener(health)));
          Running one = assemble(config, sync, sites, stores, builder, more, health, problems);
          if (one != null) {
            running.add(one);
          }
        }
      }
    } catch (RuntimeException e) {
      running.forEach(r -> r.engine.close());
      throw e;
    }
    if (!problems.isEmpty()) {
      running.forEach(r -> r.engine.close());
      throw new ServiceFailure(ServiceMain.CONFIGURATION, problems);
    }
    return running;
  }

  /**
   * Each local connector's health, after checking that its sync user is who its site's
   * credentials sign in as; null when one is not (added to {@code problems}).
   */
  private static Map<String, ConnectorHealth> checkedSyncUsers(ServiceConfig config,
      ServiceConfig.Sync sync, Sites sites, List<String> problems) {
    var c = sync.configuration();
    int before = problems.size();
    Map<String, ConnectorHealth> health = new LinkedHashMap<>();
    if (sync.siteA() != null) {
      health.put(c.connectorA().key(), new ConnectorHealth(Clock.systemUTC()));
      syncUser(config, sync.path() + ".sync.connectorA.syncUser", c.connectorA().syncUser(),
          sync.siteA(), sites, problems);
    }
    if (sync.siteB() != null) {
      health.put(c.connectorB().key(), new ConnectorHealth(Clock.systemUTC()));
      syncUser(config, sync.path() + ".sync.connectorB.syncUser", c.connectorB().syncUser(),
          sync.siteB(), sites, problems);
    }
    return problems.size() > before ? null : health;
  }

  /**
   * Adds a synchronization's trackers and partner transport to its engine's builder and builds
   * the engine; null when its projects or configuration have problems (added to {@code
   * problems}).
   *
   * @throws ServiceFailure {@link ServiceMain#SITE} when a project cannot be read
   */
  private static Running assemble(ServiceConfig config, ServiceConfig.Sync sync, Sites sites,
      Stores stores, SyncEngine.Builder builder, Consumer<SyncEngine.Builder> more,
      Map<String, ConnectorHealth> health, List<String> problems) {
    var c = sync.configuration();
    IssueTracker trackerA = sync.siteA() == null ? null
        : sites.site(sync.siteA()).project(c.connectorA().projectKey());
    IssueTracker trackerB = sync.siteB() == null ? null
        : sites.site(sync.siteB()).project(c.connectorB().projectKey());
    if (trackerA != null) {
      builder.tracker(c.connectorA().key(), trackerA);
    }
    if (trackerB != null) {
      builder.tracker(c.connectorB().key(), trackerB);
    }
    if (!project(config, sync, true, trackerA, problems)
        | !project(config, sync, false, trackerB, problems)) {
      return null;
    }
    String local = sync.siteA() != null ? c.connectorA().key() : c.connectorB().key();
    String remote = sync.siteA() != null ? c.connectorB().key() : c.connectorA().key();
    EnvelopeSecurity security = partnerTransport(sync, stores, builder, local, remote);
    more.accept(builder);
    try {
      SyncEngine engine = builder.build();
      return new Running(sync, engine, security == null ? null
          : new HttpTransportHandler(security, stores.envelopeIds())
              .connector(local, remote, engine.receiver(local),
                  sync.siteA() != null ? trackerA : trackerB), health);
    } catch (ConfigurationException e) {
      for (ConfigurationProblem p : e.problems()) {
        problems.add(config.file() + ": " + sync.inFile(p));
      }
    } catch (IllegalArgumentException e) {
      problems.add(config.file() + ": " + sync.path() + ": " + ServiceFailure.why(e));
    } catch (RuntimeException e) {
      throw new ServiceFailure(ServiceMain.SITE, "projects " + sync.describe(true) + " and "
          + sync.describe(false) + " cannot be read: " + ServiceFailure.why(e));
    }
    return null;
  }

  /**
   * The partner service's transport on the builder, when the synchronization has one: the
   * envelopes' security, else null.
   */
  private static EnvelopeSecurity partnerTransport(ServiceConfig.Sync sync, Stores stores,
      SyncEngine.Builder builder, String local, String remote) {
    ServiceConfig.Partner partner = sync.partner();
    if (partner == null) {
      return null;
    }
    EnvelopeSecurity security = EnvelopeSecurity.builder(sync.configuration().id())
        .key(partner.keyId(), partner.secret()).build();
    // announced attachments are remembered where this side's handler looks for them
    builder.transport(local, HttpTransport.builder(partner.url(), security, local, remote)
        .attachmentIds(stores.envelopeIds()).build());
    return security;
  }

  /**
   * Reads a side's project (its issue types: the engine needs them next), so that a project that
   * is not there is told at its key, and a failure names that side only.
   *
   * @param tracker null for a partner's side (nothing to read)
   * @return false when the project is not there (added to {@code problems})
   * @throws ServiceFailure {@link ServiceMain#SITE} when it cannot be read
   */
  private static boolean project(ServiceConfig config, ServiceConfig.Sync sync, boolean sideA,
      IssueTracker tracker, List<String> problems) {
    if (tracker == null) {
      return true;
    }
    ServiceConfig.Site site = sideA ? sync.siteA() : sync.siteB();
    var connector = sideA ? sync.configuration().connectorA() : sync.configuration().connectorB();
    try {
      tracker.issueTypes();
      return true;
    } catch (JiraException e) {
      if (e.status() != 404) {
        throw unreadable(sync, sideA, e);
      }
      problems.add(config.file() + ": " + sync.path() + ".sync.connector" + (sideA ? "A" : "B")
          + ".projectKey: \"" + connector.projectKey() + "\" is not a project of " + site
          + " that " + connector.syncUser() + " can browse (Jira answered HTTP 404)");
      return false;
    } catch (RuntimeException e) {
      throw unreadable(sync, sideA, e);
    }
  }

  private static ServiceFailure unreadable(ServiceConfig.Sync sync, boolean sideA,
      RuntimeException e) {
    return new ServiceFailure(ServiceMain.SITE, "project " + sync.describe(sideA)
        + " cannot be read: " + ServiceFailure.why(e));
  }

  private static void syncUser(ServiceConfig config, String path, String configured,
      ServiceConfig.Site site, Sites sites, List<String> problems) {
    String actual = sites.signedInUser(site);
    if (!configured.equals(actual)) {
      problems.add(config.file() + ": " + path + ": is \"" + configured + "\" but the"
          + " credentials of " + site + " sign in as \"" + actual + "\"");
    }
  }

  /**
   * Exit {@link ServiceMain#STORE}: the store cannot be opened, with why (the failure and its
   * root cause, never "null"), the URL shown without what may hold a password.
   */
  static ServiceFailure cannotOpen(ServiceConfig.Store store, RuntimeException e) {
    String why = ServiceFailure.withRootCause(e);
    if (store.jdbcUrl() != null) { // (a driver may quote the URL, password and all)
      why = why.replace(store.jdbcUrl(), ServiceConfig.Store.shownUrl(store.jdbcUrl()));
    }
    return new ServiceFailure(ServiceMain.STORE, "the store (" + store + ") cannot be opened: "
        + why);
  }

  List<Running> running() {
    return running;
  }

  /** The meters of every synchronization, for {@code /metrics}. */
  PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * The sum of a counter of {@link MicrometerSyncListener} over every synchronization and
   * connector, restricted to the given {@code outcome}s of {@code backbone.messages.processed}
   * when some are named.
   */
  long total(String meter, String... outcomes) {
    double sum = 0;
    for (Counter c : registry.find(meter).counters()) {
      String outcome = c.getId().getTag("outcome");
      if (outcomes.length == 0 || List.of(outcomes).contains(outcome)) {
        sum += c.count();
      }
    }
    return (long) sum;
  }

  /**
   * Messages queued, sent, received and processed, and deliveries failed, summed; retriable
   * apply failures are left out, as a message waiting for its backoff is no progress.
   */
  private long activity() {
    return total("backbone.messages.queued") + total("backbone.messages.sent")
        + total("backbone.messages.delivery.failures") + total("backbone.messages.received")
        + total("backbone.messages.processed", "applied", "created", "ignored", "duplicate",
            "failed_permanent");
  }

  boolean stopping() {
    return stopping.get();
  }

  Phase phase() {
    return phase;
  }

  /** Messages waiting in a connector's outbox and inbox. */
  int queued(String connectorKey) {
    return stores.messages().outgoingCount(connectorKey)
        + stores.messages().incomingCount(connectorKey);
  }

  /** Runs every synchronization every poll interval on the service's scheduler. */
  synchronized void start() {
    phase = Phase.RUNNING;
    for (Running r : running) {
      r.engine.resumeTasks();
      periodic.add(scheduler.scheduleWithFixedDelay(() -> step(r), 0,
          r.sync.pollInterval().toMillis(), TimeUnit.MILLISECONDS));
      LOG.info("synchronization {}: {} with {}, every {}", r.id(), r.sync.describe(true),
          r.sync.describe(false), r.sync.pollInterval());
    }
  }

  /**
   * Runs rounds of every synchronization's steps until two rounds in a row did nothing and no
   * message waits in a queue (or, with messages waiting for a retry's backoff, until a few more
   * idle rounds have passed), or until {@link #stop()}. Its reads of the store between rounds
   * hold the steps' lock, as a step does: a stop begun meanwhile ({@code --once}'s SIGTERM, from a
   * shutdown hook) closes the stores only after them, and one begun before ends the run quietly.
   *
   * @return how many messages failed for good and wait for an admin (0 when stopped)
   */
  long runUntilQuiet() throws InterruptedException {
    int idle = 0;
    for (int round = 1; round <= MAX_ROUNDS && !stopping.get(); round++) {
      long before = activity();
      for (Running r : running) {
        step(r);
      }
      idle = activity() == before ? idle + 1 : 0;
      if (idle >= 2) {
        long waiting = unlessStopping(this::waitingForRetry, -1L);
        if (waiting <= 0 || idle >= 12) {
          break;
        }
        Thread.sleep(500); // a retry's backoff: the messages are not due yet
      }
    }
    return unlessStopping(this::failedForAnAdmin, 0L);
  }

  /** Messages queued in the local connectors and not failed for an admin: due for a retry. */
  private long waitingForRetry() {
    long waiting = 0;
    for (Running r : running) {
      for (String key : r.engine.localConnectorKeys()) {
        waiting += queued(key) - r.engine.failedMessages(key).size();
      }
    }
    return waiting;
  }

  /** Messages failed for good in the local connectors, each logged: they wait for an admin. */
  private long failedForAnAdmin() {
    long failed = 0;
    for (Running r : running) {
      for (String key : r.engine.localConnectorKeys()) {
        for (var entry : r.engine.failedMessages(key)) {
          failed++;
          LOG.warn("{}: {} #{} waits for an admin: {}", key, entry.message().sourceIssueKey(),
              entry.message().sequenceId(), entry.error());
        }
      }
    }
    return failed;
  }

  /**
   * {@code read} of the store holding the steps' lock, as a step: {@code stopped} once the stop
   * has begun (the engines are closed, the stores closing or closed: nothing to read), and when
   * the read fails because the stop closed the store under it (a stop whose time ran out
   * before the lock came), at DEBUG.
   */
  private long unlessStopping(LongSupplier read, long stopped) {
    steps.readLock().lock();
    try {
      return stopping.get() ? stopped : read.getAsLong();
    } catch (RuntimeException e) {
      if (!stopping.get()) {
        throw e;
      }
      LOG.debug("the store was closed by the stop under a read between rounds", e);
      return stopped;
    } finally {
      steps.readLock().unlock();
    }
  }

  /** One round of every synchronization's steps, on the calling thread (tests). */
  void round() {
    for (Running r : running) {
      step(r);
    }
  }

  /**
   * One round of a synchronization; each connector's part fails on its own. A poll always
   * searches the site, so it tells the connector's health; an apply only when it applied a
   * message (one with nothing to apply reaches no site). Deliveries tell theirs through the
   * {@link HealthListener}.
   */
  private void step(Running r) {
    steps.readLock().lock();
    try {
      if (!stopping.get()) {
        r.roundSince = Instant.now();
        stepHoldingLock(r);
      }
    } finally {
      r.roundSince = null;
      steps.readLock().unlock();
    }
  }

  /**
   * One round: each local connector's poll and delivery, then each one's apply and delivery.
   * A part that finds the store unavailable ends the round: the other parts would each wait as
   * long for a connection (30 s on PostgreSQL stopped or refusing the role) to fail alike, and
   * every connector of the synchronization is told the failure at once (they share the store).
   */
  private void stepHoldingLock(Running r) {
    List<Part> parts = new ArrayList<>();
    for (String key : r.engine.localConnectorKeys()) {
      parts.add(new Part(key, health -> {
        r.engine.poll(key);
        health.siteReached();
        if (!stopping.get()) {
          r.engine.deliver(key);
        }
      }));
    }
    for (String key : r.engine.localConnectorKeys()) {
      parts.add(new Part(key, health -> {
        if (r.engine.apply(key).stream()
            .anyMatch(outcome -> outcome instanceof ApplyOutcome.Applied)) {
          health.siteReached();
        }
        if (!stopping.get()) {
          r.engine.deliver(key);
        }
      }));
    }
    String storeDown = null;
    for (int i = 0; i < parts.size() && storeDown == null; i++) {
      storeDown = run(r, parts.get(i));
    }
    if (storeDown != null) {
      String kind = storeDown;
      r.connectors.values().forEach(health -> health.stepFailed(kind));
    }
    countBacklog(r, storeDown != null);
  }

  /** One part of a round: a connector's poll or its apply, each with what follows it. */
  private record Part(String connectorKey, Consumer<ConnectorHealth> work) {}

  /**
   * Counts the backlog for {@code /metrics}. A store that cannot count leaves the gauges at NaN;
   * its failure is the steps' to report (they use the store too). After a step of the round
   * found the store unavailable the gauges read NaN without asking it: the count would wait for
   * a connection as long again (30 s on PostgreSQL stopped or refusing the role), silently,
   * and hold the round's next try by as much.
   */
  private void countBacklog(Running r, boolean storeDown) {
    if (stopping.get() || r.backlog == null) {
      return;
    }
    if (storeDown) {
      r.backlog.unknown();
      return;
    }
    try {
      r.backlog.refresh();
    } catch (RuntimeException e) {
      LOG.debug("{}: the backlog cannot be counted", r.id(), e);
    }
  }

  /**
   * Runs one connector's part of a round.
   *
   * @return the failure's kind when it failed for the store being unavailable, else null
   */
  private String run(Running r, Part part) {
    if (stopping.get()) {
      return null;
    }
    String key = part.connectorKey();
    ConnectorHealth health = r.connectors.get(key);
    try {
      part.work().accept(health);
      return null;
    } catch (RuntimeException e) {
      if (stopping.get()) { // (the engine was closed under the step: the stop, not a failure)
        LOG.debug("{} {}: step ended by the stop", r.id(), key, e);
        return null;
      }
      String kind = StepFailure.kind(e);
      health.stepFailed(kind);
      registry.counter("backbone.steps.failed", "synchronization", r.id(), "connector", key)
          .increment();
      boolean storeDown = storeUnavailable(e);
      LOG.warn("{} {}: step failed, again in {}{}: {}", r.id(), key, r.sync.pollInterval(),
          storeDown ? " (the round's other steps are skipped: the store is unavailable)" : "",
          ServiceFailure.why(e));
      LOG.debug("{} {}: step failed", r.id(), key, e);
      return storeDown ? kind : null;
    }
  }

  private static boolean storeUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StoreUnavailableException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first step of the stop: {@code /health} says {@link Phase#STOPPING} (503) from now on
   * and no further step starts, while the engines and stores stay open for the admin requests
   * the port lets end ({@link HttpFront#finishRequests}). {@link #stop} follows. Idempotent.
   */
  void beginStop() {
    stopping.set(true);
    if (phase != Phase.STOPPED) {
      phase = Phase.STOPPING;
    }
  }

  /**
   * Stops, within {@code wait} in all: the engines close, so the steps in progress end after the
   * issue pair or search page they are at (waited for until {@link #AFTER_STEPS} before the end
   * of {@code wait}, those of the schedulers and one on a caller's thread, {@code --once}'s; a
   * step still running then is cut off by the process's exit), no new step
   * starts, what is left queued is counted for the last log line (until {@link #CLOSING} before
   * the end, at least {@link #MIN_COUNT_AT_STOP}), then the stores and the connection pool close
   * (until the end, at least {@link #CLOSING}). Idempotent.
   */
  synchronized void stop(Duration wait) {
    if (stopped) {
      return;
    }
    stopped = true;
    long deadline = System.nanoTime() + wait.toNanos();
    beginStop();
    LOG.info("stopping: the steps in progress end after the issue pair or page they are at");
    periodic.forEach(f -> f.cancel(false));
    // Closed first: a step in progress then begins no further pair or page (a backlog's apply
    // would otherwise run past a container's grace period); the rest stays queued.
    CompletableFuture<?> enginesClosed = closeEngines();
    scheduler.shutdown();
    prompts.shutdown();
    tasks.shutdown();
    long stepsEnd = deadline - AFTER_STEPS.toNanos();
    try {
      Duration steps = until(stepsEnd, Duration.ZERO);
      if (!scheduler.awaitTermination(steps.toNanos(), TimeUnit.NANOSECONDS)
          || !prompts.awaitTermination(until(stepsEnd, Duration.ZERO).toNanos(),
              TimeUnit.NANOSECONDS)) {
        LOG.warn("steps still running after {}; closing anyway", steps);
      }
      tasks.awaitTermination(Math.min(TimeUnit.SECONDS.toNanos(1),
          until(stepsEnd, Duration.ZERO).toNanos()), TimeUnit.NANOSECONDS);
      enginesClosed.get(until(stepsEnd, Duration.ZERO).toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      LOG.info("the engines' last trace entries are not written (the store does not answer?);"
          + " left to the process's exit");
    } catch (ExecutionException e) {
      LOG.warn("closing an engine failed: {}", ServiceFailure.why(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tasks.shutdownNow();
    awaitCallersSteps(until(stepsEnd, Duration.ZERO));
    long left = leftQueued(until(deadline - CLOSING.toNanos(), MIN_COUNT_AT_STOP));
    // /metrics is served on while the service stops: the backlog gauges would read the closed
    // store (a WARN from Micrometer, and NaN), so they go before it closes.
    for (String gauge : BacklogGauges.NAMES) {
      registry.find(gauge).meters().forEach(registry::remove);
    }
    closeStores(until(deadline, CLOSING));
    if (steps.isWriteLockedByCurrentThread()) {
      steps.writeLock().unlock(); // (a step that comes now sees the stop and starts nothing)
    }
    phase = Phase.STOPPED;
    LOG.info("stopped: engines and stores closed (messages applied: {}, failed: {}; left"
        + " queued for the next start: {})",
        total("backbone.messages.processed", "applied", "created"),
        total("backbone.messages.processed", "failed_permanent"),
        left >= 0 ? left : "unknown, the store did not answer");
  }

  /**
   * Waits at most {@code limit} for the steps in progress to end, those run on a caller's
   * thread too ({@code --once} runs its rounds on the main thread, which a shutdown hook's stop
   * closed the stores under), keeping any from starting until the stores are closed. A step
   * still running then is left to the process's exit.
   */
  private void awaitCallersSteps(Duration limit) {
    try {
      if (!steps.writeLock().tryLock(limit.toNanos(), TimeUnit.NANOSECONDS)
          && !limit.isZero()) { // (none left: the schedulers' wait said so already)
        LOG.warn("a step still runs after {}; closing the stores anyway", limit);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the stop waits for a step in progress before it closes the stores (tests). */
  boolean stopWaitsForAStep() {
    return steps.hasQueuedThreads() && !steps.isWriteLocked();
  }

  /**
   * Closes the engines, each on a thread of its own: a close tells the engine's steps to end
   * at once, and then writes the trace entries gathered, which waits for the store (HikariCP's
   * 30 s when the database is down, which held a stop for 51.7 s in an operator's trial).
   */
  private CompletableFuture<?> closeEngines() {
    return CompletableFuture.allOf(running.stream()
        .map(r -> CompletableFuture.runAsync(r.engine::close, SyncService::daemon))
        .toArray(CompletableFuture[]::new));
  }

  /** Runs {@code work} on a daemon thread of the stop's own. */
  private static void daemon(Runnable work) {
    Thread t = new Thread(work, "backbone-stop-work");
    t.setDaemon(true);
    t.start();
  }

  /** The time from now until {@code nanoTime}, or {@code least} when that is less. */
  private static Duration until(long nanoTime, Duration least) {
    Duration left = Duration.ofNanos(nanoTime - System.nanoTime());
    return left.compareTo(least) < 0 ? least : left;
  }

  /**
   * Closes the stores and the connection pool, on a thread of its own, waiting for it at most
   * {@code limit}: with the database down HikariCP's close waits for its thread that adds
   * connections to end its sleep between attempts (up to 5 s), which held a stop past its 20 s
   * (24.6 s in an operator's trial). What has not closed then is left to the process's exit.
   */
  private void closeStores(Duration limit) {
    CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
      stores.close();
      if (pool != null) {
        try {
          pool.close();
        } catch (Exception e) {
          LOG.warn("closing the connection pool failed: {}", e.toString());
        }
      }
    }, SyncService::daemon);
    try {
      closed.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.info("the store's connections are still closing after {} (the database does not"
          + " answer?); left to the process's exit", limit);
    } catch (ExecutionException e) {
      LOG.warn("closing the store failed: {}", ServiceFailure.why(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Messages waiting in every connector's queues, or -1 when the store does not tell within
   * {@code limit}: a stopped database held the stop for the pool's 30 s connection timeout,
   * past the 20 s the stop promises (52 s in all, in an operator's trial).
   */
  private long leftQueued(Duration limit) {
    CompletableFuture<Long> count =
        CompletableFuture.supplyAsync(this::countQueued, SyncService::daemon);
    try {
      return count.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      LOG.debug("cannot count the queued messages at the stop", e);
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private long countQueued() {
    long left = 0;
    for (Running r : running) {
      for (String key : r.engine.localConnectorKeys()) {
        left += queued(key);
      }
    }
    return left;
  }

  ServiceConfig config() {
    return config;
  }
}
