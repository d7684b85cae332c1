/**
 * Micrometer meters from the sync engine's events ({@code MicrometerSyncListener}) and from a Jira
 * site's requests ({@code MicrometerJiraListener}; the Jira adapter is then needed on the class
 * path). Optional: the engine never depends on it.
 */
module org.backbonesync.micrometer {
  requires transitive org.backbonesync.core;
  requires transitive micrometer.core;
  requires static org.backbonesync.jira;

  exports org.backbonesync.micrometer;
}
