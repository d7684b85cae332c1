package org.backbonesync.jira;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.core.ResyncRequest;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.core.SyncListener;
import org.backbonesync.memory.InMemoryStores;
import org.backbonesync.spi.store.AsyncTask;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The first sync of a project of {@code issues} issues (summary, description, priority) to an
 * empty one, between two fake Jira Cloud sites reached through the adapter over HTTP, each
 * enforcing Jira Cloud's three limits ({@link #BURST} requests per second per endpoint and
 * method, {@link #ISSUE_WRITES} writes per second per issue, a quota of {@link #QUOTA} requests
 * an hour), with the adapter pacing below them. The first sync is the resync of A that an
 * operator starts on a new synchronization (its task reports progress page by page), then
 * deliveries and applies until every issue exists on B and B's answers are applied on A.
 *
 * <p>One timed shot per iteration (a new pair of sites each time). Counters per iteration,
 * from the fake servers' request logs: search pages read from A per 100 issues (target 1), the
 * count searches and B's origin marker searches per 100 issues, creates per
 * issue (target 1), updates per issue (target at most 1), and all requests per issue to each
 * site; the resync's progress at the end (percent of the count it showed progress against) and
 * its pages; requests refused 429 by the limits. Each iteration prints the requests by kind.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class BulkFirstSyncBenchmark {
  static final int BURST = 100;
  static final int ISSUE_WRITES = 10;
  static final int QUOTA = 200_000;

  @Param({"10000"})
  public int issues;

  private final List<FakeJiraServer> sites = new ArrayList<>();
  private InMemoryIssueTracker pa;
  private InMemoryIssueTracker pb;
  private SyncEngine engine;
  private long pages;
  private long done;
  private long total;

  /** What the iteration's first sync cost, reported by JMH next to its time. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Cost {
    /** Search pages read from A per 100 issues (target 1). */
    public double searchPagesPer100;
    /** Other searches on A per 100 issues (the count the progress is shown against). */
    public double countsPer100;
    /** Searches on B per 100 issues (for issues already there, by origin marker). */
    public double markerSearchesPer100;
    /** Creates on B per issue (target 1). */
    public double createsPerIssue;
    /** Issue updates on B per issue (target at most 1). */
    public double updatesPerIssue;
    /** Every request to B per issue. */
    public double requestsToBPerIssue;
    /** Every request to A per issue. */
    public double requestsToAPerIssue;
    /** The resync task's progress at the end, percent. */
    public double progressPercent;
    /** Requests refused 429 by the sites' limits. */
    public double refused;
  }

  @Setup(Level.Iteration)
  public void sites() {
    Clock clock = Clock.systemUTC();
    pa = InMemoryIssueTracker.builder("PA").clock(clock).syncUser("sync-a").users("alice")
        .recordCalls(false).changelogLimit(8).build();
    pb = InMemoryIssueTracker.builder("PB").clock(clock).syncUser("sync-b").users("bob")
        .recordCalls(false).changelogLimit(8).build();
    for (int i = 1; i <= issues; i++) {
      String key = pa.as("alice").create("Issue " + i + " of a large project");
      pa.as("alice").edit(key, "description", "What issue " + i + " is about, at some length.");
      pa.as("alice").edit(key, "priority", i % 2 == 0 ? "High" : "Low");
    }
    IssueTracker a = site(pa);
    IssueTracker b = site(pb);
    pages = 0;
    done = 0;
    total = 0;
    engine = SyncEngine.builder()
        .configuration(SyncConfiguration.builder("bulk")
            .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
            .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
            .fieldMapping(FieldMapping.passthrough("m-summary", "summary", Direction.BOTH))
            .fieldMapping(FieldMapping.passthrough("m-description", "description",
                Direction.BOTH))
            .fieldMapping(FieldMapping.passthrough("m-priority", "priority", Direction.BOTH))
            .build())
        .tracker("PA", a).tracker("PB", b)
        .stores(new InMemoryStores()).clock(clock)
        .taskExecutor(Runnable::run) // the resync runs on the benchmark's thread
        .pollPageSize(100)
        .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
        .listener(new SyncListener() {
          @Override
          public void resyncPage(String connectorKey, String taskId, long issuesDone,
              long issuesTotal) {
            pages++;
            done = issuesDone;
            total = issuesTotal;
          }
        })
        .fieldMappingRegistry(FieldMappingRegistry.builtIns())
        .build();
    sites.forEach(FakeJiraServer::clearRequests);
  }

  private IssueTracker site(InMemoryIssueTracker project) {
    FakeJiraServer server = FakeJiraServer.builder(project)
        .flavour(FakeJiraServer.Flavour.CLOUD)
        .credential(project.user(), "secret")
        .burstLimit(BURST, Duration.ofSeconds(1))
        .issueWriteLimit(ISSUE_WRITES, Duration.ofSeconds(1))
        .quota(QUOTA, Duration.ofHours(1))
        .start();
    sites.add(server);
    return JiraSite.builder(server.url())
        .flavour(JiraFlavour.CLOUD)
        .credentials(JiraCredentials.apiToken(project.user() + "@example.com", "secret"))
        .requestsPerSecond(0) // the endpoint and issue budgets pace it
        .endpointRequestsPerSecond(BURST * 0.75, BURST / 5) // at most BURST in any second
        .issueWritesPerSecond(ISSUE_WRITES * 0.5, ISSUE_WRITES)
        .build().project(project.projectKey());
  }

  @Benchmark
  public long firstSync(Cost cost) {
    AsyncTask task = engine.resync("PA", ResyncRequest.all(), "admin");
    long quiet = 0;
    while (quiet < 3) {
      int work = engine.deliver("PA") + engine.apply("PB").size() + engine.deliver("PB")
          + engine.apply("PA").size();
      if (work > 0) {
        quiet = 0;
      } else if (pb.allIssues().size() >= issues) {
        quiet++;
      } else {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a backoff after a 429
      }
    }
    FakeJiraServer a = sites.get(sites.size() - 2);
    FakeJiraServer b = sites.get(sites.size() - 1);
    List<FakeJiraServer.Request> toA = a.requests();
    List<FakeJiraServer.Request> toB = b.requests();
    long pagesRead = toA.stream().filter(r -> r.method().equals("GET")
        && r.path().contains("/search")).count();
    long counts = toA.stream().filter(r -> r.path().contains("/search")).count() - pagesRead;
    long markerSearches = toB.stream().filter(r -> r.path().contains("/search")).count();
    long creates = toB.stream().filter(r -> r.method().equals("POST")
        && r.path().matches(".*/rest/api/\\d+/issue/?")).count();
    long updates = toB.stream().filter(r -> r.method().equals("PUT")
        && r.path().matches(".*/rest/api/\\d+/issue/[A-Z]+-\\d+/?")).count();
    cost.searchPagesPer100 = pagesRead * 100.0 / issues;
    cost.countsPer100 = counts * 100.0 / issues;
    cost.markerSearchesPer100 = markerSearches * 100.0 / issues;
    cost.createsPerIssue = creates / (double) issues;
    cost.updatesPerIssue = updates / (double) issues;
    cost.requestsToAPerIssue = toA.size() / (double) issues;
    cost.requestsToBPerIssue = toB.size() / (double) issues;
    AsyncTask end = engine.task(task.id()).orElseThrow();
    cost.progressPercent = end.progress();
    cost.refused = a.rateLimited() + b.rateLimited();
    System.out.printf(Locale.ROOT, "%nfirst sync of %,d issues: %s (%d %%, %d pages; last page"
        + " event %,d of %,d); %,d issues on B; refused 429: %d%n", issues, end.message(),
        end.progress(), pages, done, total, pb.allIssues().size(), a.rateLimited()
        + b.rateLimited());
    System.out.println("requests to A by kind: " + byKind(toA));
    System.out.println("requests to B by kind: " + byKind(toB));
    return pb.allIssues().size();
  }

  /** Requests by method and path, issue keys and ids made {key}, counted. */
  private static java.util.Map<String, Long> byKind(List<FakeJiraServer.Request> requests) {
    java.util.Map<String, Long> kinds = new java.util.TreeMap<>();
    for (FakeJiraServer.Request r : requests) {
      String path = r.path().replaceAll("[A-Z]+-\\d+", "{key}").replaceAll("/\\d+", "/{id}");
      kinds.merge(r.method() + " " + path, 1L, Long::sum);
    }
    return kinds;
  }

  @TearDown(Level.Iteration)
  public void close() {
    engine.close();
    sites.forEach(FakeJiraServer::close);
    sites.clear();
  }
}
