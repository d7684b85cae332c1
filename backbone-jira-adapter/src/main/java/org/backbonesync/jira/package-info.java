/**
 * The Jira adapter: {@link org.backbonesync.spi.tracker.IssueTracker} over the Jira REST API,
 * Cloud (v3) and Server/Data Center (v2). Start at {@link org.backbonesync.jira.JiraSite}; its
 * credentials, limits, webhooks and errors are the other public types.
 *
 * <p>May use the SPI, Jackson, SLF4J, the JDK's HTTP client and {@code jira.internal}; never the
 * engine.
 */
package org.backbonesync.jira;
