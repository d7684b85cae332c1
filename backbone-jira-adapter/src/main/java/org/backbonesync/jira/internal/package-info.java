/**
 * Not API: the Jira wire format ({@code JiraWire}), ADF conversion ({@code Adf}), times, HTTP
 * with retries and the rate limits, and the {@code IssueTracker} implementation. May change
 * in any release.
 *
 * <p>May use the SPI, the adapter's public types ({@code org.backbonesync.jira}), Jackson, SLF4J
 * and the JDK's HTTP client.
 */
package org.backbonesync.jira.internal;
