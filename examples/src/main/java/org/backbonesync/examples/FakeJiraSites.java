package org.backbonesync.examples;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.backbonesync.testkit.FakeJiraServer;
import org.backbonesync.testkit.InMemoryIssueTracker;

/**
 * Two fake Jira sites on this machine, to try the sync service without Jira: a Cloud site with
 * project PA (people: alice) and a Server site with project PB (people: bob), each with its sync
 * user and a token made up at start. Writes a service configuration for them and prints what to
 * export and run, and how alice and bob sign in to the sites' REST APIs (a token each, made up
 * at start, as the sync users'); then each line typed creates an issue ({@code PA Printer on
 * fire}) or shows one ({@code show PB-1}), until the input ends. Labels are on both projects'
 * create screens, as on Jira's default one.
 *
 * <p>Run: {@code mvn -q -pl examples -am compile exec:java
 * -Dexec.mainClass=org.backbonesync.examples.FakeJiraSites -Dexec.args=sync.fake.json}; a second
 * argument is the port the service's configuration gets (default 8080), for a machine where
 * another process has that one: {@code -Dexec.args="sync.fake.json 8081"}.
 */
public final class FakeJiraSites implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final InMemoryIssueTracker projectA;
  private final InMemoryIssueTracker projectB;
  private final FakeJiraServer cloud;
  private final FakeJiraServer server;
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final Map<String, String> logins = new LinkedHashMap<>();

  private FakeJiraSites() {
    projectA = InMemoryIssueTracker.builder("PA").clock(Clock.systemUTC()).syncUser("sync-a")
        .users("alice").onCreateScreen("labels").build();
    projectB = InMemoryIssueTracker.builder("PB").clock(Clock.systemUTC()).syncUser("sync-b")
        .users("bob").onCreateScreen("labels").build();
    String tokenA = token();
    String tokenB = token();
    String alice = token();
    String bob = token();
    cloud = FakeJiraServer.builder(projectA).flavour(FakeJiraServer.Flavour.CLOUD)
        .credential("sync-a", tokenA).credential("alice", alice).start();
    server = FakeJiraServer.builder(projectB).flavour(FakeJiraServer.Flavour.SERVER)
        .credential("sync-b", tokenB).credential("bob", bob).start();
    logins.put("alice", "curl -u alice@example.com:" + alice + " " + cloud.url()
        + "/rest/api/3/myself");
    logins.put("bob", "curl -H 'Authorization: Bearer " + bob + "' " + server.url()
        + "/rest/api/2/myself");
    environment.put("JIRA_A_EMAIL", "sync-a@example.com");
    environment.put("JIRA_A_TOKEN", tokenA);
    environment.put("JIRA_B_TOKEN", tokenB);
    environment.put("BACKBONE_ADMIN_TOKEN", token());
  }

  /** Starts both sites, each on a free port of 127.0.0.1. */
  public static FakeJiraSites start() {
    return new FakeJiraSites();
  }

  private static String token() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The variables the configuration names, with their values (the tokens are this run's). */
  public Map<String, String> environment() {
    return Collections.unmodifiableMap(environment); // (in the order the exports print)
  }

  /**
   * How each person signs in to the REST API of the site of their project, by name (alice on
   * the Cloud site with her e-mail address and an API token, bob on the Server site with a
   * personal access token): a {@code curl} command that reads who signed in.
   */
  public Map<String, String> logins() {
    return Collections.unmodifiableMap(logins);
  }

  /** Project PA on the Cloud site, as alice sees and changes it (not as its sync user). */
  public InMemoryIssueTracker projectA() {
    return projectA.as("alice");
  }

  /** Project PB on the Server site, as bob sees and changes it (not as its sync user). */
  public InMemoryIssueTracker projectB() {
    return projectB.as("bob");
  }

  /**
   * A service configuration syncing PA and PB both ways (summary, description, labels, comments),
   * with an H2 store in {@code storeDirectory} and the admin API on {@code port} of 127.0.0.1.
   * The sites speak plain HTTP, so each allows it ({@code allowInsecure}): never on a real site.
   */
  public String configuration(Path storeDirectory, int port) {
    return """
        {
          "sites": {
            "cloud": {"url": "%s", "flavour": "cloud", "auth": "apiToken",
                      "emailEnv": "JIRA_A_EMAIL", "tokenEnv": "JIRA_A_TOKEN",
                      "allowInsecure": true},
            "server": {"url": "%s", "flavour": "server", "auth": "personalAccessToken",
                       "tokenEnv": "JIRA_B_TOKEN", "allowInsecure": true}
          },
          "synchronizations": [{
            "siteA": "cloud", "siteB": "server",
            "sync": {
              "id": "pa-pb",
              "connectorA": {"key": "PA", "projectKey": "PA", "syncUser": "sync-a"},
              "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "sync-b"},
              "fieldMappings": [
                {"id": "summary", "type": "passthrough", "direction": "BOTH",
                 "fieldA": "summary", "fieldB": "summary"},
                {"id": "description", "type": "passthrough", "direction": "BOTH",
                 "fieldA": "description", "fieldB": "description"},
                {"id": "labels", "type": "passthrough", "direction": "BOTH",
                 "fieldA": "labels", "fieldB": "labels"},
                {"id": "comments", "type": "comments", "direction": "BOTH",
                 "fieldA": "comment", "fieldB": "comment"}
              ]
            }
          }],
          "store": {"directory": "%s"},
          "server": {"port": %d, "bindAddress": "127.0.0.1",
                     "adminTokenEnv": "BACKBONE_ADMIN_TOKEN"},
          "pollInterval": "PT5S"
        }
        """.formatted(cloud.url(), server.url(), json(storeDirectory.toString()), port);
  }

  private static String json(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  @Override
  public void close() {
    cloud.close();
    server.close();
  }

  /** Starts the sites, writes the configuration to the file named, reads commands. */
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args.length > 0 ? args[0] : "sync.fake.json");
    int port = servicePort(args);
    try (FakeJiraSites sites = start()) {
      // A store of their own: the sites start empty, and in a store kept from an earlier start
      // their new issues' keys are paired already (PA-1 with PB-1): the engine would take the
      // new issues for other issues than the ones paired and sync none of them.
      Path store = Path.of("backbone-fake-data", "started-" + System.currentTimeMillis());
      Files.writeString(file, sites.configuration(store, port));
      System.out.println("Wrote " + file + " for two fake sites, with the store " + store
          + " (a new one each start: the sites start empty). In another shell:");
      sites.environment().forEach((k, v) -> System.out.println("  export " + k + "=" + v));
      System.out.println("  java -jar backbone-service/target/backbone-service.jar --config "
          + file);
      System.out.println("People sign in to the sites' REST APIs as follows (tokens of this"
          + " run), to create and change issues as a person would:");
      sites.logins().forEach((k, v) -> System.out.println("  " + k + ": " + v));
      System.out.println("Then type \"PA <summary>\" or \"PB <summary>\" to create an issue,"
          + " \"show <key>\" to see one; end with Ctrl-D.");
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        System.out.println(sites.command(line.strip()));
      }
    }
  }

  /**
   * The service's port from the second argument, 8080 without one.
   *
   * @throws IllegalArgumentException naming the argument when it is no port number
   */
  static int servicePort(String[] args) {
    if (args.length < 2) {
      return 8080;
    }
    try {
      int port = Integer.parseInt(args[1]);
      if (port >= 1 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException("the service's port (the second argument) must be a"
        + " number from 1 to 65535, was \"" + args[1] + "\"");
  }

  /** One typed command's answer. */
  String command(String line) {
    String[] parts = line.split("\\s+", 2);
    if (parts.length == 2 && parts[0].equals("show")) {
      InMemoryIssueTracker project = parts[1].startsWith("PA-") ? projectA : projectB;
      return project.issue(parts[1]).map(i -> i.key() + ": " + i.field("summary").asText()
          + ", comments " + project.comments(i.key()).size()).orElse("no issue " + parts[1]);
    }
    if (parts.length == 2 && (parts[0].equals("PA") || parts[0].equals("PB"))) {
      InMemoryIssueTracker project = parts[0].equals("PA") ? projectA() : projectB();
      return "created " + project.create(parts[1]);
    }
    return "type \"PA <summary>\", \"PB <summary>\" or \"show <key>\"";
  }
}
