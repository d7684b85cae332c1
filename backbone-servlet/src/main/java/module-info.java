/**
 * Jakarta Servlet adapters: {@code SyncAdminServlet} for the admin API and {@code
 * HttpTransportServlet} for the receiving end of the HTTP transport. The container brings the
 * servlet API.
 */
module org.backbonesync.servlet {
  requires transitive org.backbonesync.core;
  requires transitive org.backbonesync.transport;
  requires transitive jakarta.servlet;

  exports org.backbonesync.servlet;
}
