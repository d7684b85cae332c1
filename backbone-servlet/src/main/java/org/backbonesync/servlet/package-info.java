/**
 * Jakarta Servlet adapters for the admin API ({@link org.backbonesync.servlet.SyncAdminServlet})
 * and the HTTP transport ({@link org.backbonesync.servlet.HttpTransportServlet}).
 *
 * <p>May use the core's public API, backbone-transport's and the Jakarta Servlet API (the
 * container's); the Jira adapter's webhook handler only where the host has the adapter.
 */
package org.backbonesync.servlet;
