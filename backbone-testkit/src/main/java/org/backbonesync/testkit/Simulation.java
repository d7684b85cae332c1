package org.backbonesync.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.backbonesync.core.ConflictRule;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.ImportResult;
import org.backbonesync.core.ResyncRequest;
import org.backbonesync.core.SyncInfoImport;
import org.backbonesync.core.SyncListener;
import org.backbonesync.core.guarantee.TestOnlySwitch;
import org.backbonesync.core.guarantee.TestOnlySwitches;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.ConflictRecord;
import org.backbonesync.spi.store.InboxEntry;
import org.backbonesync.spi.store.StoreUnavailableException;
import org.backbonesync.spi.store.SyncInfo;
import org.backbonesync.spi.tracker.Attachment;
import org.backbonesync.spi.tracker.Comment;
import org.backbonesync.spi.tracker.IssueLink;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.backbonesync.spi.tracker.Transition;
import org.backbonesync.spi.tracker.Worklog;
import org.backbonesync.testkit.InMemoryTransport.Fault;
import org.backbonesync.testkit.RecordingListener.Event;
import org.backbonesync.testkit.RecordingListener.Type;

/**
 * A whole sync run between two in-memory projects, decided entirely by one seed: people's edits
 * on both sides (creates, every synced field, comments, attachments, transitions, links made
 * and, with {@link Builder#linkRemovals}, removed; with {@link Builder#worklogs}, worklogs; with
 * {@link Builder#labelOrder}, labels written in any order), the order of queue steps, clock
 * advances and skew, and faults (transport drops, duplicates, lost acknowledgements, late and
 * reordered messages; 429, 500 and timeouts from the trackers; crashes and restarts between any two steps; a message that fails until an admin fixes
 * the cause and retries; a resync in the middle of the traffic; with {@link Builder#storeFaults},
 * failing store writes and commits). When the run has gone quiet, a
 * checker asserts guarantees 1 to 7 of the design. The same seed replays the same run exactly.
 *
 * <pre>{@code
 * Simulation.Result r = Simulation.builder().build().run(42);
 * assertTrue(r.ok(), r.report());
 * }</pre>
 */
public final class Simulation {
  private static final List<String> WORDS = List.of("red", "green", "blue", "urgent", "later");
  private static final List<String> PRIORITIES = List.of("Blocker", "High", "Medium", "Low");
  private static final List<String> STATUSES = List.of("To Do", "In Progress", "In Review", "Done");
  /** How late a search may show a change, with small pages: under their overlap. */
  private static final long INDEX_LAG = 4_000;

  /**
   * What one run found.
   *
   * @param seed the seed
   * @param failure the first broken invariant, or null
   * @param trace the steps and faults of the run, oldest first
   * @param operators whether operators acted during the run ({@link Builder#operatorActions})
   * @param imports whether they imported rows too ({@link Builder#operatorImports})
   * @param lastEdits whether lost changes were checked ({@link Builder#lastEditChecks})
   * @param ignores whether operators set pairs to ignore changes ({@link Builder#operatorIgnores})
   * @param backups whether operators restored backups ({@link Builder#operatorBackups})
   * @param webhooks whether the trackers' webhooks hinted changes ({@link Builder#webhooks})
   * @param linkRemovals whether people removed links too ({@link Builder#linkRemovals})
   * @param worklogs whether people logged work too ({@link Builder#worklogs})
   * @param deletes whether people deleted issues and moved them away ({@link Builder#deletes})
   * @param storeFaults whether store writes failed at random ({@link Builder#storeFaults})
   * @param smallPages whether polls read pages of two issues ({@link Builder#smallPages})
   * @param handOver whether the connectors handed messages straight to each other's inbox
   *     ({@link Builder#handOver})
   * @param labelOrder whether people wrote labels in any order ({@link Builder#labelOrder})
   * @param siteRestores whether the trackers' sites were restored from backups ({@link
   *     Builder#siteRestores})
   * @param storeWriteFailures how many store writes and commits the run failed on purpose
   */
  public record Result(long seed, String failure, List<String> trace, boolean operators,
      boolean imports, boolean lastEdits, boolean ignores, boolean backups, boolean webhooks,
      boolean linkRemovals, boolean worklogs, boolean deletes, boolean storeFaults,
      boolean smallPages, boolean handOver, boolean labelOrder, boolean siteRestores,
      int storeWriteFailures) {
    /** Whether every invariant held. */
    public boolean ok() {
      return failure == null;
    }

    /**
     * The command that runs this seed alone again, from the project's root folder: only the
     * test method that takes {@code backbone.sim.seed}, so the verdict and the trace are not
     * buried under the test class's other sweeps.
     */
    public String replay() {
      return "mvn -q -pl backbone-testkit -am test"
          + " -Dtest=SimulationTest#everySeedKeepsEveryGuarantee -Dbackbone.sim.seed="
          + seed + switches(operators, imports, lastEdits, ignores, backups, webhooks,
              linkRemovals, worklogs, deletes, storeFaults, smallPages, handOver, labelOrder,
              siteRestores)
          + " -Dsurefire.failIfNoSpecifiedTests=false";
    }

    /** One line that replays the run, the failure, and the end of the trace. */
    public String report() {
      if (ok()) {
        return "seed " + seed + " ok";
      }
      List<String> tail = trace.subList(Math.max(0, trace.size() - 40), trace.size());
      return "seed " + seed + " broke: " + failure + "\nreplay: " + replay()
          + "\nlast steps:\n  " + String.join("\n  ", tail);
    }
  }

  /**
   * The seeds a test runs, {@code first..last}, both included.
   *
   * @param first the first seed
   * @param last the last seed, not below {@code first}
   */
  public record Seeds(long first, long last) {
    /**
     * Checks the range.
     *
     * @throws IllegalArgumentException when {@code last} is below {@code first}
     */
    public Seeds {
      if (last < first) {
        throw new IllegalArgumentException("empty seed range " + first + ".." + last);
      }
    }

    /** How many seeds. */
    public long count() {
      return last - first + 1;
    }

    /**
     * The seeds the JVM's system properties ask for, with the names every test of the
     * simulation and {@code scripts/simulation-sweep.sh} use: {@code -Dbackbone.sim.seeds=
     * FIRST..LAST}, or {@code -Dbackbone.sim.seeds=COUNT} seeds from {@code
     * -Dbackbone.sim.base=N}; without {@code backbone.sim.seeds}, {@code defaultCount} seeds
     * from that base.
     *
     * @param defaultCount how many seeds to run when {@code backbone.sim.seeds} is not given
     * @param defaultBase the first seed when {@code backbone.sim.base} is not given (asked only
     *     then; {@code SimulationTest} draws one at random)
     * @throws IllegalArgumentException naming the property and its value when {@code
     *     backbone.sim.seeds} is neither a count nor a range, or the range is empty
     */
    public static Seeds fromSystemProperties(long defaultCount, LongSupplier defaultBase) {
      String seeds = System.getProperty(PROPERTY + "seeds", String.valueOf(defaultCount)).trim();
      int dots = seeds.indexOf("..");
      try {
        if (dots >= 0) {
          return new Seeds(Long.parseLong(seeds.substring(0, dots).trim()),
              Long.parseLong(seeds.substring(dots + 2).trim()));
        }
        long count = Long.parseLong(seeds);
        Long given = Long.getLong(PROPERTY + "base");
        long base = given != null ? given : defaultBase.getAsLong();
        return new Seeds(base, base + count - 1);
      } catch (IllegalArgumentException e) { // (a NumberFormatException, or an empty range)
        throw new IllegalArgumentException(PROPERTY + "seeds must be a count of at least 1 or"
            + " FIRST..LAST with LAST not below FIRST, was \"" + seeds + "\"", e);
      }
    }
  }

  /** The prefix of the simulation's system properties. */
  private static final String PROPERTY = "backbone.sim.";

  /**
   * The system properties that turn these switches on (and the lost-change check off), as
   * {@code " -Dbackbone.sim.operators=true ..."}; empty when all are as by default.
   */
  private static String switches(boolean operators, boolean imports, boolean lastEdits,
      boolean ignores, boolean backups, boolean webhooks, boolean linkRemovals,
      boolean worklogs, boolean deletes, boolean storeFaults, boolean smallPages,
      boolean handOver, boolean labelOrder, boolean siteRestores) {
    return (operators ? " -Dbackbone.sim.operators=true" : "")
        + (imports ? " -Dbackbone.sim.imports=true" : "")
        + (lastEdits ? "" : " -Dbackbone.sim.lastEdits=false")
        + (ignores ? " -Dbackbone.sim.ignores=true" : "")
        + (backups ? " -Dbackbone.sim.backups=true" : "")
        + (webhooks ? " -Dbackbone.sim.webhooks=true" : "")
        + (linkRemovals ? " -Dbackbone.sim.linkRemovals=true" : "")
        + (worklogs ? " -Dbackbone.sim.worklogs=true" : "")
        + (deletes ? " -Dbackbone.sim.deletes=true" : "")
        + (storeFaults ? " -Dbackbone.sim.storeFaults=true" : "")
        + (smallPages ? " -Dbackbone.sim.smallPages=true" : "")
        + (handOver ? " -Dbackbone.sim.handOver=true" : "")
        + (labelOrder ? " -Dbackbone.sim.labelOrder=true" : "")
        + (siteRestores ? " -Dbackbone.sim.siteRestores=true" : "");
  }

  private final int steps;
  private final Set<TestOnlySwitch> switches;
  private final java.util.function.Supplier<org.backbonesync.spi.store.Stores> stores;
  private final BiFunction<String, InMemoryIssueTracker, IssueTracker> reach;
  private final List<String> via;
  private final boolean traceEngine;
  private final boolean operators;
  private final boolean imports;
  private final boolean lastEdits;
  private final boolean ignores;
  private final boolean backups;
  private final boolean webhooks;
  private final boolean linkRemovals;
  private final boolean worklogs;
  private final boolean deletes;
  /** Whether A's, B's tracker cannot confirm a deletion ({@link Builder#deletionsUnconfirmed}). */
  private final boolean unconfirmedA;
  private final boolean unconfirmedB;
  private final boolean storeFaults;
  private final boolean smallPages;
  private final boolean handOver;
  private final boolean labelOrder;
  private final boolean siteRestores;
  private final long indexLag;

  private Simulation(Builder b) {
    this.steps = b.steps;
    this.operators = b.operators;
    this.imports = b.imports; // (build refuses it without operators)
    this.lastEdits = b.lastEdits;
    this.ignores = b.ignores; // (build refuses it without operators)
    this.backups = b.backups; // (build refuses it without operators)
    this.webhooks = b.webhooks;
    this.linkRemovals = b.linkRemovals;
    this.worklogs = b.worklogs;
    this.deletes = b.deletes;
    this.unconfirmedA = b.unconfirmedA;
    this.unconfirmedB = b.unconfirmedB;
    this.storeFaults = b.storeFaults;
    this.smallPages = b.smallPages;
    this.handOver = b.handOver;
    this.labelOrder = b.labelOrder;
    this.siteRestores = b.siteRestores; // (build refuses it with operators' acts or deletes)
    this.indexLag = b.indexLag;
    this.switches = Set.copyOf(b.switches);
    this.stores = b.stores;
    this.reach = b.reach;
    this.via = b.via;
    this.traceEngine = b.traceEngine;
  }

  /** Starts building a simulation. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The system properties that build this simulation's switches with {@link
   * Builder#fromSystemProperties}, as {@code " -Dbackbone.sim.operators=true ..."} (each with a
   * space before it), for a line that runs it again; empty when every switch is as by default.
   */
  public String switches() {
    return switches(operators, imports, lastEdits, ignores, backups, webhooks, linkRemovals,
        worklogs, deletes, storeFaults, smallPages, handOver, labelOrder, siteRestores);
  }

  /** Runs the simulation for one seed. Deterministic: the same seed gives the same run. */
  public Result run(long seed) {
    Run run = new Run(seed);
    try {
      run.traffic();
      run.settle();
      run.finalConflict();
      run.check();
    } catch (AssertionError | RuntimeException e) {
      run.fail(e.toString());
    }
    return new Result(seed, run.failure, List.copyOf(run.trace), operators, imports, lastEdits,
        ignores, backups, webhooks, linkRemovals, worklogs, deletes, storeFaults, smallPages,
        handOver, labelOrder, siteRestores, run.storeWriteFailures);
  }

  /** Builds a {@link Simulation}. */
  public static final class Builder {
    private int steps = 60;
    private final Set<TestOnlySwitch> switches = EnumSet.noneOf(TestOnlySwitch.class);
    private java.util.function.Supplier<org.backbonesync.spi.store.Stores> stores =
        InMemoryStores::new;
    private BiFunction<String, InMemoryIssueTracker, IssueTracker> reach = (key, project) -> project;
    private List<String> via = List.of();
    private boolean traceEngine;
    private boolean operators;
    private boolean imports;
    private boolean lastEdits = true;
    private boolean webhooks;
    private boolean linkRemovals;
    private boolean worklogs;
    private boolean deletes;
    private boolean unconfirmedA;
    private boolean unconfirmedB;
    private boolean storeFaults;
    private boolean smallPages;
    private boolean handOver;
    private boolean labelOrder;
    private boolean siteRestores;
    private long indexLag = INDEX_LAG;
    private boolean ignores;
    private boolean backups;

    private Builder() {}

    /**
     * A builder with the switches the JVM's system properties set, with the names every test
     * of the simulation (in memory, on H2, on PostgreSQL) and {@code scripts/simulation-sweep.sh}
     * use: {@code backbone.sim.operators} ({@link #operatorActions}), {@code .imports}, {@code
     * .ignores}, {@code .backups}, {@code .webhooks}, {@code .linkRemovals}, {@code .worklogs},
     * {@code .deletes}, {@code .storeFaults}, {@code .smallPages}, {@code .handOver}, {@code
     * .labelOrder} and {@code .siteRestores} turn their switch on when {@code true}; {@code backbone.sim.lastEdits=false}
     * turns {@link #lastEditChecks} off.
     * Without any of them it is {@link Simulation#builder()}. {@link Simulation#switches()} gives
     * them back.
     */
    public static Builder fromSystemProperties() {
      return new Builder().operatorActions(Boolean.getBoolean(PROPERTY + "operators"))
          .operatorImports(Boolean.getBoolean(PROPERTY + "imports"))
          .operatorIgnores(Boolean.getBoolean(PROPERTY + "ignores"))
          .operatorBackups(Boolean.getBoolean(PROPERTY + "backups"))
          .webhooks(Boolean.getBoolean(PROPERTY + "webhooks"))
          .linkRemovals(Boolean.getBoolean(PROPERTY + "linkRemovals"))
          .worklogs(Boolean.getBoolean(PROPERTY + "worklogs"))
          .deletes(Boolean.getBoolean(PROPERTY + "deletes"))
          .storeFaults(Boolean.getBoolean(PROPERTY + "storeFaults"))
          .smallPages(Boolean.getBoolean(PROPERTY + "smallPages"))
          .handOver(Boolean.getBoolean(PROPERTY + "handOver"))
          .labelOrder(Boolean.getBoolean(PROPERTY + "labelOrder"))
          .siteRestores(Boolean.getBoolean(PROPERTY + "siteRestores"))
          .lastEditChecks(Boolean.parseBoolean(System.getProperty(PROPERTY + "lastEdits",
              "true")));
    }

    /** How many random steps a run takes before it settles. Default 60. */
    public Builder steps(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("steps must be at least 1, was " + count);
      }
      this.steps = count;
      return this;
    }

    /** Fresh stores for each run, e.g. JDBC ones. Default: in-memory stores. */
    public Builder stores(java.util.function.Supplier<org.backbonesync.spi.store.Stores> fresh) {
      this.stores = fresh;
      return this;
    }

    /**
     * How the engine reaches each project (see {@link SyncTestDriver.Builder#trackers}); e.g.
     * through a fake Jira server and the Jira adapter. Default: directly.
     */
    public Builder trackers(BiFunction<String, InMemoryIssueTracker, IssueTracker> value) {
      this.reach = Objects.requireNonNull(value, "trackers");
      return this;
    }

    /**
     * Transitions for the status mapping to take, in order of preference ("via"), for trackers
     * that do not show their workflow (Jira to a sync user). Default: none, the engine finds the
     * shortest path in the workflow.
     */
    public Builder statusVia(String... transitions) {
      this.via = List.of(transitions);
      return this;
    }

    /**
     * Adds the engine's events to the trace: each message queued with its fields, applied,
     * dropped as a duplicate or failed, and each conflict with both values. Slower; for reading
     * one failing seed's run.
     */
    public Builder traceEngine(boolean on) {
      this.traceEngine = on;
      return this;
    }

    /**
     * Lets operators act on sync information during the traffic: delete one side's row of a
     * pair or both, start the engine on an empty store. Off by default, so that the seeds found
     * without operators replay as they ran (their acts draw from the same random numbers).
     */
    public Builder operatorActions(boolean on) {
      this.operators = on;
      return this;
    }

    /**
     * With {@link #operatorActions}, operators also import rows: they move to an empty store by
     * exporting every row and importing it there, or delete a pair's rows and import them again.
     * A separate switch so that the seeds found with operators alone replay as they ran.
     */
    public Builder operatorImports(boolean on) {
      this.imports = on;
      return this;
    }

    /**
     * Whether the checker also asserts that no person's change is lost: the last edit of each
     * two-way field is on both sides unless the documented rules say why not (see
     * docs/SIMULATION.md on the lost-edit check). On by default, with operators acting too.
     */
    public Builder lastEditChecks(boolean on) {
      this.lastEdits = on;
      return this;
    }

    /**
     * With {@link #operatorActions}, operators also set a pair to ignore the partner's changes
     * ({@code incomingChangesIgnored}) or take them again; at the end they take every pair's
     * changes again, so every guarantee is checked as usual. A separate switch so that seeds found without it replay as they ran.
     */
    public Builder operatorIgnores(boolean on) {
      this.ignores = on;
      return this;
    }

    /**
     * With {@link #operatorActions} and in-memory stores, operators also back up the store and
     * later restore that backup, following the README: delete every row of both connectors and
     * rebuild them. A separate switch so that seeds found without it replay as they ran.
     */
    public Builder operatorBackups(boolean on) {
      this.backups = on;
      return this;
    }

    /**
     * The trackers send a webhook for every write (people's and the sync users'), and the
     * engine takes them as change hints at random steps: some are lost, some come twice, many
     * wait for a later step (so they come late and out of order with the polls). The poll stays
     * the safety net, so the checker must hold as without them. A separate switch so that seeds
     * found without it replay as they ran.
     */
    public Builder webhooks(boolean on) {
      this.webhooks = on;
      return this;
    }

    /**
     * People also remove links: linking two issues of one type that are linked already removes
     * that link instead (Jira refuses a second one). A separate switch so that seeds found
     * without it replay as they ran.
     */
    public Builder linkRemovals(boolean on) {
      this.linkRemovals = on;
      return this;
    }

    /**
     * People also log work, and edit and delete their worklogs, synced by a {@code worklogs}
     * mapping (anonymous, so a copy says what its original says); the checker compares each
     * pair's worklogs. A separate switch so that seeds found without it replay as they ran.
     */
    public Builder worklogs(boolean on) {
      this.worklogs = on;
      return this;
    }

    /**
     * People also delete issues, or move them to another project (rarely, so most pairs stay
     * live; the side alternates), and each connector's {@code onPartnerGone} is drawn per seed
     * (leave, mark or delete). The checker asserts that such a pair ends unlinked on both sides
     * (unless the partner issue was never made), that the partner issue is as {@code
     * onPartnerGone} says, and that a moved issue is never written by the sync after the move;
     * such pairs are left out of the other checks. A separate switch so that seeds found without
     * it replay as they ran. It does not combine with {@link #operatorActions} (nor their
     * imports, ignores and backups): {@link #build} refuses that.
     */
    public Builder deletes(boolean on) {
      this.deletes = on;
      return this;
    }

    /**
     * Which side's tracker, as {@link #trackers} reaches it, cannot tell an issue deleted from
     * one hidden from the sync user ({@code IssueTracker.deletionConfirmed} is false for it, as
     * on Jira Cloud unless the site is built with {@code notFoundIsDeleted(true)}). With {@link
     * #deletes}, the checker then expects the partner of an issue a person deleted there marked
     * ("was not found (deleted, or hidden from the sync user)") where its {@code onPartnerGone}
     * is {@code mark} or {@code delete}, never deleted. Default: neither (the in-memory tracker
     * and Jira Server confirm a deletion).
     */
    public Builder deletionsUnconfirmed(boolean onA, boolean onB) {
      this.unconfirmedA = onA;
      this.unconfirmedB = onB;
      return this;
    }

    /**
     * Writes to the sync information and message stores sometimes fail, as a database's do
     * (deadlocks and lost connections, which the engine may retry, and a full disk, which it may
     * not): about one write or commit in fifty, some in bursts of up to three, inside
     * transactions (which then roll back whole) and outside. A write fails before it is made,
     * and a failed commit keeps nothing, so the store is never left half-written in a way a
     * transactional database could not be. Operators' acts and the final quiet phase meet no
     * store faults. A separate switch so that seeds found without it replay as they ran.
     */
    public Builder storeFaults(boolean on) {
      this.storeFaults = on;
      return this;
    }

    /**
     * Polls read pages of two issues and search an overlap of 5 s before the watermark (instead
     * of 100 and a minute): most searches take several pages, and the watermark is moved past
     * issues read again by the tracker's time (after 50 s) rather than only by the newest update.
     * The searches lag too: each change shows up to 4 s late, each its own time, so out of order
     * (under the overlap). A separate switch so that seeds found without it replay as they ran.
     */
    public Builder smallPages(boolean on) {
      this.smallPages = on;
      return this;
    }

    /**
     * The two connectors talk without transports, as two of one engine do when the host gives
     * none: each hands its messages straight to the other's inbox in the commit that records
     * them ({@link SyncTestDriver.Builder#transports}). No transport faults then (their steps
     * run the engine instead); crashes, store faults and the rest as switched. A separate switch
     * so that seeds found without it replay as they ran.
     */
    public Builder handOver(boolean on) {
      this.handOver = on;
      return this;
    }

    /**
     * People write labels in any order (the list shuffled with the run's random), as Jira keeps
     * the order a person gives, instead of always in one fixed order; so a run shows when both
     * sides end with the same labels in different orders, which the checker refuses (the merge
     * promises one order on both sides). A separate switch so that seeds found without it replay
     * as they ran: without it, no number is drawn for the order.
     */
    public Builder labelOrder(boolean on) {
      this.labelOrder = on;
      return this;
    }

    /**
     * A tracker's site is restored from a backup of an earlier moment, as a Jira site can be
     * (about one step in forty, the side and the backup's moment drawn): the issues created after
     * the backup are gone, and the next ones created there get their keys. The restore takes
     * minutes (the clock moves on), then people go on: zero to two new issues on the restored side
     * at once, which take lost keys, and the traffic as before; the sync's copies made there take
     * lost keys too. As {@link InMemoryIssueTracker#restoreBackupOf} does, the issues left keep
     * their changes since the backup (a real restore loses those too: the README promises nothing
     * of it, and the engine would not notice). A person's edits of lost issues are lost with them
     * (the lost-edit check forgets them), but for those the sync had sent before: they go on in
     * the lost pair's partner, and count for its pair ({@link PersonsEdits#forgetLost}). Once the
     * sync is quiet, a person comments on each issue whose row still names a lost key, so its
     * next message meets the key.
     *
     * <p>The checker then asserts what the README promises after a restore, and no more (see
     * {@link SiteRestores#check}): every unlinked pair is one a restore explains (a lost key on
     * its side or its partner's); each lost pair's partner is unlinked; nothing of a lost pair's
     * partner reaches the restored side, and nothing of an issue a person made under a lost key
     * reaches the other side or is written by the sync (no person's issue is overwritten by a
     * change meant for another); no message is left failing that an admin's retry does not
     * resolve (as always). Lost pairs' partners and persons' issues under lost keys (unsynced, the
     * README says: the old row holds the key) are left out of the other checks; every other pair,
     * a copy made under a lost key included, must converge with no person's change lost and the
     * rest as without restores. A lost pair whose row on the restored side had seen no change of
     * its issue yet is left out unchecked (the README lists it as not handled). A separate switch
     * so that seeds found without it replay as they ran. It does not combine with {@link
     * #operatorActions} (nor their imports, ignores and backups) nor {@link #deletes}: {@link
     * #build} refuses that.
     */
    public Builder siteRestores(boolean on) {
      this.siteRestores = on;
      return this;
    }

    /**
     * How late the searches show a change with small pages, at most (default 4 s, under their
     * overlap): more breaks what the engine assumes, to show that the checker notices (its own
     * tests only).
     */
    Builder indexLag(long maxMillis) {
      this.indexLag = maxMillis;
      return this;
    }

    /** Drops a guarantee, to show that the checker notices (its own tests only). */
    Builder testOnly(TestOnlySwitch off) {
      switches.add(off);
      return this;
    }

    /**
     * Builds the simulation.
     *
     * @throws IllegalArgumentException when {@link #deletes} is combined with operators' acts,
     *     or imports, ignores or backups are asked for without {@link #operatorActions} (they
     *     are operators' acts, and a sweep would run without them, silently), or {@link
     *     #siteRestores} is combined with operators' acts or deletes
     */
    public Simulation build() {
      if (!operators && (imports || ignores || backups)) {
        throw new IllegalArgumentException(String.join(" and ", given(false))
            + " without operators (backbone.sim.operators=true): they are operators' acts, and"
            + " would not run");
      }
      if (deletes && (operators || imports || ignores || backups)) {
        throw new IllegalArgumentException("deletes (backbone.sim.deletes) does not combine with"
            + " operators, imports, ignores or backups (backbone.sim.operators, .imports, .ignores,"
            + " .backups): the checker does not yet follow gone pairs through row deletes, lost"
            + " stores and ignores");
      }
      refuseSiteRestoresWithOthers();
      return new Simulation(this);
    }

    /**
     * The operators' acts switched on, as refusals name them (imports, ignores, backups; with
     * {@code all}, operators first and deletes last too).
     */
    private List<String> given(boolean all) {
      List<String> given = new ArrayList<>();
      if (all && operators) {
        given.add("operators (backbone.sim.operators)");
      }
      if (imports) {
        given.add("imports (backbone.sim.imports)");
      }
      if (ignores) {
        given.add("ignores (backbone.sim.ignores)");
      }
      if (backups) {
        given.add("backups (backbone.sim.backups)");
      }
      if (all && deletes) {
        given.add("deletes (backbone.sim.deletes)");
      }
      return given;
    }

    /**
     * Refuses site restores with operators' acts or deletes, naming the switches given: the README
     * says to keep the rows after a Jira restore (an operator's delete or lost store lets the
     * partner's origin marker pair a new issue under a lost key with the lost one's partner again,
     * overwriting it), and the checker does not follow gone pairs through restores.
     */
    private void refuseSiteRestoresWithOthers() {
      if (!siteRestores) {
        return;
      }
      List<String> given = given(true);
      if (!given.isEmpty()) {
        throw new IllegalArgumentException("siteRestores (backbone.sim.siteRestores) does not"
            + " combine with " + String.join(" and ", given) + ": after a Jira restore the rows"
            + " must be kept (an operator's delete or lost store pairs a new issue under a lost"
            + " key with the lost one's partner again), and the checker does not follow gone"
            + " pairs through restores");
      }
    }
  }

  /** One run's state. */
  private final class Run {
    final Random random;
    final List<String> trace = new ArrayList<>();
    final ManualExecutor tasks = new ManualExecutor();
    final SyncTestDriver sync;
    boolean faults = true;
    /** Whether an operator is acting now (store writes then do not fail). */
    boolean operatorActing;
    /** How many more store writes fail in the burst under way. */
    int storeFaultBurst;
    /** How many store writes and commits failed on purpose ({@link Builder#storeFaults}). */
    int storeWriteFailures;
    int humanOps;
    int resyncs;
    int operatorActs;
    boolean rebuilt;
    boolean imported;
    /** The store an operator backed up, until restored. */
    InMemoryStores backup;
    /** The connectors whose rows ignored incoming changes at some point. */
    final Set<String> ignoredBy = new java.util.TreeSet<>();
    /** Where in the engine's events each store swap came: sequence ids count anew after it. */
    final List<Integer> storeSwaps = new ArrayList<>();
    /** Where in the engine's events an operator deleted a row, and the row's issue keys. */
    final List<Map.Entry<Integer, Set<String>>> rowDeletes = new ArrayList<>();
    int counter;
    String failure;
    /** The traffic step running now; the final conflict's edits come after the last. */
    int step;
    /** The persons' edits of two-way fields, for the lost-change check. */
    final PersonsEdits edits = new PersonsEdits();
    /** Webhooks sent by each side's tracker and not taken by the engine yet. */
    final Map<String, List<InMemoryIssueTracker.Change>> webhooksSent = Map.of(
        "PA", new ArrayList<>(), "PB", new ArrayList<>());
    /** The steps at which an admin resynced PA mid-traffic (its values then say "now"). */
    final List<Integer> resyncSteps = new ArrayList<>();
    /**
     * An issue a person deleted, or moved to another project ({@code movedTo}, with what it had
     * then: its changelog's length, comments, attachments and worklogs).
     */
    record Gone(boolean sideA, String key, String movedTo, int changelogSize,
        Map<String, Integer> comments, Map<String, Integer> files,
        Map<String, Integer> worklogs) {}

    final List<Gone> gone = new ArrayList<>();
    /** Each connector's onPartnerGone, drawn per seed with {@link Builder#deletes}. */
    org.backbonesync.core.PartnerGone goneA;
    org.backbonesync.core.PartnerGone goneB;
    /** Whether the partners of gone issues were touched once the sync was quiet. */
    boolean touched;
    /** What the searches' lag is drawn from ({@link Builder#smallPages}). */
    long salt;
    /** The sites restored from backups, and what they lost ({@link Builder#siteRestores}). */
    final SiteRestores restores = new SiteRestores(field -> "m-" + field);
    /** Each tracker's time at the start of each traffic step: the moments backups were taken. */
    final List<Long> momentsA = new ArrayList<>();
    final List<Long> momentsB = new ArrayList<>();
    /** Whether the issues naming lost keys were touched once the sync was quiet. */
    boolean restoresTouched;
    /**
     * Where in the engine's events each site restore came, and the keys of the pairs it lost on
     * both sides: a message applied to a lost issue may be applied again, to a new copy.
     */
    final List<Map.Entry<Integer, Set<String>>> siteResets = new ArrayList<>();

    Run(long seed) {
      this.random = new Random(seed);
      int skew = random.nextInt(601) - 300;
      trace.add("seed " + seed + ", B's clock off by " + skew + " s");
      if (deletes) { // (no draw without deletes)
        List<org.backbonesync.core.PartnerGone> choices = List.of(
            org.backbonesync.core.PartnerGone.leave(), org.backbonesync.core.PartnerGone.mark(),
            org.backbonesync.core.PartnerGone.delete());
        goneA = choices.get(random.nextInt(3));
        goneB = choices.get(random.nextInt(3));
        trace.add("on partner gone: A " + goneA.action() + ", B " + goneB.action());
      }
      ObjectMapper json = new ObjectMapper();
      JsonNode statusRows;
      try {
        statusRows = json.readTree("{\"rows\": [{\"a\": \"To Do\", \"b\": \"To Do\"},"
            + " {\"a\": \"In Progress\", \"b\": \"In Progress\"},"
            + " {\"a\": \"In Review\", \"b\": \"In Review\"}, {\"a\": \"Done\", \"b\": \"Done\"}],"
            + " \"resolution\": {\"a\": \"Done\", \"b\": \"Done\"}"
            + (via.isEmpty() ? "" : ", \"via\": {\"a\": " + json.writeValueAsString(via)
                + ", \"b\": " + json.writeValueAsString(via) + "}")
            + "}");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      SyncTestDriver.Builder builder = SyncTestDriver.builder()
          .transports(!handOver)
          .stores(failing(stores.get()))
          .trackers(reach)
          .skewB(Duration.ofSeconds(skew))
          .projectA(p -> p.priorities(PRIORITIES.toArray(String[]::new)))
          .listener(traceEngine ? new EngineTrace() : null)
          .connectorA(c -> deletes ? c.withOnPartnerGone(goneA) : c)
          .connectorB(c -> deletes ? c.withJql("labels != private").withOnPartnerGone(goneB)
              : c.withJql("labels != private"))
          .engine(e -> {
            e.taskExecutor(tasks).retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
            if (smallPages) {
              e.pollPageSize(2).changeDetectionOverlap(Duration.ofSeconds(5));
            }
            switches.forEach(off -> TestOnlySwitches.drop(e, off));
          })
          .fieldMapping(FieldMapping.passthrough("m-summary", "summary", Direction.BOTH))
          .fieldMapping(FieldMapping.passthrough("m-priority", "priority", Direction.BOTH))
          .fieldMapping(FieldMapping.passthrough("m-labels", "labels", Direction.BOTH)
              .withConflict(ConflictRule.MERGE))
          .fieldMapping(FieldMapping.passthrough("m-assignee", "assignee", Direction.BOTH))
          .fieldMapping(FieldMapping.of("m-status", "status", Direction.BOTH, "status", "status",
              statusRows))
          .fieldMapping(FieldMapping.of("m-comments", "comments", Direction.BOTH, "comment",
              "comment", json.createObjectNode().put("authorPrefix", "")))
          .fieldMapping(FieldMapping.of("m-files", "attachments", Direction.BOTH, "attachment",
              "attachment", null))
          .fieldMapping(FieldMapping.of("m-links", "links", Direction.BOTH, "issuelinks",
              "issuelinks", null));
      if (worklogs) {
        builder.fieldMapping(FieldMapping.of("m-worklogs", "worklogs", Direction.BOTH, "worklog",
            "worklog", json.createObjectNode().put("author", "anonymous")));
      }
      this.sync = builder.build();
      if (smallPages) { // (no draw without small pages)
        salt = random.nextLong();
        sync.a().indexLag(this::lag);
        sync.b().indexLag(this::lag);
      }
      if (webhooks) {
        sync.a().onChange(webhooksSent.get("PA")::add);
        sync.b().onChange(webhooksSent.get("PB")::add);
      }
      InMemoryIssueTracker.Interceptor chaos = new Chaos();
      sync.a().intercept(chaos);
      sync.b().intercept(chaos);
    }

    /**
     * How late the searches show this update, with small pages: up to 4 s ({@link
     * Builder#indexLag}), drawn from the run's salt, the same each time, each update its own, so
     * out of order by less than the 5 s overlap, as the engine assumes of a tracker's index.
     */
    private long lag(String key, long updated) {
      return new java.util.SplittableRandom(salt ^ (31L * key.hashCode()) ^ updated)
          .nextInt(Math.toIntExact(indexLag) + 1);
    }

    /**
     * Runs until quiet; with a lagging index, until quiet again after waiting out the lag: what
     * the searches showed late is found by the polls after it.
     */
    void runUntilQuiet() {
      sync.runUntilQuiet();
      for (int waits = 0; smallPages; waits++) {
        if (waits == 100) {
          fail("not quiet after waiting out the index's lag 100 times");
          return;
        }
        sync.advance(Duration.ofMillis(indexLag + 1));
        if (sync.runUntilQuiet() == 1) { // (the first round found nothing to do)
          return;
        }
      }
    }

    /** The stores with {@link Builder#storeFaults}: failing some writes; else as they are. */
    org.backbonesync.spi.store.Stores failing(org.backbonesync.spi.store.Stores plain) {
      return storeFaults ? new FailingStores(plain, this::storeFault) : plain;
    }

    /**
     * Whether a store write (or a transaction's commit) fails, and how: one in a hundred starts
     * a burst of one to three failures, while faults are on and no operator acts. Draws from the
     * seed only then.
     */
    SyncException storeFault(String write) {
      if (!faults || operatorActing) {
        return null;
      }
      if (storeFaultBurst == 0) {
        if (random.nextInt(100) != 0) {
          return null;
        }
        storeFaultBurst = 1 + random.nextInt(3);
      }
      storeFaultBurst--;
      storeWriteFailures++;
      String cause = List.of("deadlock detected (SQL state 40001)",
          "connection lost (SQL state 08006)", "disk full (SQL state 53100)")
          .get(random.nextInt(3));
      String text = write.equals("commit") ? "commit failed: " + cause
          : "database operation failed: " + cause + " on " + write;
      trace.add("fault: store " + text);
      // as backbone-jdbc says: a deadlock may be retried; a lost connection or a full disk is
      // the store unavailable as a whole (retried too, and a step meeting it ends at once)
      return cause.contains("40001") ? new RetriableException(text, null)
          : new StoreUnavailableException(text, null);
    }

    /** Writes the engine's events into the trace, for {@link Builder#traceEngine}. */
    private final class EngineTrace implements SyncListener {
      private void add(String connectorKey, String what) {
        trace.add("  [" + connectorKey + " at " + sync.clock().millis() + "] " + what);
      }

      private String describe(SyncMessage m) {
        StringBuilder s = new StringBuilder(m.kind() + " " + m.sourceIssueKey() + " #"
            + m.sequenceId() + " (seen #" + m.seenSequenceId() + ", rows " + m.senderEpoch() % 1024
            + "->" + m.receiverEpoch() % 1024 + " since #" + m.partnerSince() + ")");
        m.fields().forEach((id, v) -> s.append(' ').append(id).append('=').append(v.value())
            .append(" by ").append(v.changedBy()).append(" at ").append(v.changedAt())
            .append(v.previous() == null ? "" : " replacing " + v.previous()));
        m.content().forEach((id, ops) -> s.append(' ').append(id).append(':').append(ops));
        return s.toString();
      }

      @Override
      public void queued(String connectorKey, SyncMessage message) {
        add(connectorKey, "queued " + describe(message));
      }

      @Override
      public void applied(String connectorKey, SyncMessage message, String localIssueKey,
          boolean created) {
        add(connectorKey, "applied " + message.kind() + " " + message.sourceIssueKey() + " #"
            + message.sequenceId() + " (rows " + message.senderEpoch() % 1024 + "->"
            + message.receiverEpoch() % 1024 + ")" + (created ? " creating " : " to ")
            + localIssueKey);
      }

      @Override
      public void ignored(String connectorKey, SyncMessage message, String reason) {
        add(connectorKey, "ignored " + message.sourceIssueKey() + " #" + message.sequenceId()
            + ": " + reason);
      }

      @Override
      public void conflict(String connectorKey, ConflictRecord r) {
        add(connectorKey, "conflict on " + r.localIssueKey() + " " + r.fieldMappingId()
            + ": local " + r.localValue() + " at " + r.localChangedAt() + ", remote "
            + r.remoteValue() + " at " + r.remoteChangedAt() + ": " + r.winner() + " by "
            + r.rule());
      }

      @Override
      public void unlinked(String connectorKey, SyncMessage message, String localIssueKey,
          String remoteIssueKey) {
        add(connectorKey, "unlinked " + localIssueKey + " - " + remoteIssueKey
            + (message == null ? "" : " at " + message.sourceIssueKey() + " #"
                + message.sequenceId()));
      }

      @Override
      public void partnerGone(String connectorKey, SyncMessage message, String localIssueKey,
          org.backbonesync.core.PartnerGone.Action action) {
        add(connectorKey, "partner gone: " + action + " " + localIssueKey
            + (message == null ? "" : " (GONE " + message.sourceIssueKey() + " #"
                + message.sequenceId() + ")"));
      }

      @Override
      public void duplicate(String connectorKey, SyncMessage message) {
        add(connectorKey, "duplicate " + message.sourceIssueKey() + " #" + message.sequenceId()
            + " (rows " + message.senderEpoch() % 1024 + "->" + message.receiverEpoch() % 1024
            + ")");
      }

      @Override
      public void failed(String connectorKey, SyncMessage message, String error,
          boolean permanent) {
        add(connectorKey, (permanent ? "failed " : "will retry ") + message.sourceIssueKey()
            + " #" + message.sequenceId() + ": " + error);
      }
    }

    void fail(String why) {
      if (failure == null) {
        failure = why;
      }
    }

    /** Throws tracker errors at the sync users' calls, and crashes the process after some. */
    private final class Chaos implements InMemoryIssueTracker.Interceptor {
      @Override
      public void before(TrackerCall call) {
        if (!faults || !call.user().startsWith("sync-") || random.nextInt(40) != 0) {
          return;
        }
        String kind = List.of("429", "500", "timeout").get(random.nextInt(3));
        trace.add("fault: " + kind + " on " + call.operation() + " as " + call.user());
        throw new RetriableException(kind + " from the tracker on " + call.operation(), null,
            kind.equals("429") ? Duration.ofSeconds(2) : null);
      }

      @Override
      public void after(TrackerCall call) {
        if (faults && call.user().startsWith("sync-") && random.nextInt(60) == 0) {
          trace.add("fault: crash after " + call.operation() + " as " + call.user());
          throw new SimulatedCrash("after " + call.operation());
        }
      }
    }

    void traffic() {
      for (step = 0; step < steps; step++) {
        if (siteRestores) { // (no draw without it)
          momentsA.add(sync.a().clock().millis());
          momentsB.add(sync.b().clock().millis());
          if (random.nextInt(40) == 0) {
            siteRestoreAct();
            continue;
          }
        }
        int dice = random.nextInt(100);
        if (dice < 40) {
          humanStep();
        } else if (dice < 80) {
          engineStep();
        } else if (dice < 88) {
          Duration d = Duration.ofMillis(random.nextInt(20_000));
          trace.add("clock +" + d.toMillis() + " ms");
          sync.advance(d);
        } else if (dice < 96 && handOver) {
          engineStep(); // (no transport to fault)
        } else if (dice < 96) {
          Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
          InMemoryTransport transport =
              random.nextBoolean() ? sync.transportAtoB() : sync.transportBtoA();
          trace.add("fault: next message " + (transport == sync.transportAtoB() ? "A->B" : "B->A")
              + " " + fault);
          transport.inject(fault, 1);
        } else if (dice < 97 && operators) {
          operatorActing = true;
          try {
            guarded(this::operatorAct);
          } finally {
            operatorActing = false;
          }
        } else if (dice < 98) {
          trace.add("admin: resync PA");
          resyncs++;
          resyncSteps.add(step);
          guarded(() -> {
            sync.engine().resync("PA", ResyncRequest.all(), "admin");
            tasks.runAll();
          });
        } else {
          trace.add("admin: add priority Blocker to PB, retry failed messages");
          sync.b().addPriority("Blocker");
          guarded(this::retryFailed);
        }
      }
    }

    /**
     * What operators do to sync information: delete one side's row of a pair, or both, or start
     * the engine on an empty store (a lost database). The trackers' origin markers must pair the
     * issues again, with no issue made twice and no change lost.
     */
    void operatorAct() {
      operatorActs++;
      if (imports && random.nextInt(4) == 0) {
        importAct();
        return;
      }
      if (ignores && random.nextInt(4) == 0) {
        ignoreAct();
        return;
      }
      if (backups && random.nextInt(4) == 0) {
        backupAct();
        return;
      }
      int what = random.nextInt(10);
      if (what == 0) {
        trace.add("operator: restart on an empty store");
        restartOn(stores.get());
        return;
      }
      Map.Entry<String, SyncInfo> picked = randomRow();
      if (picked == null) {
        return;
      }
      String key = picked.getKey();
      SyncInfo row = picked.getValue();
      boolean sideA = key.equals("PA");
      trace.add("operator: delete " + key + "'s row " + row.localIssueKey() + " - "
          + row.remoteIssueKey());
      rowDeletes.add(Map.entry(sync.events().events().size(), keys(row)));
      sync.engine().deleteSyncInformation(key, row.id());
      if (what < 5 && row.remoteIssueKey() != null) {
        String other = sideA ? "PB" : "PA";
        (sideA ? sync.syncInfoB() : sync.syncInfoA()).stream()
            .filter(r -> row.remoteIssueKey().equals(r.localIssueKey()))
            .findFirst()
            .ifPresent(r -> {
              trace.add("operator: delete " + other + "'s row " + r.localIssueKey() + " - "
                  + r.remoteIssueKey());
              rowDeletes.add(Map.entry(sync.events().events().size(), keys(r)));
              sync.engine().deleteSyncInformation(other, r.id());
            });
      }
    }

    /**
     * Rows exported and imported again: all of them into an empty store (the operator moves the
     * store; what was in its outbox and inbox is lost), or one pair's two rows deleted and
     * imported back.
     */
    void importAct() {
      imported = true;
      if (random.nextInt(3) == 0) {
        trace.add("operator: export every row, move to an empty store, import them there");
        List<SyncInfo> rowsA = sync.syncInfoA();
        List<SyncInfo> rowsB = sync.syncInfoB();
        restartOn(stores.get());
        importRows("PA", rowsA);
        importRows("PB", rowsB);
        return;
      }
      List<SyncInfo> paired = sync.syncInfoA().stream()
          .filter(r -> r.remoteIssueKey() != null).toList();
      if (paired.isEmpty()) {
        return;
      }
      SyncInfo a = paired.get(random.nextInt(paired.size()));
      Optional<SyncInfo> b = sync.syncInfoB().stream()
          .filter(r -> a.remoteIssueKey().equals(r.localIssueKey())).findFirst();
      if (b.isEmpty() || !a.localIssueKey().equals(b.get().remoteIssueKey())) {
        return;
      }
      trace.add("operator: export, delete and import the rows of " + a.localIssueKey() + " - "
          + a.remoteIssueKey());
      rowDeletes.add(Map.entry(sync.events().events().size(), keys(a)));
      sync.engine().deleteSyncInformation("PA", a.id());
      sync.engine().deleteSyncInformation("PB", b.get().id());
      importRows("PA", List.of(a));
      importRows("PB", List.of(b.get()));
    }

    /**
     * Backs up the store, or restores the backup taken before: as the README says, then deletes
     * every row of both connectors and rebuilds them (the backup's outbox and inbox come back
     * with it, messages of rows gone).
     */
    void backupAct() {
      org.backbonesync.spi.store.Stores current = sync.stores() instanceof FailingStores f
          ? f.stores() : sync.stores();
      if (!(current instanceof InMemoryStores now)) {
        return;
      }
      if (backup == null || random.nextInt(4) == 0) {
        trace.add("operator: back up the store");
        backup = now.backup();
        return;
      }
      trace.add("operator: restore the backup, delete every row of PA and PB, rebuild them");
      restartOn(backup);
      backup = null;
      sync.engine().deleteAllSyncInformation("PA");
      sync.engine().deleteAllSyncInformation("PB");
      imported = true; // the rows are rebuilt again once the sync is quiet
      resyncs += 2;
      sync.engine().resync("PA", ResyncRequest.all(), "operator");
      sync.engine().resync("PB", ResyncRequest.all(), "operator");
      tasks.runAll();
    }

    /**
     * An admin restores one side's site from its backup of the start of a random earlier step
     * (the issues created since are lost, their keys given again); the restore takes minutes;
     * then people make zero to two issues there, which take lost keys.
     */
    void siteRestoreAct() {
      boolean sideA = random.nextBoolean();
      List<Long> moments = sideA ? momentsA : momentsB;
      long backupAt = moments.get(random.nextInt(moments.size()));
      List<String> lost;
      operatorActing = true; // (reading the rows meets no store fault)
      try {
        lost = restores.restore(sideA, sideA ? sync.a() : sync.b(), backupAt,
            sideA ? sync.syncInfoA() : sync.syncInfoB(),
            sideA ? sync.syncInfoB() : sync.syncInfoA(), sideA ? sync.b() : sync.a(),
            sync.stores().syncInfo());
      } finally {
        operatorActing = false;
      }
      siteResets.add(Map.entry(sync.events().events().size(), restores.lastLost()));
      // a person's edits of a lost issue are lost with it, unless the sync had sent them
      edits.forgetLost(sideA, lost, restores::carriedTo);
      Duration took = Duration.ofSeconds(6 + random.nextInt(600));
      trace.add("admin: site " + (sideA ? "PA" : "PB") + " restored from its backup of "
          + backupAt + " in " + took.toSeconds() + " s, lost " + lost + ", pairs "
          + restores.describeLast());
      sync.advance(took);
      for (int creates = random.nextInt(3); creates > 0; creates--) {
        humanOps++;
        createIssue(sideA, String.valueOf(++counter));
      }
    }

    /**
     * Once the sync is quiet after site restores, a person comments on each issue whose row still
     * names a key a restore of the other side lost: its next message meets that key (with no one
     * reusing it, nothing else would).
     */
    void touchLostPartners() {
      restoresTouched = true;
      for (boolean sideA : List.of(true, false)) {
        List<String> keys = restores.partnersToTouch(sideA,
            sideA ? sync.syncInfoA() : sync.syncInfoB(), sideA ? sync.a() : sync.b());
        InMemoryIssueTracker tracker = sideA ? sync.a("alice") : sync.b("bob");
        for (String key : keys) {
          humanOps++;
          trace.add(tracker.user() + " comments on " + key + ", whose row names a lost key");
          tracker.addComment(key, "comment " + (++counter));
        }
      }
    }

    /** Sets one pair's row to ignore the partner's changes, or takes them again. */
    void ignoreAct() {
      Map.Entry<String, SyncInfo> picked = randomRow();
      if (picked == null) {
        return;
      }
      String key = picked.getKey();
      SyncInfo row = picked.getValue();
      boolean ignore = !row.incomingChangesIgnored();
      if (!ignore) {
        sync.advance(Duration.ofMillis(1)); // a row taken again is made anew: a later millisecond
      }
      trace.add("operator: " + key + "'s row of " + row.localIssueKey()
          + (ignore ? " ignores incoming changes" : " takes incoming changes again"));
      sync.engine().setIncomingChangesIgnored(key, row.id(), ignore);
      if (ignore) {
        ignoredBy.add(key);
      }
    }

    /** Takes every pair's changes again (each such pair then exchanges its issues whole). */
    void takeIgnoredAgain() {
      sync.advance(Duration.ofMillis(1)); // rows taken again are made anew: a later millisecond
      for (String key : List.of("PA", "PB")) {
        for (SyncInfo row : key.equals("PA") ? sync.syncInfoA() : sync.syncInfoB()) {
          if (row.incomingChangesIgnored()) {
            sync.engine().setIncomingChangesIgnored(key, row.id(), false);
          }
        }
      }
      trace.add("operator: " + ignoredBy + " take incoming changes again");
      ignoredBy.clear();
    }

    /** Imports rows as exported (a row still waiting for its partner's key cannot be). */
    private void importRows(String connectorKey, List<SyncInfo> rows) {
      List<SyncInfoImport> imported = rows.stream().filter(r -> r.remoteIssueKey() != null)
          .map(r -> new SyncInfoImport(r.localIssueKey(), r.remoteIssueKey(), r.firstSyncDate(),
              r.lastOutgoingChange(), r.lastChangeSeen(), r.outgoingMessageSequenceId(),
              r.lastIncomingChange(), r.incomingMessageSequenceId(), r.incomingChangesIgnored()))
          .toList();
      ImportResult n = sync.engine().importSyncInformation(connectorKey, imported);
      trace.add("operator: imported " + n.imported() + " rows into " + connectorKey
          + (n.unmarked().isEmpty() ? "" : ", not marked: " + n.unmarked()));
    }

    /** A random side's random row (its connector and row), or null when that side has none. */
    private Map.Entry<String, SyncInfo> randomRow() {
      boolean sideA = random.nextBoolean();
      List<SyncInfo> rows = sideA ? sync.syncInfoA() : sync.syncInfoB();
      if (rows.isEmpty()) {
        return null;
      }
      return Map.entry(sideA ? "PA" : "PB", rows.get(random.nextInt(rows.size())));
    }

    /** Starts the engine on other stores, as a new process: cleanly, as after a crash. */
    private void restartOn(org.backbonesync.spi.store.Stores next) {
      storeSwaps.add(sync.events().events().size());
      // rows are ordered by the millisecond they were made: the new store's are made later
      sync.advance(Duration.ofMillis(1));
      boolean was = faults;
      faults = false;
      sync.restartOn(failing(next));
      faults = was;
    }

    private Set<String> keys(SyncInfo row) {
      Set<String> keys = new java.util.HashSet<>();
      keys.add(row.localIssueKey());
      if (row.remoteIssueKey() != null) {
        keys.add(row.remoteIssueKey());
      }
      return keys;
    }

    void retryFailed() {
      for (String key : List.of("PA", "PB")) {
        for (InboxEntry e : sync.engine().failedMessages(key)) {
          sync.engine().retry(key, e.message().messageId());
        }
      }
    }

    /** Runs an engine action; a crash restarts the engine, a tracker error is just logged. */
    void guarded(Runnable action) {
      try {
        action.run();
      } catch (SimulatedCrash crash) {
        trace.add("restart after " + crash.getMessage());
        boolean was = faults;
        faults = false; // the new process starts cleanly; faults resume after it is up
        sync.restart();
        faults = was;
      } catch (RuntimeException e) {
        trace.add("step failed: " + e.getMessage());
      }
    }

    void engineStep() {
      String side = random.nextBoolean() ? "PA" : "PB";
      int what = random.nextInt(webhooks ? 5 : 4);
      if (what == 4) {
        guarded(() -> webhooks(side));
        return;
      }
      switch (what) {
        case 0 -> {
          trace.add("poll " + side);
          guarded(() -> sync.poll(side));
        }
        case 1 -> {
          trace.add("deliver " + side);
          guarded(() -> sync.deliver(side));
        }
        case 2 -> {
          trace.add("apply " + side);
          guarded(() -> sync.apply(side));
        }
        default -> {
          trace.add("run once");
          guarded(sync::step);
        }
      }
    }

    /**
     * The engine takes the webhooks a side's tracker sent so far as change hints (one in ten is
     * lost, one in ten comes twice) and runs the detection they ask for.
     */
    void webhooks(String side) {
      List<InMemoryIssueTracker.Change> sent = webhooksSent.get(side);
      List<InMemoryIssueTracker.Change> now = List.copyOf(sent);
      sent.clear();
      int lost = 0;
      var hints = sync.engine().changeHints(side);
      for (InMemoryIssueTracker.Change change : now) {
        int dice = random.nextInt(10);
        if (dice == 0) {
          lost++;
          continue;
        }
        for (int copy = dice == 1 ? 2 : 1; copy > 0; copy--) {
          if (change.issueKey() == null) {
            hints.somethingChanged();
          } else {
            hints.issuesChanged(List.of(change.issueKey()));
          }
          if (change.formerKey() != null) { // a move names the old key too (only with deletes)
            hints.issuesChanged(List.of(change.formerKey()));
          }
        }
      }
      trace.add("webhooks " + side + ": " + now.size() + " sent, " + lost + " lost");
      sync.engine().detect(side);
    }

    List<TrackedIssue> editable(InMemoryIssueTracker tracker) {
      // people leave an issue marked as having lost its partner alone (so the mark stays)
      return tracker.allIssues().stream()
          .filter(i -> !labels(i.field("labels")).contains("private"))
          .filter(i -> !deletes || !labels(i.field("labels"))
              .contains(org.backbonesync.core.PartnerGone.DEFAULT_LABEL))
          .toList();
    }

    /**
     * A person deletes an issue, or moves it to another project (a key of project PX), or, on
     * B, labels an issue Bob made {@code private}, out of connector B's JQL (recorded as moved to
     * its own key: nothing may be written to it after); on the side opposite to the previous such
     * act (the first on the step's side).
     */
    void goneAct(boolean stepSideA, String n) {
      boolean sideA = gone.isEmpty() ? stepSideA : !gone.get(gone.size() - 1).sideA();
      String user = sideA ? "alice" : "bob";
      InMemoryIssueTracker tracker = sideA ? sync.a(user) : sync.b(user);
      List<TrackedIssue> issues = editable(tracker);
      if (issues.isEmpty()) {
        return;
      }
      TrackedIssue picked = issues.get(random.nextInt(issues.size()));
      String key = picked.key();
      int act = random.nextInt(sideA ? 2 : 3);
      if (act == 2 && picked.originMarker() == null && livePair(key)) {
        trace.add(user + " labels " + key + " private, out of B's JQL");
        tracker.edit(key, "labels", InMemoryIssueTracker.strings("private"));
        gone.add(new Gone(sideA, key, key, tracker.changelog(key).size(),
            comments(tracker, key), files(tracker, key), worklogs(tracker, key)));
        return;
      }
      if (act == 0) {
        trace.add(user + " deletes " + key);
        tracker.delete(key);
        gone.add(new Gone(sideA, key, null, 0, Map.of(), Map.of(), Map.of()));
        return;
      }
      String to = "PX-" + n;
      trace.add(user + " moves " + key + " to another project as " + to);
      tracker.move(key, to);
      // (read as the person: the sync users' calls meet the faults)
      gone.add(new Gone(sideA, key, to, tracker.changelog(to).size(), comments(tracker, to),
          files(tracker, to), worklogs(tracker, to)));
    }

    /** Whether B's issue has a row not unlinked, whose partner no person removed. */
    boolean livePair(String keyB) {
      Set<String> goneA = new java.util.HashSet<>();
      gone.stream().filter(Gone::sideA).forEach(g -> goneA.add(g.key()));
      return sync.syncInfoB().stream().anyMatch(r -> r.localIssueKey().equals(keyB)
          && !r.incomingChangesIgnored() && r.remoteIssueKey() != null
          && !goneA.contains(r.remoteIssueKey()));
    }

    /**
     * The partner issue of a gone one, from either side's rows (null when none was made): the
     * gone side's row names it, or the partner's row names the gone issue.
     */
    String partnerOf(Gone g) {
      List<SyncInfo> own = g.sideA() ? sync.syncInfoA() : sync.syncInfoB();
      List<SyncInfo> other = g.sideA() ? sync.syncInfoB() : sync.syncInfoA();
      return own.stream().filter(r -> r.localIssueKey().equals(g.key())
              && r.remoteIssueKey() != null).map(SyncInfo::remoteIssueKey).findFirst()
          .or(() -> other.stream().filter(r -> g.key().equals(r.remoteIssueKey()))
              .map(SyncInfo::localIssueKey).findFirst())
          .orElse(null);
    }

    /**
     * Once the sync is quiet, a person comments on the partner of each gone issue that is still
     * there: the partner's next message must find the issue gone (without webhooks, or with its
     * webhook lost, nothing else would).
     */
    void touchPartners() {
      touched = true;
      for (Gone g : gone) {
        String partner = partnerOf(g);
        InMemoryIssueTracker other = g.sideA() ? sync.b("bob") : sync.a("alice");
        if (partner == null || other.allIssues().stream().noneMatch(i -> i.key().equals(partner))
            || gone.stream().anyMatch(o -> o.sideA() != g.sideA() && o.key().equals(partner))) {
          continue; // (none there, or a person took it out of the JQL too)
        }
        humanOps++;
        trace.add((g.sideA() ? "bob" : "alice") + " comments on " + partner + ", partner of "
            + g.key() + " (gone)");
        other.addComment(partner, "comment " + (++counter));
      }
    }

    void humanStep() {
      boolean sideA = random.nextBoolean();
      String user = sideA ? "alice" : "bob";
      InMemoryIssueTracker tracker = sideA ? sync.a(user) : sync.b(user);
      List<TrackedIssue> issues = editable(tracker);
      int op = issues.isEmpty() ? 0 : random.nextInt(11);
      humanOps++;
      String n = String.valueOf(++counter);
      if (deletes && op != 0 && random.nextInt(40) == 0) { // (no draw without deletes)
        goneAct(sideA, n);
        return;
      }
      if (worklogs && op != 0 && random.nextInt(5) == 0) { // (no draw without worklogs)
        logWork(tracker, user, issues.get(random.nextInt(issues.size())).key(), n);
        return;
      }
      if (op == 0) {
        createIssue(sideA, n);
        return;
      }
      String key = issues.get(random.nextInt(issues.size())).key();
      switch (op) {
        case 1 -> {
          trace.add(user + " sets summary of " + key);
          JsonNode was = current(sideA, key, "summary");
          tracker.edit(key, "summary", "summary " + n);
          edited(sideA, key, "summary", was);
        }
        case 2 -> {
          List<String> choices = sideA ? PRIORITIES : PRIORITIES.subList(1, 4);
          String p = choices.get(random.nextInt(choices.size()));
          trace.add(user + " sets priority of " + key + " to " + p);
          JsonNode was = current(sideA, key, "priority");
          tracker.edit(key, "priority", p);
          edited(sideA, key, "priority", was);
        }
        case 3 -> {
          List<String> labels = new ArrayList<>();
          for (String w : WORDS) {
            if (random.nextInt(3) == 0) {
              labels.add(w);
            }
          }
          if (labelOrder) { // (no draw without it)
            Collections.shuffle(labels, random);
          }
          trace.add(user + " sets labels of " + key + " to " + labels);
          tracker.edit(key, "labels", InMemoryIssueTracker.strings(labels.toArray(String[]::new)));
        }
        case 4 -> {
          String who = random.nextBoolean() ? "alice" : null;
          trace.add(user + " assigns " + key + " to " + who);
          JsonNode was = current(sideA, key, "assignee");
          tracker.edit(key, "assignee", who);
          edited(sideA, key, "assignee", was);
        }
        case 5 -> {
          List<Transition> ts = tracker.transitions(key);
          Transition t = ts.get(random.nextInt(ts.size()));
          trace.add(user + " moves " + key + " to " + t.toStatus());
          JsonNode was = current(sideA, key, "status");
          tracker.transition(key, t.id(), t.requiredFields().isEmpty() ? Map.of()
              : Map.of("resolution", InMemoryIssueTracker.text("Done")));
          edited(sideA, key, "status", was);
        }
        case 6 -> {
          trace.add(user + " comments on " + key);
          tracker.addComment(key, "comment " + n);
        }
        case 7 -> {
          List<Comment> mine = tracker.comments(key).stream()
              .filter(c -> c.author().equals(user)).toList();
          if (mine.isEmpty()) {
            return;
          }
          Comment c = mine.get(random.nextInt(mine.size()));
          if (random.nextBoolean()) {
            trace.add(user + " edits comment " + c.id() + " of " + key);
            tracker.editComment(key, c.id(), "edited " + n);
          } else {
            trace.add(user + " deletes comment " + c.id() + " of " + key);
            tracker.deleteComment(key, c.id());
          }
        }
        case 8 -> {
          trace.add(user + " attaches file-" + n + " to " + key);
          tracker.upload(key, "file-" + n + ".txt", "text/plain",
              new ByteArrayInputStream(("content " + n).getBytes(StandardCharsets.UTF_8)));
        }
        case 10 -> {
          String other = issues.get(random.nextInt(issues.size())).key();
          if (other.equals(key)) {
            return;
          }
          String type = List.of("Blocks", "Relates").get(random.nextInt(2));
          // with link removals, as Jira refuses a second link of one type between two issues,
          // that one is removed
          Optional<IssueLink> same = !linkRemovals ? Optional.empty()
              : tracker.links(key).stream().filter(l -> l.type().equals(type)
                  && l.outwardIssue().equals(key) && l.inwardIssue().equals(other)).findFirst();
          if (same.isPresent()) {
            trace.add(user + " unlinks " + key + " " + type + " " + other);
            tracker.deleteLink(key, same.get().id());
          } else {
            trace.add(user + " links " + key + " " + type + " " + other);
            tracker.createLink(type, key, other);
          }
        }
        default -> {
          List<Attachment> mine = tracker.attachments(key).stream()
              .filter(a -> a.author().equals(user)).toList();
          if (mine.isEmpty()) {
            return;
          }
          Attachment a = mine.get(random.nextInt(mine.size()));
          trace.add(user + " deletes attachment " + a.filename() + " of " + key);
          tracker.deleteAttachment(a.id());
        }
      }
    }

    /** A person creates an issue (on B, one in four private: out of B's JQL). */
    void createIssue(boolean sideA, String n) {
      String user = sideA ? "alice" : "bob";
      InMemoryIssueTracker tracker = sideA ? sync.a(user) : sync.b(user);
      String key = tracker.create("issue " + n);
      if (!sideA && random.nextInt(4) == 0) {
        tracker.edit(key, "labels", InMemoryIssueTracker.strings("private"));
        trace.add(user + " creates private " + key);
      } else {
        trace.add(user + " creates " + key);
      }
      for (String field : TWO_WAY) { // a new issue's values are its creator's changes
        edited(sideA, key, field, com.fasterxml.jackson.databind.node.MissingNode.getInstance());
      }
    }

    /** A person logs work on an issue, or edits or deletes one of their worklogs. */
    void logWork(InMemoryIssueTracker tracker, String user, String key, String n) {
      List<Worklog> mine = tracker.worklogs(key).stream()
          .filter(w -> w.author().equals(user)).toList();
      int what = mine.isEmpty() ? 0 : random.nextInt(3);
      long started = 1_610_874_000_000L + random.nextInt(1000) * 60_000L;
      long spent = 60L * (1 + random.nextInt(240));
      if (what == 0) {
        trace.add(user + " logs work on " + key);
        tracker.addWorklog(key, started, spent, "work " + n);
        return;
      }
      Worklog w = mine.get(random.nextInt(mine.size()));
      if (what == 1) {
        trace.add(user + " edits worklog " + w.id() + " of " + key);
        tracker.updateWorklog(key, w.id(), started, spent, "edited " + n);
      } else {
        trace.add(user + " deletes worklog " + w.id() + " of " + key);
        tracker.deleteWorklog(key, w.id());
      }
    }

    /** A field's value as the person sees it. */
    JsonNode current(boolean sideA, String key, String field) {
      // read as the person (the sync users' calls meet the faults, and draw from the seed)
      return (sideA ? sync.a("alice") : sync.b("bob")).value(key, field);
    }

    /** Records a person's edit just made, as its tracker holds it, if it changed the value. */
    void edited(boolean sideA, String key, String field, JsonNode was) {
      InMemoryIssueTracker tracker = sideA ? sync.a("alice") : sync.b("bob");
      JsonNode value = tracker.value(key, field);
      if (!value.equals(was)) {
        edits.add(new PersonsEdits.Edit(step, sideA, key, field, value,
            tracker.issue(key).orElseThrow().updated(), value.equals(synced(sideA, key, field)),
            null));
      }
    }

    /** The pair's last synced value of a field (a store read: no tracker call, no fault). */
    JsonNode synced(boolean sideA, String key, String field) {
      return sync.stores().syncInfo().findByLocalKey(sideA ? "PA" : "PB", key)
          .map(row -> sync.stores().syncInfo().syncedValues(row.id()).get("m-" + field))
          .orElse(null);
    }

    /** Ends the faults, fixes the failing cause, and lets the sync go quiet. */
    void settle() {
      faults = false;
      trace.add("settle: faults off");
      if (!handOver) {
        sync.transportAtoB().clearFaults();
        sync.transportBtoA().clearFaults();
      }
      sync.b().addPriority("Blocker");
      List<String> errors = new ArrayList<>();
      for (int round = 0; round < 5; round++) {
        runUntilQuiet();
        if (!ignoredBy.isEmpty()) {
          takeIgnoredAgain();
          continue;
        }
        if ((!rowDeletes.isEmpty() || imported) && !rebuilt) {
          // A deleted row comes back with the next change of its issue (see the README's
          // Delete); an issue nobody changed since stays unpaired until the operator rebuilds
          // the rows, once the sync is quiet. What a store moved by export and import still had
          // to send is sent by the rebuild too.
          rebuilt = true;
          resyncs += 2;
          trace.add("operator: rebuild the sync information of PA and PB");
          sync.engine().resync("PA", ResyncRequest.all(), "operator");
          sync.engine().resync("PB", ResyncRequest.all(), "operator");
          tasks.runAll();
          continue;
        }
        errors.clear();
        for (String key : List.of("PA", "PB")) {
          sync.engine().failedMessages(key).forEach(e -> errors.add(key + " " + e.message()
              .sourceIssueKey() + " #" + e.message().sequenceId() + ": " + e.error()));
        }
        if (errors.isEmpty()) {
          if (deletes && !touched) { // quiet, nothing failing: now touch the gone ones' partners
            touchPartners();
            continue;
          }
          if (restores.any() && !restoresTouched) { // and the issues naming lost keys
            touchLostPartners();
            continue;
          }
          return;
        }
        trace.add("settle: admin retries " + errors);
        retryFailed();
      }
      fail("messages still failing after retries: " + errors);
    }

    /**
     * The conflict rule, checked against a winner known in advance: once the sync is quiet, both
     * sides edit the summary of one pair before any engine step (so neither saw the other's
     * edit), in a random order and a random time apart; the edit with the later tracker timestamp
     * (B's clock is skewed) must win on both sides, A on a tie.
     */
    void finalConflict() {
      List<SyncInfo> rows = sync.syncInfoA();
      if (deletes || siteRestores) { // a live pair: both issues there, linked
        Set<String> inA = keysOf(sync.a().allIssues());
        Set<String> inB = keysOf(sync.b().allIssues());
        rows = rows.stream().filter(r -> !r.incomingChangesIgnored() && r.remoteIssueKey() != null
            && inA.contains(r.localIssueKey()) && inB.contains(r.remoteIssueKey())).toList();
      }
      if (rows.isEmpty()) {
        return;
      }
      SyncInfo row = rows.get(random.nextInt(rows.size()));
      String onA = row.localIssueKey();
      String onB = row.remoteIssueKey();
      boolean aFirst = random.nextBoolean();
      long[] at = new long[2];
      for (int i = 0; i < 2; i++) {
        boolean sideA = aFirst == (i == 0);
        if (i == 1) {
          sync.advance(Duration.ofSeconds(1 + random.nextInt(120)));
        }
        step = steps + i;
        if (sideA) {
          JsonNode was = current(true, onA, "summary");
          sync.a("alice").edit(onA, "summary", "final edit on A");
          at[0] = sync.a().issue(onA).orElseThrow().updated();
          edited(true, onA, "summary", was);
        } else {
          JsonNode was = current(false, onB, "summary");
          sync.b("bob").edit(onB, "summary", "final edit on B");
          at[1] = sync.b().issue(onB).orElseThrow().updated();
          edited(false, onB, "summary", was);
        }
      }
      String winner = at[1] > at[0] ? "final edit on B" : "final edit on A";
      trace.add("final conflict on " + onA + "/" + onB + ": A at " + at[0] + ", B at " + at[1]
          + " (" + (aFirst ? "A" : "B") + " first); expected winner: " + winner);
      settle();
      String valueA = sync.a().value(onA, "summary").asText();
      String valueB = sync.b().value(onB, "summary").asText();
      expect(valueA.equals(winner) && valueB.equals(winner), "conflict rule: expected \""
          + winner + "\" on both sides, " + onA + " has \"" + valueA + "\" and " + onB
          + " has \"" + valueB + "\"");
    }

    void check() {
      List<SyncInfo> allRowsA = sync.syncInfoA();
      List<SyncInfo> allRowsB = sync.syncInfoB();
      // Pairs of which a person deleted or moved an issue: unlinked, and left out of the rest.
      Set<String> outA = new java.util.HashSet<>();
      Set<String> outB = new java.util.HashSet<>();
      if (deletes) {
        checkGone(allRowsA, allRowsB, outA, outB);
      }
      if (siteRestores) { // lost pairs' partners and persons' issues under lost keys
        restores.check(sync.a(), sync.b(), allRowsA, allRowsB, outA, outB);
      }
      List<SyncInfo> rowsA = allRowsA.stream()
          .filter(r -> !outA.contains(r.localIssueKey())).toList();
      List<SyncInfo> rowsB = allRowsB.stream()
          .filter(r -> !outB.contains(r.localIssueKey())).toList();
      List<TrackedIssue> inA = sync.a().allIssues().stream()
          .filter(i -> !outA.contains(i.key())).toList();
      List<TrackedIssue> inB = sync.b().allIssues().stream()
          .filter(i -> !labels(i.field("labels")).contains("private"))
          .filter(i -> !outB.contains(i.key())).toList();
      // Guarantee 2 and 7: every issue has exactly one partner; private issues none.
      expect(rowsA.size() == inA.size() && rowsB.size() == inB.size() && inA.size() == inB.size(),
          "issues and pairs differ: PA has " + inA.size() + " issues and " + rowsA.size()
              + " rows, PB " + inB.size() + " issues and " + rowsB.size() + " rows"
              + (deletes || siteRestores ? " (besides gone and lost pairs: PA " + outA + ", PB "
                  + outB + ")" : "") + unpaired("PA", inA, rowsA) + unpaired("PB", inB, rowsB));
      for (TrackedIssue priv : sync.b().allIssues()) {
        if (labels(priv.field("labels")).contains("private") && !outB.contains(priv.key())) {
          boolean touched = sync.b().changelog(priv.key()).stream()
              .anyMatch(e -> e.author().equals("sync-b"));
          expect(!touched && rowsB.stream().noneMatch(r -> r.localIssueKey().equals(priv.key())),
              "private issue " + priv.key() + " outside the scope was touched or paired");
        }
      }
      Map<String, SyncInfo> byLocalB = new HashMap<>();
      rowsB.forEach(r -> byLocalB.put(r.localIssueKey(), r));
      for (SyncInfo a : rowsA) {
        SyncInfo b = a.remoteIssueKey() == null ? null : byLocalB.get(a.remoteIssueKey());
        expect(b != null && a.localIssueKey().equals(b.remoteIssueKey()),
            "pair " + a.localIssueKey() + " -> " + a.remoteIssueKey() + " is not mutual");
        // no live pair is unlinked (operators take back what they ignored)
        expect(!a.incomingChangesIgnored() && !b.incomingChangesIgnored(), "live pair "
            + a.localIssueKey() + "/" + b.localIssueKey() + " ignores incoming changes: " + a
            + " vs " + b);
        // Sequence ids match the messages applied (nothing lost, nothing applied twice).
        expect(a.outgoingMessageSequenceId() == b.incomingMessageSequenceId()
                && b.outgoingMessageSequenceId() == a.incomingMessageSequenceId(),
            "sequence ids of " + a.localIssueKey() + "/" + b.localIssueKey() + " disagree: " + a
                + " vs " + b);
        // Guarantee 4: every two-way field equal.
        for (String field : List.of("summary", "priority", "labels", "assignee", "status")) {
          JsonNode va = sync.a().value(a.localIssueKey(), field);
          JsonNode vb = sync.b().value(b.localIssueKey(), field);
          expect(va.equals(vb), field + " of " + a.localIssueKey() + " is " + va + " but of "
              + b.localIssueKey() + " is " + vb);
        }
        if (lastEdits) {
          lastEditsSurvive(a.localIssueKey(), b.localIssueKey());
        }
        expect(comments(sync.a(), a.localIssueKey()).equals(comments(sync.b(), b.localIssueKey())),
            "comments of " + a.localIssueKey() + " " + comments(sync.a(), a.localIssueKey())
                + " differ from " + comments(sync.b(), b.localIssueKey()));
        if (worklogs) {
          expect(worklogs(sync.a(), a.localIssueKey())
                  .equals(worklogs(sync.b(), b.localIssueKey())),
              "worklogs of " + a.localIssueKey() + " " + worklogs(sync.a(), a.localIssueKey())
                  + " differ from " + worklogs(sync.b(), b.localIssueKey()));
        }
        Map<String, String> partnerOf = new HashMap<>();
        rowsA.forEach(r -> partnerOf.put(r.localIssueKey(), r.remoteIssueKey()));
        Set<String> linksA = new java.util.TreeSet<>();
        // (links to an issue of a gone pair are left out: its partner may be gone with its links)
        sync.a().links(a.localIssueKey()).stream().filter(l -> !outA.contains(l.outwardIssue())
                && !outA.contains(l.inwardIssue()))
            .forEach(l -> linksA.add(partnerOf.get(l.outwardIssue())
            + " " + l.type() + " " + partnerOf.get(l.inwardIssue())));
        Set<String> linksB = new java.util.TreeSet<>();
        sync.b().links(b.localIssueKey()).stream().filter(l -> !outB.contains(l.outwardIssue())
                && !outB.contains(l.inwardIssue()))
            .forEach(l -> linksB.add(l.outwardIssue() + " "
            + l.type() + " " + l.inwardIssue()));
        expect(linksA.equals(linksB), "links of " + a.localIssueKey() + " " + linksA
            + " differ from those of " + b.localIssueKey() + " " + linksB);
        expect(files(sync.a(), a.localIssueKey()).equals(files(sync.b(), b.localIssueKey())),
            "attachments of " + a.localIssueKey() + " " + files(sync.a(), a.localIssueKey())
                + " differ from " + files(sync.b(), b.localIssueKey()));
      }
      // Guarantee 1: each message applied once, in order.
      // (per row of the sender: a row made again, after an operator deleted it or the store was
      // lost, counts from 1 again; the message id names the row)
      Map<String, Long> lastApplied = new HashMap<>();
      List<Event> all = sync.events().events();
      for (int i = 0; i < all.size(); i++) {
        Event e = all.get(i);
        if (e.type() != Type.APPLIED) {
          continue;
        }
        int position = i;
        String source = e.message().sourceIssueKey();
        // a row deleted or a store lost makes new rows: each pair of rows counts on its own
        long generation = storeSwaps.stream().filter(at -> at <= position).count()
            + rowDeletes.stream().filter(d -> d.getKey() <= position
                && d.getValue().contains(source)).count()
            + siteResets.stream().filter(d -> d.getKey() <= position
                && d.getValue().contains(source)).count();
        String id = e.message().messageId();
        String pair = e.connectorKey() + " " + e.message().sourceIssueKey() + " row "
            + id.substring(0, id.lastIndexOf(':')) + " store " + generation;
        long seq = e.message().sequenceId();
        Long before = lastApplied.put(pair, seq);
        expect(before == null || seq > before, "message " + seq + " of " + pair
            + " applied after " + before);
      }
      // Guarantee 3: no echo loop.
      long messages = sync.events().events(Type.QUEUED).size();
      // an operator's delete or lost store sends the pairs again, and answers to what the
      // partner dropped as applied before
      long bound = 4L * humanOps + 3L * inA.size() + (long) resyncs * inA.size() + 10
          + 4L * operatorActs * inA.size() + 2L * sync.events().events(Type.DUPLICATE).size()
          + 4L * gone.size() + 4L * restores.lostPairs();
      expect(messages <= bound, messages + " messages for " + humanOps + " edits (bound " + bound
          + "): an echo loop");
    }

    /** The issues of a side without a row, and the rows without an issue, when there are. */
    String unpaired(String side, List<TrackedIssue> issues, List<SyncInfo> rows) {
      Set<String> keys = keysOf(issues);
      Set<String> rowKeys = new java.util.TreeSet<>();
      rows.forEach(r -> rowKeys.add(r.localIssueKey()));
      Set<String> noRow = new java.util.TreeSet<>(keys);
      noRow.removeAll(rowKeys);
      rowKeys.removeAll(keys);
      return noRow.isEmpty() && rowKeys.isEmpty() ? "" : "; " + side + " issues without a row "
          + noRow + ", rows without an issue " + rowKeys;
    }

    /**
     * The pairs of issues people deleted or moved away: once settled both rows ignore incoming
     * changes (unless the partner issue was never made), the partner issue is as its connector's
     * onPartnerGone says (when no person deleted or moved it too), and a moved issue was not
     * written by the sync after the move. Collects the keys of such pairs' issues on each side.
     */
    void checkGone(List<SyncInfo> rowsA, List<SyncInfo> rowsB, Set<String> outA,
        Set<String> outB) {
      Set<String> goneKeysA = new java.util.HashSet<>();
      Set<String> goneKeysB = new java.util.HashSet<>();
      gone.forEach(g -> (g.sideA() ? goneKeysA : goneKeysB).add(g.key()));
      outA.addAll(goneKeysA);
      outB.addAll(goneKeysB);
      for (boolean grew = true; grew; ) {
        grew = false;
        for (SyncInfo r : rowsA) {
          if (outA.contains(r.localIssueKey()) && r.remoteIssueKey() != null) {
            grew |= outB.add(r.remoteIssueKey());
          }
          if (r.remoteIssueKey() != null && outB.contains(r.remoteIssueKey())) {
            grew |= outA.add(r.localIssueKey());
          }
        }
        for (SyncInfo r : rowsB) {
          if (outB.contains(r.localIssueKey()) && r.remoteIssueKey() != null) {
            grew |= outA.add(r.remoteIssueKey());
          }
          if (r.remoteIssueKey() != null && outA.contains(r.remoteIssueKey())) {
            grew |= outB.add(r.localIssueKey());
          }
        }
      }
      for (Gone g : gone) {
        List<SyncInfo> own = g.sideA() ? rowsA : rowsB;
        List<SyncInfo> other = g.sideA() ? rowsB : rowsA;
        String what = (g.movedTo() == null ? "deleted "
            : g.movedTo().equals(g.key()) ? "out of the JQL " : "moved ") + g.key();
        if (g.movedTo() != null) {
          InMemoryIssueTracker tracker = g.sideA() ? sync.a() : sync.b();
          expect(tracker.issue(g.movedTo()).isPresent(), what + " to " + g.movedTo()
              + ": it is gone from where it went");
          List<org.backbonesync.spi.tracker.ChangelogEntry> log = tracker.changelog(g.movedTo());
          List<org.backbonesync.spi.tracker.ChangelogEntry> after =
              log.subList(Math.min(g.changelogSize(), log.size()), log.size());
          // (an issue out of the JQL is still an issue of the project: a link the sync makes
          // or removes on a live pair's issue may name it, and Jira logs it on both)
          boolean leftScope = g.movedTo().equals(g.key());
          expect(after.stream().noneMatch(e -> e.author().startsWith("sync-")
                  && !(leftScope && e.items().stream()
                      .allMatch(i -> i.field().equals("issuelinks")))),
              what + " to " + g.movedTo() + ": the sync wrote it after the move: " + after);
          expect(comments(tracker, g.movedTo()).equals(g.comments())
                  && files(tracker, g.movedTo()).equals(g.files())
                  && worklogs(tracker, g.movedTo()).equals(g.worklogs()),
              what + " to " + g.movedTo() + ": its comments, attachments or worklogs changed"
                  + " after the move");
        }
        Optional<SyncInfo> row = own.stream().filter(r -> r.localIssueKey().equals(g.key()))
            .findFirst();
        String partner = row.map(SyncInfo::remoteIssueKey).orElse(null);
        if (partner == null) {
          partner = other.stream().filter(r -> g.key().equals(r.remoteIssueKey()))
              .map(SyncInfo::localIssueKey).findFirst().orElse(null);
        }
        if (partner == null) {
          continue; // the partner issue was never made
        }
        String p = partner;
        if ((g.sideA() ? goneKeysB : goneKeysA).contains(partner)) {
          continue; // a person deleted or moved the partner too: no one is left to tell
        }
        Optional<SyncInfo> partnerRow = other.stream()
            .filter(r -> r.localIssueKey().equals(p)).findFirst();
        expect(row.isPresent() && row.get().incomingChangesIgnored(), what + " (partner "
            + partner + "): its row is not unlinked: " + row.orElse(null));
        expect(partnerRow.isPresent() && partnerRow.get().incomingChangesIgnored()
                && g.key().equals(partnerRow.get().remoteIssueKey()), what + ": the partner "
            + partner + "'s row is not unlinked: " + partnerRow.orElse(null));
        org.backbonesync.core.PartnerGone rule = g.sideA() ? goneB : goneA;
        // (a deletion its tracker cannot confirm is only "not found", as a hidden issue)
        boolean notFound = g.movedTo() == null && (g.sideA() ? unconfirmedA : unconfirmedB);
        if ((g.movedTo() != null || notFound)
            && rule.action() == org.backbonesync.core.PartnerGone.Action.DELETE) {
          rule = org.backbonesync.core.PartnerGone.mark(); // a move is marked, never deleted
        }
        InMemoryIssueTracker tracker = g.sideA() ? sync.b() : sync.a();
        boolean there = tracker.allIssues().stream().anyMatch(i -> i.key().equals(p));
        switch (rule.action()) {
          case LEAVE -> expect(there, what + ": the partner " + partner
              + " should be left, but is gone");
          case DELETE -> expect(tracker.issue(partner).isEmpty(), what + ": the partner "
              + partner + " should be deleted, but is there");
          case MARK -> {
            expect(there, what + ": the partner " + partner + " should be marked, but is gone");
            long label = 0;
            for (JsonNode l : tracker.value(partner, "labels")) {
              label += l.asText().equals(rule.label()) ? 1 : 0;
            }
            String said = "The synced partner issue " + g.key() + " was "
                + (notFound ? "not found (deleted, or hidden from the sync user)"
                    : g.movedTo() == null ? "deleted" : g.movedTo().equals(g.key())
                    ? "taken out of the synchronization" : "moved");
            long marks = tracker.comments(partner).stream()
                .filter(c -> c.body().startsWith(said)).count();
            expect(label == 1 && marks == 1, what + ": the partner " + partner + " should have"
                + " the label once and the comment \"" + said + "...\" once, has labels "
                + tracker.value(partner, "labels") + " and comments "
                + comments(tracker, partner));
          }
          default -> throw new IllegalStateException(rule.action().name());
        }
      }
    }

    /** No person's change is lost on the pair ({@link PersonsEdits#lostChange}). */
    void lastEditsSurvive(String onA, String onB) {
      for (String field : TWO_WAY) {
        edits.lostChange(onA, onB, field, sync.a().value(onA, field), resyncSteps)
            .ifPresent(lost -> expect(false, lost));
      }
    }

    void expect(boolean condition, String what) {
      if (!condition) {
        throw new AssertionError(what);
      }
    }
  }

  /** The two-way fields whose last edit the checker follows (labels merge instead). */
  private static final List<String> TWO_WAY = List.of("summary", "priority", "assignee",
      "status");

  private static Set<String> keysOf(List<TrackedIssue> issues) {
    Set<String> keys = new java.util.HashSet<>();
    issues.forEach(i -> keys.add(i.key()));
    return keys;
  }

  private static Set<String> labels(JsonNode value) {
    Set<String> labels = new java.util.HashSet<>();
    value.forEach(v -> labels.add(v.asText()));
    return labels;
  }

  private static Map<String, Integer> comments(InMemoryIssueTracker tracker, String key) {
    Map<String, Integer> bodies = new TreeMap<>();
    tracker.comments(key).forEach(c -> bodies.merge(c.body(), 1, Integer::sum));
    return bodies;
  }

  /** What people see of an issue's worklogs: started, time spent and comment, each counted. */
  private static Map<String, Integer> worklogs(InMemoryIssueTracker tracker, String key) {
    Map<String, Integer> seen = new TreeMap<>();
    tracker.storedWorklogs(key).forEach(w -> seen.merge(w.started() + " " + w.timeSpentSeconds()
        + " " + w.comment(), 1, Integer::sum));
    return seen;
  }

  private static Map<String, Integer> files(InMemoryIssueTracker tracker, String key) {
    Map<String, Integer> files = new TreeMap<>();
    for (Attachment a : tracker.attachments(key)) {
      try (InputStream in = tracker.download(a.id())) {
        files.merge(a.filename() + " " + Hashes.sha256(in), 1, Integer::sum);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return files;
  }
}
