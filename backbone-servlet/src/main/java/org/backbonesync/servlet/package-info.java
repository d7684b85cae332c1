/**
 * Jakarta Servlet adapters for the admin API ({@link org.backbonesync.servlet.SyncAdminServlet})
 * and the HTTP transport ({@link org.backbonesync.servlet.HttpTransportServlet}).
 */
package org.backbonesync.servlet;
