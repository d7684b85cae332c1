package org.backbonesync.jira;

/** Which Jira a site is, which decides the REST API version and the wire formats. */
public enum JiraFlavour {
  /**
   * Jira Cloud: REST v3, users by account id, rich text in the Atlassian Document Format,
   * search paged by {@code nextPageToken}.
   */
  CLOUD("3"),
  /**
   * Jira Server and Data Center: REST v2, users by name, rich text in wiki markup, search paged
   * by {@code startAt}.
   */
  SERVER("2");

  private final String apiVersion;

  JiraFlavour(String apiVersion) {
    this.apiVersion = apiVersion;
  }

  /** The REST API path prefix, e.g. {@code /rest/api/3}. */
  public String apiPath() {
    return "/rest/api/" + apiVersion;
  }
}
