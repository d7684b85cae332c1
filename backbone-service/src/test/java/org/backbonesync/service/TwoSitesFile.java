package org.backbonesync.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The service file tests write for one synchronization between a fake Cloud site and a fake
 * Server site (project keys PA and PB, sync users {@code sync-a} and {@code sync-b}, summaries
 * mapped both ways), from the environment variables {@code JIRA_A_EMAIL}, {@code JIRA_A_TOKEN}
 * and {@code JIRA_B_TOKEN}.
 */
final class TwoSitesFile {
  private TwoSitesFile() {}

  /** The environment holding {@link FakeSitePair}'s credentials, as the file names them. */
  static final Map<String, String> ENVIRONMENT = Map.of("JIRA_A_EMAIL", "sync-a@example.com",
      "JIRA_A_TOKEN", "cloud-token-4711", "JIRA_B_TOKEN", "server-pat-0815");

  /**
   * The file written as {@code dir/sync.json}, polls once a day (a test runs the steps itself)
   * and an H2 store in {@code dir/data}, read with {@link #ENVIRONMENT}.
   */
  static ServiceConfig dailyPolls(Path dir, Object cloudUrl, Object serverUrl)
      throws IOException {
    Path file = dir.resolve("sync.json");
    Files.writeString(file, json(cloudUrl, serverUrl, "PA", """
        "pollInterval": "PT24H",
        "store": {"directory": "data"},"""));
    return ServiceConfig.read(file, ENVIRONMENT);
  }

  /**
   * The file's JSON.
   *
   * @param projectKeyA the project key of connector A (PA, or one the site has not)
   * @param more more top-level members, each followed by a comma, or ""
   */
  static String json(Object cloudUrl, Object serverUrl, String projectKeyA, String more) {
    return """
        {
          %s
          "sites": {
            "cloud": {"url": "%s", "flavour": "cloud", "auth": "apiToken",
                      "emailEnv": "JIRA_A_EMAIL", "tokenEnv": "JIRA_A_TOKEN",
                      "requestsPerSecond": 0, "allowInsecure": true},
            "server": {"url": "%s", "flavour": "server", "auth": "personalAccessToken",
                       "tokenEnv": "JIRA_B_TOKEN", "requestsPerSecond": 0, "allowInsecure": true}
          },
          "synchronizations": [{
            "siteA": "cloud", "siteB": "server",
            "sync": {
              "id": "pa-pb",
              "connectorA": {"key": "PA", "projectKey": "%s", "syncUser": "sync-a"},
              "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "sync-b"},
              "fieldMappings": [{"id": "summary", "type": "passthrough", "direction": "BOTH",
                                 "fieldA": "summary", "fieldB": "summary"}]
            }
          }]
        }
        """.formatted(more, cloudUrl, serverUrl, projectKeyA);
  }
}
