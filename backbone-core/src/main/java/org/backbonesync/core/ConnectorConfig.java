package org.backbonesync.core;

/**
 * One half of a synchronization: one project on one tracker.
 *
 * @param key the connector key, unique across synchronizations (e.g. {@code PA-2})
 * @param projectKey the project's key on its tracker (e.g. {@code PA}); only its issues are synced
 * @param syncUser the id of the user the connector acts as on its tracker; changelog entries by
 *     this user are changes made by the sync and are never sent back
 * @param jql an extra condition issues must match to be synced, or null for the whole project
 *     (a blank one is refused at {@code $.connectorA.jql} when the configuration is built, as in
 *     JSON: it is a mistake, not "every issue")
 * @param incomingJql a condition a local issue must match before an incoming change is applied to
 *     it, or null for none (a blank one is refused as {@code jql} is)
 * @param onPartnerGone what happens to a local issue whose partner is gone (deleted, or moved out
 *     of the partner's project); null reads as {@link PartnerGone#leave()}
 */
public record ConnectorConfig(
    String key, String projectKey, String syncUser, String jql, String incomingJql,
    PartnerGone onPartnerGone) {
  public ConnectorConfig {
    onPartnerGone = onPartnerGone == null ? PartnerGone.leave() : onPartnerGone;
    Checks.notBlank("key", key);
    Checks.notBlank("projectKey", projectKey);
    Checks.notBlank("syncUser", syncUser);
  }

  /** A connector that leaves its issue as it is when the partner issue is gone. */
  public ConnectorConfig(
      String key, String projectKey, String syncUser, String jql, String incomingJql) {
    this(key, projectKey, syncUser, jql, incomingJql, null);
  }

  /** A connector for a whole project. */
  public static ConnectorConfig of(String key, String projectKey, String syncUser) {
    return new ConnectorConfig(key, projectKey, syncUser, null, null);
  }

  /** This connector, syncing only the issues that match {@code condition}. */
  public ConnectorConfig withJql(String condition) {
    return new ConnectorConfig(key, projectKey, syncUser, condition, incomingJql, onPartnerGone);
  }

  /** This connector, applying incoming changes only to issues that match {@code condition}. */
  public ConnectorConfig withIncomingJql(String condition) {
    return new ConnectorConfig(key, projectKey, syncUser, jql, condition, onPartnerGone);
  }

  /** This connector, doing {@code gone} with its issue when the partner issue is gone. */
  public ConnectorConfig withOnPartnerGone(PartnerGone gone) {
    return new ConnectorConfig(key, projectKey, syncUser, jql, incomingJql, gone);
  }
}
