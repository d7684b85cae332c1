package org.backbonesync.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.backbonesync.core.ConfigurationException;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncConfigurationJson;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.core.SyncListener;
import org.backbonesync.jdbc.JdbcStores;
import org.backbonesync.jira.JiraCredentials;
import org.backbonesync.jira.JiraFlavour;
import org.backbonesync.jira.JiraSite;
import org.backbonesync.spi.message.SyncMessage;
import org.backbonesync.spi.store.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs two real Jira sites from a JSON file: the sync configuration, where each site is and how
 * to sign in, with the secrets read from environment variables named in the file, and sync
 * information and queues kept in H2 files. Logs what it does: issues polled, messages queued,
 * sent, applied and failed.
 *
 * <pre>
 * java -cp ... org.backbonesync.examples.JiraSyncRunner sync.json          # runs until stopped
 * java -cp ... org.backbonesync.examples.JiraSyncRunner sync.json --once   # until nothing to do
 * </pre>
 *
 * <p>The file (see {@code examples/jira-sync.example.json}):
 *
 * <pre>
 * {
 *   "sync": { ...the sync configuration: id, connectorA, connectorB, fieldMappings... },
 *   "sites": {
 *     "A": {"url": "https://a.atlassian.net", "auth": "apiToken",
 *           "emailEnv": "JIRA_A_EMAIL", "tokenEnv": "JIRA_A_TOKEN", "requestsPerSecond": 5},
 *     "B": {"url": "https://jira.b.example", "auth": "personalAccessToken",
 *           "tokenEnv": "JIRA_B_TOKEN"}
 *   },
 *   "store": {"directory": "backbone-data"},
 *   "pollInterval": "PT30S"
 * }
 * </pre>
 *
 * <p>{@code auth} is {@code apiToken} (Cloud: emailEnv, tokenEnv), {@code personalAccessToken}
 * (Data Center: tokenEnv) or {@code password} (legacy Server: userEnv, passwordEnv). {@code
 * flavour} ({@code cloud} or {@code server}) is detected when left out. When both sites are the
 * same URL they share one request budget.
 */
public final class JiraSyncRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JiraSyncRunner.class);
  private static final Set<String> ROOT = Set.of("sync", "sites", "store", "pollInterval");
  private static final Set<String> SITE = Set.of("url", "flavour", "auth", "emailEnv",
      "tokenEnv", "userEnv", "passwordEnv", "requestsPerSecond");
  private static final int MAX_ROUNDS = 200;

  private JiraSyncRunner() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2 || args.length == 2 && !args[1].equals("--once")) {
      System.err.println("usage: JiraSyncRunner <config.json> [--once]");
      System.exit(2);
    }
    try {
      Summary summary = run(Path.of(args[0]), System.getenv(), args.length == 2, System.out);
      System.exit(summary.failed() == 0 ? 0 : 1);
    } catch (ConfigurationException e) {
      System.err.println("configuration " + args[0] + " is not valid:");
      e.problems().forEach(p -> System.err.println("  " + p.path() + ": " + p.message()));
      System.exit(2);
    }
  }

  /** What a run did, summed over both connectors. */
  public record Summary(long polled, long queued, long sent, long applied, long created,
      long failed) {
    @Override
    public String toString() {
      return "polled " + polled + " issues, queued " + queued + " messages, sent " + sent
          + ", applied " + applied + " (" + created + " created), failed " + failed;
    }
  }

  /**
   * Runs the sync of a configuration file: until nothing is left to do when {@code once}, else
   * until the process stops.
   *
   * @param environment where the secrets are read (the process environment in {@link #main})
   * @throws ConfigurationException naming every problem of the file with its JSON path
   */
  public static Summary run(Path configFile, Map<String, String> environment, boolean once,
      PrintStream out) throws IOException, InterruptedException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(configFile));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw problem("$", "not valid JSON: " + e.getOriginalMessage());
    }
    List<ConfigurationProblem> problems = new ArrayList<>();
    if (root == null || !root.isObject()) {
      throw problem("$", "must be a JSON object");
    }
    root.fieldNames().forEachRemaining(k -> {
      if (!ROOT.contains(k)) {
        problems.add(new ConfigurationProblem("$." + k, "unknown key; known: " + new TreeSet<>(ROOT)));
      }
    });
    FieldMappingRegistry registry = FieldMappingRegistry.discover(
        Thread.currentThread().getContextClassLoader());
    SyncConfiguration configuration = null;
    if (!root.path("sync").isObject()) {
      problems.add(new ConfigurationProblem("$.sync", "must be the sync configuration object"));
    } else {
      try {
        configuration = new SyncConfigurationJson(registry).read(root.path("sync").toString());
      } catch (ConfigurationException e) {
        e.problems().forEach(p -> problems.add(new ConfigurationProblem(
            "$.sync" + p.path().substring(1), p.message())));
      }
    }
    JiraSite siteA = site("$.sites.A", root.path("sites").path("A"), environment, problems, null);
    JiraSite siteB = site("$.sites.B", root.path("sites").path("B"), environment, problems,
        siteA != null && root.path("sites").path("A").path("url").equals(
            root.path("sites").path("B").path("url")) ? siteA : null);
    Duration pollInterval = Duration.ofSeconds(30);
    if (root.has("pollInterval")) {
      try {
        pollInterval = Duration.parse(root.path("pollInterval").asText());
      } catch (DateTimeParseException e) {
        problems.add(new ConfigurationProblem("$.pollInterval", "not an ISO-8601 duration (e.g."
            + " PT30S): \"" + root.path("pollInterval").asText() + "\""));
      }
    }
    String directory = root.path("store").path("directory").asText("backbone-data");
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    // The sync user must be who the credentials are: its changes are not sent back.
    checkSyncUser("$.sync.connectorA.syncUser", configuration.connectorA().syncUser(), siteA,
        problems);
    checkSyncUser("$.sync.connectorB.syncUser", configuration.connectorB().syncUser(), siteB,
        problems);
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }

    Progress progress = new Progress();
    Stores stores = JdbcStores.inDirectory(configFile.toAbsolutePath().getParent()
        .resolve(directory));
    String keyA = configuration.connectorA().key();
    String keyB = configuration.connectorB().key();
    SyncEngine engine = SyncEngine.builder()
        .configuration(configuration)
        .tracker(keyA, siteA.project(configuration.connectorA().projectKey()))
        .tracker(keyB, siteB.project(configuration.connectorB().projectKey()))
        .stores(stores)
        .fieldMappingRegistry(registry)
        .pollInterval(pollInterval)
        .listener(progress)
        .build();
    out.println("syncing " + configuration.connectorA().projectKey() + " on " + siteA + " with "
        + configuration.connectorB().projectKey() + " on " + siteB);
    try {
      if (once) {
        for (int round = 1; round <= MAX_ROUNDS; round++) {
          long before = progress.activity();
          engine.runOnce();
          out.println("round " + round + ": " + progress.summary());
          if (progress.activity() == before) {
            break;
          }
        }
      } else {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "backbone-stop"));
        engine.start();
        while (!stopped.await(pollInterval.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
          out.println(progress.summary());
        }
      }
      for (String key : List.of(keyA, keyB)) {
        engine.failedMessages(key).forEach(e -> out.println("  waiting on " + key + ": "
            + e.message().sourceIssueKey() + " #" + e.message().sequenceId() + ": "
            + e.error()));
      }
    } finally {
      engine.close();
    }
    Summary summary = progress.summary();
    out.println("done: " + summary);
    return summary;
  }

  private static void checkSyncUser(String path, String configured, JiraSite site,
      List<ConfigurationProblem> problems) {
    String actual = site.signedInUser();
    if (!configured.equals(actual)) {
      problems.add(new ConfigurationProblem(path, "is \"" + configured + "\" but the credentials"
          + " of " + site + " sign in as \"" + actual + "\""));
    }
  }

  private static ConfigurationException problem(String path, String message) {
    return new ConfigurationException(List.of(new ConfigurationProblem(path, message)));
  }

  private static JiraSite site(String path, JsonNode site, Map<String, String> env,
      List<ConfigurationProblem> problems, JiraSite same) {
    if (!site.isObject()) {
      problems.add(new ConfigurationProblem(path, "missing: {\"url\": ..., \"auth\": ...}"));
      return null;
    }
    site.fieldNames().forEachRemaining(k -> {
      if (!SITE.contains(k)) {
        problems.add(new ConfigurationProblem(path + "." + k, "unknown key; known: "
            + new TreeSet<>(SITE)));
      }
    });
    if (same != null) {
      return same;
    }
    int before = problems.size();
    URI url = null;
    try {
      url = URI.create(site.path("url").asText(""));
      if (url.getScheme() == null || url.getHost() == null) {
        problems.add(new ConfigurationProblem(path + ".url", "not an http(s) URL: \""
            + site.path("url").asText("") + "\""));
      }
    } catch (IllegalArgumentException e) {
      problems.add(new ConfigurationProblem(path + ".url", "not a URL: \""
          + site.path("url").asText("") + "\""));
    }
    String auth = site.path("auth").asText("");
    JiraCredentials credentials = switch (auth) {
      case "apiToken" -> {
        String email = secret(path, "emailEnv", site, env, problems);
        String token = secret(path, "tokenEnv", site, env, problems);
        yield email == null || token == null ? null : JiraCredentials.apiToken(email, token);
      }
      case "personalAccessToken" -> {
        String token = secret(path, "tokenEnv", site, env, problems);
        yield token == null ? null : JiraCredentials.personalAccessToken(token);
      }
      case "password" -> {
        String user = secret(path, "userEnv", site, env, problems);
        String password = secret(path, "passwordEnv", site, env, problems);
        yield user == null || password == null ? null : JiraCredentials.password(user, password);
      }
      default -> {
        problems.add(new ConfigurationProblem(path + ".auth", "must be apiToken,"
            + " personalAccessToken or password, was \"" + auth + "\""));
        yield null;
      }
    };
    JiraFlavour flavour = null;
    if (site.has("flavour")) {
      switch (site.path("flavour").asText().toLowerCase(Locale.ROOT)) {
        case "cloud" -> flavour = JiraFlavour.CLOUD;
        case "server", "datacenter", "data center" -> flavour = JiraFlavour.SERVER;
        default -> problems.add(new ConfigurationProblem(path + ".flavour",
            "must be cloud or server, was \"" + site.path("flavour").asText() + "\""));
      }
    }
    double perSecond = site.path("requestsPerSecond").asDouble(10);
    if (site.has("requestsPerSecond") && (!site.path("requestsPerSecond").isNumber()
        || perSecond < 0)) {
      problems.add(new ConfigurationProblem(path + ".requestsPerSecond",
          "must be a number, 0 for no limit, was " + site.path("requestsPerSecond")));
    }
    if (problems.size() > before) {
      return null;
    }
    JiraSite.Builder b = JiraSite.builder(url).credentials(credentials)
        .requestsPerSecond(perSecond);
    if (flavour != null) {
      b.flavour(flavour);
    }
    return b.build();
  }

  /** A secret from the environment variable the file names; never the value in a message. */
  private static String secret(String path, String key, JsonNode site, Map<String, String> env,
      List<ConfigurationProblem> problems) {
    String variable = site.path(key).asText("");
    if (variable.isEmpty()) {
      problems.add(new ConfigurationProblem(path + "." + key,
          "missing: the name of the environment variable that holds it"));
      return null;
    }
    String value = env.get(variable);
    if (value == null || value.isBlank()) {
      problems.add(new ConfigurationProblem(path + "." + key, "environment variable "
          + variable + " is not set"));
      return null;
    }
    return value;
  }

  /** Counts what the engine does and logs each step worth seeing. */
  private static final class Progress implements SyncListener {
    private final AtomicLong polled = new AtomicLong();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    long activity() {
      return queued.get() + sent.get() + applied.get() + failed.get();
    }

    Summary summary() {
      return new Summary(polled.get(), queued.get(), sent.get(), applied.get(), created.get(),
          failed.get());
    }

    @Override
    public void polled(String key, int found, int built) {
      polled.addAndGet(found);
      if (found > 0) {
        LOG.info("{}: polled {} changed issues, {} messages queued", key, found, built);
      }
    }

    @Override
    public void queued(String key, SyncMessage m) {
      queued.incrementAndGet();
    }

    @Override
    public void sent(String key, SyncMessage m) {
      sent.incrementAndGet();
    }

    @Override
    public void applied(String key, SyncMessage m, String localKey, boolean wasCreated) {
      applied.incrementAndGet();
      if (wasCreated) {
        created.incrementAndGet();
      }
      LOG.info("{}: applied {} #{} {} {}", key, m.sourceIssueKey(), m.sequenceId(),
          wasCreated ? "by creating" : "to", localKey);
    }

    @Override
    public void failed(String key, SyncMessage m, String error, boolean permanent) {
      failed.incrementAndGet();
      LOG.warn("{}: {} #{} failed{}: {}", key, m.sourceIssueKey(), m.sequenceId(),
          permanent ? " (waits for an admin)" : " (will be retried)", error);
    }
  }
}
