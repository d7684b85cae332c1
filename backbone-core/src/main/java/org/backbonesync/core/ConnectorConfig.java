package org.backbonesync.core;

/**
 * One half of a synchronization: one project on one tracker.
 *
 * @param key the connector key, unique across synchronizations (e.g. {@code PA-2})
 * @param projectKey the project's key on its tracker (e.g. {@code PA}); only its issues are synced
 * @param syncUser the id of the user the connector acts as on its tracker; changelog entries by
 *     this user are changes made by the sync and are never sent back
 * @param jql an extra condition issues must match to be synced, or null for the whole project
 */
public record ConnectorConfig(String key, String projectKey, String syncUser, String jql) {
  public ConnectorConfig {
    Checks.notBlank("key", key);
    Checks.notBlank("projectKey", projectKey);
    Checks.notBlank("syncUser", syncUser);
    if (jql != null && jql.isBlank()) {
      jql = null;
    }
  }

  /** A connector for a whole project. */
  public static ConnectorConfig of(String key, String projectKey, String syncUser) {
    return new ConnectorConfig(key, projectKey, syncUser, null);
  }
}
