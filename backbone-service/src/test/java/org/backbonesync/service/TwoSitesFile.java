package org.backbonesync.service;

/**
 * The service file tests write for one synchronization between a fake Cloud site and a fake
 * Server site (project keys PA and PB, sync users {@code sync-a} and {@code sync-b}, summaries
 * mapped both ways), from the environment variables {@code JIRA_A_EMAIL}, {@code JIRA_A_TOKEN}
 * and {@code JIRA_B_TOKEN}.
 */
final class TwoSitesFile {
  private TwoSitesFile() {}

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
