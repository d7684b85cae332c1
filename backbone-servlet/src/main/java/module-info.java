/**
 * Jakarta Servlet adapters: {@code SyncAdminServlet} for the admin API, {@code
 * HttpTransportServlet} for the receiving end of the HTTP transport and {@code
 * JiraWebhookServlet} for Jira's webhooks (the Jira adapter is then needed on the class path).
 * The container brings the servlet API.
 */
module org.backbonesync.servlet {
  requires transitive org.backbonesync.core;
  requires transitive org.backbonesync.transport;
  requires transitive jakarta.servlet;
  requires static org.backbonesync.jira;

  exports org.backbonesync.servlet;
}
