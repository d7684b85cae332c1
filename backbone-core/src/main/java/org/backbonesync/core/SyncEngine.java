package org.backbonesync.core;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import org.backbonesync.core.guarantee.TestOnlySwitch;
import org.backbonesync.core.guarantee.TestOnlySwitches;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.OutboxEntry;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.ChangeHints;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.transport.MessageReceiver;
import org.backbonesync.spi.transport.MessageTransport;

/**
 * Runs one synchronization for the connectors that are local to this process: both of them, or
 * one when the partner runs elsewhere and is reached through a {@link MessageTransport}.
 *
 * <p>Each local connector has an outgoing queue ({@link #poll} finds changed issues and puts
 * messages in the outbox; {@link #deliver} hands them to the partner; between two local
 * connectors without a transport the poll puts them straight into the partner's inbox) and an
 * incoming queue
 * ({@link #receiver} stores arriving messages; {@link #apply} applies them in sequence order).
 * The caller can drive these steps one at a time (tests, simulations, a host's own scheduler), or
 * {@link #start()} runs them periodically on the builder's scheduler. With a scheduler, the
 * engine also runs a step at once when there is work for it: an apply when messages arrive, a
 * {@link #detect} when change hints (webhooks) come.
 *
 * <p>Thread-safe: each step of one connector runs one at a time, whoever calls it (the host, the
 * periodic run, a step run at once). All state lives in the {@link Stores}; an engine built again
 * on the same stores after a crash carries on where it stopped.
 *
 * <p>Each method checks its arguments before any store sees them, as {@link SyncAdmin} checks
 * them, and refuses with an {@link IllegalArgumentException} in the words of its 400, naming the
 * parameter and the value (escaped): a null where a value is needed (a connector key, a resync
 * request, an import's rows, a trace's issue key, a message id, a message handed to a {@link
 * #receiver}: {@code request is required, was null}); an issue key of other than 1 to 255
 * characters or a message id of other than 1 to 512, or either with a control character or
 * broken Unicode (a NUL would be a database error on PostgreSQL: <code>issueKey must not hold
 * control characters or broken Unicode: "PA-1&#92;u0000"</code>); a connector that is not local.
 */
// Over 300 lines: the interface and its Builder are API, each method's Javadoc its contract.
public interface SyncEngine extends AutoCloseable {

  /** Starts building an engine. */
  static Builder builder() {
    return new Builder();
  }

  /** The synchronization this engine runs. */
  SyncConfiguration configuration();

  /** The keys of the connectors this engine runs, A's first. */
  Set<String> localConnectorKeys();

  /** Where the engine stands in its lifecycle. */
  EngineState state();

  /**
   * Finds the local connector's changed issues and puts their messages in its outbox (or, for a
   * local partner without a transport, straight into the partner's inbox).
   */
  PollResult poll(String connectorKey);

  /**
   * Hands due outbox messages of a local connector to the partner.
   *
   * @return how many were acknowledged
   */
  int deliver(String connectorKey);

  /** Applies due inbox messages of a local connector, in sequence order per issue pair. */
  List<ApplyOutcome> apply(String connectorKey);

  /**
   * Polls, delivers and applies once for every local connector, then tries again to resume a
   * task another node held when it was last tried (see {@link #resumeTasks}). A step that fails
   * does not stop the others (one site down leaves the other's poll, what reaches either side
   * and the retry of those tasks to run): the first failure is thrown once they ran, later ones
   * suppressed in it; the store down or the engine closing ends the run at once.
   */
  void runOnce();

  /**
   * Where transports deliver messages for this local connector. An engine with a scheduler
   * applies what arrives at once on it (a burst once), beside the periodic run.
   */
  MessageReceiver receiver(String connectorKey);

  /**
   * Where change hints for this local connector go: Jira's webhooks, through {@code
   * JiraWebhookHandler}. An engine with a scheduler reads the hinted issues at once on it (a
   * burst once) and delivers what changed; the periodic poll stays as the safety net for hints
   * that are lost.
   */
  ChangeHints changeHints(String connectorKey);

  /**
   * Reads the issues named by the change hints since the last detection (or polls, when a hint
   * asked for it), queues their changes and delivers them. An engine with a scheduler does this
   * by itself as hints come; without one, the host calls it.
   */
  PollResult detect(String connectorKey);

  /** The sync information rows of a local connector, in id order. */
  List<SyncInfo> syncInformation(String connectorKey);

  /**
   * The sync information rows of a local connector whose keys match, in id order.
   *
   * @param localIssueKey only rows of this local issue, or null for any
   * @param remoteIssueKey only rows of this remote issue, or null for any
   */
  List<SyncInfo> syncInformation(String connectorKey, String localIssueKey, String remoteIssueKey);

  /**
   * Pairs issues that already exist on both sides: checks every row first, then imports all of
   * them in one transaction, or none. A row is refused when a key is missing, is not an issue key
   * of its project ({@code PA-<number>}: the local key of this connector's project, the remote
   * key of the partner's), is longer than the store holds ({@link
   * org.backbonesync.spi.store.SyncInfoStore#maxIssueKeyLength}), is paired already or twice, or
   * is not an issue the tracker has (searched 100 keys at a time; the remote keys too when the
   * partner connector runs in this engine); when a time is not epoch milliseconds from 0 to a day
   * after now, or a sequence id is not from 0 to {@link Integer#MAX_VALUE}.
   *
   * <p>After the rows are stored, each imported local issue is tagged with its partner's origin
   * marker, so that a lost store pairs it again instead of copying its partner; an issue that
   * cannot be marked leaves the import standing and is named in the result (see {@link
   * ImportResult}).
   *
   * @return how many rows were imported, and the imported issues that could not be marked
   * @throws AdminException 400 listing every problem with its row, e.g. {@code
   *     $[2].localIssueKey}; 503 when a tracker could not be asked; 409 when a key was paired by
   *     someone else after the check
   */
  ImportResult importSyncInformation(String connectorKey, List<SyncInfoImport> rows);

  /** The problems {@link #importSyncInformation} would find in these rows; imports nothing. */
  List<ConfigurationProblem> checkSyncInformation(String connectorKey, List<SyncInfoImport> rows);

  /**
   * Deletes one sync information row: bookkeeping, not the pairing. The trackers' origin markers
   * are the truth, so the next change of either issue (or {@code rebuild}, a resync of all) makes
   * the row again and each side sends its issue whole; nothing is created twice. To stop syncing
   * a pair, take its issues out of the connectors' JQL.
   *
   * @return whether the row existed
   */
  boolean deleteSyncInformation(String connectorKey, long syncInfoId);

  /**
   * Sets or clears a pair's {@code incomingChangesIgnored}: while set, the partner's messages for
   * the pair are consumed without touching the local issue (each one a {@link
   * SyncListener#ignored} event), and changes of the local issue still go to the partner.
   * Clearing it brings back what was ignored: the row is made anew (none of the partner's
   * messages seen) and the local issue goes whole to the partner, which sends its own whole
   * back; changes made on both sides meanwhile meet as conflicts. The issue is read for that on
   * the connector's turn and sent only if the pair's row was not written meanwhile (by another
   * node's poll, an apply, an admin), else read again.
   *
   * @return the row as it is now; empty when the connector has no row with that id (also when
   *     it was deleted meanwhile)
   * @throws AdminException 409 when the row was written on each of five tries (nothing changed:
   *     the flag is still set)
   */
  Optional<SyncInfo> setIncomingChangesIgnored(String connectorKey, long syncInfoId,
      boolean ignored);

  /**
   * Deletes every sync information row of a connector. There is no undo; this is a separate
   * method so that it cannot be reached by leaving out an id.
   *
   * @return how many rows were deleted
   */
  int deleteAllSyncInformation(String connectorKey);

  /**
   * Starts a resync of a local connector's issues as an asynchronous task and returns it at once.
   * It selects the issues matching the connector's JQL AND the request's, and sends each one's
   * current values for the requested mappings; it runs on the task executor. The configuration's
   * responsibility mapping is sent only when the request asks for it ({@link
   * ResyncRequest#responsibility()}), and then only if it syncs from this connector.
   *
   * @param owner who asks; only they may read or cancel the task through {@link
   *     SyncAdmin}
   * @throws AdminException (400) for an unknown or wrongly directed field mapping id, a caller
   *     JQL that could widen the scope, or responsibility requested of a synchronization that
   *     has none configured
   */
  AsyncTask resync(String connectorKey, ResyncRequest request, String owner);

  /** A task of one of this engine's connectors. */
  Optional<AsyncTask> task(String taskId);

  /**
   * Asks a running task to stop; it stops before its next issue.
   *
   * @throws AdminException (404) when there is no such task
   */
  AsyncTask cancelTask(String taskId);

  /**
   * Starts again, after its last page done, each task that was running when the process stopped.
   * {@link #start()} does this itself. One node runs a task at a time (a lease per task, renewed
   * page by page): a task another node runs, or held when it died, is tried again at each
   * {@link #runOnce}, and taken over once that node's lease expires.
   */
  void resumeTasks();

  /**
   * The conflict and rejection records a connector's stores keep of each local issue: the newest
   * {@value}; older ones are deleted as new ones come (stores may hold up to about twice as many
   * before they trim), so that the records grow with issues, not with messages. The listener's
   * {@code conflict} events and the {@code backbone.conflicts} counter see every one.
   */
  int CONFLICTS_KEPT = 100;

  /** The most records {@link #conflicts} lists of all of a connector's issues: the newest. */
  int CONFLICTS_LISTED = 1000;

  /**
   * The conflict and rejection records of a local connector, oldest first: of one issue the
   * newest {@value #CONFLICTS_KEPT}, of all the newest {@value #CONFLICTS_LISTED}.
   *
   * @param localIssueKey only those of this issue, or null for all
   */
  List<ConflictRecord> conflicts(String connectorKey, String localIssueKey);

  /**
   * Messages of a local connector that failed permanently and wait for {@link #retry}/{@link
   * #skip} (one that failed waiting for a missing sequence id is also judged again when a message
   * of its issue comes: see {@link Builder#gapTimeout}).
   */
  List<InboxEntry> failedMessages(String connectorKey);

  /**
   * Makes a failed message pending again; it is applied at the next {@link #apply}.
   *
   * @throws IllegalArgumentException when no failed message has this id
   */
  void retry(String connectorKey, String messageId);

  /**
   * Drops a failed message as if it had been applied, so that the later messages of its issue
   * flow again. Its changes are lost to the partner issue until they change again or a resync.
   *
   * @throws IllegalArgumentException when no failed message has this id
   */
  void skip(String connectorKey, String messageId);

  /**
   * Messages of a local connector its transport will never deliver as they are (see {@link
   * org.backbonesync.spi.transport.MessageTransport#undeliverable}), oldest first, among the first
   * 10,000 of its outbox. Each stays in the outbox, out of the delivery loop, until {@link
   * #retryUndeliverable} or {@link #skipUndeliverable}; the other messages flow meanwhile.
   * {@link OutboxEntry#lastError} says why.
   *
   * @since 0.1.0
   */
  List<OutboxEntry> undeliverableMessages(String connectorKey);

  /**
   * Delivers an undeliverable message again at the next delivery (after the partner's limit was
   * raised, say).
   *
   * @throws IllegalArgumentException when no undeliverable message has this id
   */
  void retryUndeliverable(String connectorKey, String messageId);

  /**
   * Gives an undeliverable message up: an empty message of the same sequence id takes its place,
   * so the partner's later messages of the issue flow. Its changes are lost to the partner issue
   * until they change again or a resync. When it was parked longer than the gap timeout, the
   * partner has failed the issue's later messages meanwhile; the empty message lets a partner of
   * this version apply them, without a retry there.
   *
   * @throws IllegalArgumentException when no undeliverable message has this id
   * @throws IllegalStateException when the message would create the partner issue
   */
  void skipUndeliverable(String connectorKey, String messageId);

  /**
   * Where a local connector's queues stand: outbox and inbox counts and their oldest messages,
   * failed messages, the watermark, this engine's last poll of it and the leases of its work.
   * Reads counts and minimums from the stores, never the messages themselves.
   *
   * @throws IllegalArgumentException when the connector is not local
   */
  ConnectorStatus status(String connectorKey);

  /**
   * What a local connector did with one issue pair's messages: its row, the last outcomes of its
   * messages both ways (each with its reason: a conflict and its winner, a refusal by
   * responsibility, why a change was ignored, a failure's error) and what is still queued.
   *
   * @param issueKey the connector's issue, or the partner's issue when no issue of the connector
   *     has that key
   * @throws IllegalArgumentException when the connector is not local, or the key is no issue key
   *     of the connector's project or its partner's ({@code PA-<number>}), naming it
   */
  IssueTrace trace(String connectorKey, String issueKey);

  /** The most inbox pair leases {@link #status} lists. */
  int MAX_STATUS_LEASES = 100;

  /**
   * Runs {@link #runOnce()} every poll interval on the builder's scheduler until {@link #close()}.
   *
   * @throws IllegalStateException when not {@link EngineState#NEW} or no scheduler was given
   */
  void start();

  /**
   * Stops the periodic run (the scheduler itself belongs to the caller) and tells a step running
   * on another thread to end soon: an apply begins no further issue pair (what it applied is
   * committed; the other messages stay queued, in order), a poll reads no further page (the
   * watermark stays, so the next poll searches those changes again). Does not wait for that step
   * to end: a host that closes the stores next waits for its scheduler first. Idempotent.
   */
  @Override
  void close();

  /**
   * Builds a {@link SyncEngine}. Each setter checks its argument at once and names the bad value;
   * {@link #build()} checks that they fit together.
   */
  final class Builder {
    /** The most {@link #pollPageSize} takes. */
    public static final int MAX_POLL_PAGE_SIZE = 1_000;
    /**
     * The most {@link #deliveryBatchSize} and {@link #applyBatchSize} take: each batch is read
     * into memory whole, messages and all, in one step.
     */
    public static final int MAX_BATCH_SIZE = 10_000;

    // Read by EngineAssembly, which build() hands the builder to; set only through the setters.
    SyncConfiguration configuration;
    final Map<String, IssueTracker> trackers = new LinkedHashMap<>();
    final Map<String, MessageTransport> transports = new LinkedHashMap<>();
    Stores stores;
    Clock clock;
    SyncListener listener = SyncListener.NONE;
    FieldMappingRegistry registry;
    ScheduledExecutorService scheduler;
    Executor taskExecutor;
    Duration pollInterval = Duration.ofSeconds(30);
    Duration changeDetectionOverlap = Duration.ofMinutes(1);
    int pollPageSize = 100;
    int deliveryBatchSize = 100;
    int applyBatchSize = 100;
    Duration retryBackoff = Duration.ofSeconds(1);
    Duration maxRetryBackoff = Duration.ofMinutes(5);
    Duration gapRecheck = Duration.ofSeconds(5);
    Duration gapTimeout = Duration.ofHours(1);
    String node = "node-1";
    Duration leaseDuration = Duration.ofMinutes(1);
    int traceLength = 20;
    final Set<TestOnlySwitch> switches = EnumSet.noneOf(TestOnlySwitch.class);

    static {
      TestOnlySwitches.register((b, off) -> b.switches.add(off));
    }

    private Builder() {}

    /** The synchronization to run. Required. */
    public Builder configuration(SyncConfiguration configuration) {
      this.configuration = Checks.notNull("configuration", configuration);
      return this;
    }

    /** Makes a connector local: the engine runs its queues on this tracker. At least one. */
    public Builder tracker(String connectorKey, IssueTracker tracker) {
      Checks.once("tracker", trackers, Checks.notBlank("connectorKey", connectorKey),
          Checks.notNull("tracker", tracker));
      return this;
    }

    /**
     * How a local connector's messages reach its partner. Optional when both connectors are
     * local: they then hand messages straight to each other's inbox, in the transaction that
     * records them, with no outbox row and no delivery.
     */
    public Builder transport(String connectorKey, MessageTransport transport) {
      Checks.once("transport", transports, Checks.notBlank("connectorKey", connectorKey),
          Checks.notNull("transport", transport));
      return this;
    }

    /**
     * The mapping types the configuration may use. Default: the built-in types and those found
     * with {@link java.util.ServiceLoader} on the thread's context class loader.
     */
    public Builder fieldMappingRegistry(FieldMappingRegistry mappingTypes) {
      this.registry = Checks.notNull("fieldMappingRegistry", mappingTypes);
      return this;
    }

    /** Where all state lives. Required. */
    public Builder stores(Stores stores) {
      this.stores = Checks.notNull("stores", stores);
      return this;
    }

    /** The engine's only source of time. Default: the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Checks.notNull("clock", clock);
      return this;
    }

    /** Receives the engine's events. Default: none. */
    public Builder listener(SyncListener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    /** Runs the periodic steps after {@link SyncEngine#start()}; needed only for start. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Checks.notNull("scheduler", scheduler);
      return this;
    }

    /**
     * Runs asynchronous tasks (resyncs). Default: the scheduler when one is given, else the
     * calling thread (so {@link SyncEngine#resync} returns when the task has finished).
     */
    public Builder taskExecutor(Executor executor) {
      this.taskExecutor = Checks.notNull("taskExecutor", executor);
      return this;
    }

    /** How often {@link SyncEngine#start()} runs the queues. Default 30 seconds. */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = Checks.positive("pollInterval", interval);
      return this;
    }

    /**
     * How far before its watermark each poll searches again, so that an update that a tracker's
     * search shows late (Jira's index is eventually consistent, JQL has minute precision) is not
     * missed; repeats are recognized and cost no message. Default 1 minute.
     */
    public Builder changeDetectionOverlap(Duration overlap) {
      this.changeDetectionOverlap = Checks.notNegative("changeDetectionOverlap", overlap);
      return this;
    }

    /**
     * Issues per change search page (and hinted issues per search, issues per resync page).
     * Default 100, at most {@value #MAX_POLL_PAGE_SIZE}: Jira answers at most 100 issues a page
     * on Cloud and 1,000 on Server/Data Center, and names each searched key in the request's URL.
     */
    public Builder pollPageSize(int size) {
      this.pollPageSize = Checks.between("pollPageSize", size, 1, MAX_POLL_PAGE_SIZE);
      return this;
    }

    /**
     * Messages per transport call: the outbox messages read into memory for one delivery.
     * Default 100, at most {@value #MAX_BATCH_SIZE}.
     */
    public Builder deliveryBatchSize(int size) {
      this.deliveryBatchSize = Checks.between("deliveryBatchSize", size, 1, MAX_BATCH_SIZE);
      return this;
    }

    /**
     * How many outcomes of each issue's messages the stores keep for the operator's trace ({@link
     * SyncAdmin#trace}), per connector and direction; 0 keeps none (no trace writes at all).
     * Default 20, at most 1,000.
     */
    public Builder traceLength(int length) {
      if (length < 0 || length > 1000) {
        throw new IllegalArgumentException(
            "traceLength must be between 0 and 1000, was " + length);
      }
      this.traceLength = length;
      return this;
    }

    /**
     * Issue pairs per apply step: their next inbox messages are read into memory at once.
     * Default 100, at most {@value #MAX_BATCH_SIZE}.
     */
    public Builder applyBatchSize(int size) {
      this.applyBatchSize = Checks.between("applyBatchSize", size, 1, MAX_BATCH_SIZE);
      return this;
    }

    /**
     * The wait after the first transient failure of a delivery or an application; it doubles
     * with each further failure up to {@code max}. Default 1 second, at most 5 minutes.
     */
    public Builder retryBackoff(Duration first, Duration max) {
      this.retryBackoff = Checks.positive("retryBackoff", first);
      this.maxRetryBackoff = Checks.positive("maxRetryBackoff", max);
      if (max.compareTo(first) < 0) {
        throw new IllegalArgumentException(
            "maxRetryBackoff " + max + " must not be less than retryBackoff " + first);
      }
      return this;
    }

    /**
     * How long a message waits for a missing lower sequence id before its issue is flagged as
     * failed (never silently skipped), and how often it looks again. Default 1 hour, every 5 s.
     * A message failed so is judged again, without an admin, once the missing message is applied
     * or when another message of its issue comes (looked for once a minute, or per {@code recheck}
     * when longer): it may have made it obsolete. The timeout must not be less than the recheck:
     * a waiting message is looked at only every {@code recheck}, so a shorter timeout would not
     * be kept (1 s with a recheck of 1 h fails it after an hour).
     */
    public Builder gapTimeout(Duration timeout, Duration recheck) {
      Checks.positive("gapTimeout", timeout);
      Checks.positive("gapRecheck", recheck);
      if (timeout.compareTo(recheck) < 0) {
        throw new IllegalArgumentException("gapTimeout " + timeout
            + " must not be less than gapRecheck " + recheck + ": a waiting message is looked at"
            + " only every gapRecheck, so it would fail after " + recheck + ", not " + timeout);
      }
      this.gapTimeout = timeout;
      this.gapRecheck = recheck;
      return this;
    }

    /**
     * This engine's name among the nodes that share one store, and how long it holds the work
     * it claims (a connector's poll, an issue pair's incoming messages) before another node may
     * take it over if this one dies. Default {@code node-1} and 1 minute; give each node of a
     * cluster its own name. The lease is 1 second to 365 days: an apply begins no pair after half
     * of it, so a lease of a millisecond applied nothing, ever.
     */
    public Builder node(String name, Duration lease) {
      this.node = Checks.name("node", name);
      this.leaseDuration = Checks.between("lease", lease, Duration.ofSeconds(1),
          "1 s to 365 days (an apply begins no pair after half of it)");
      return this;
    }

    /**
     * Builds the engine in state {@link EngineState#NEW}.
     *
     * <p>Reads the local projects' issue types and fields, and checks the configuration against
     * them: every mapping type known and suited to its fields, correlation values that exist,
     * every field required on a create screen written by a mapping.
     *
     * @throws IllegalArgumentException when the configuration or stores are missing, a tracker
     *     names an unknown connector, or a local connector's partner is neither local nor reached
     *     by a transport
     * @throws ConfigurationException listing every problem of the configuration
     */
    public SyncEngine build() {
      return EngineAssembly.build(this);
    }
  }
}
