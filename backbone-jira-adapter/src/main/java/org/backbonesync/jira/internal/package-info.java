/**
 * Not API: the Jira wire format ({@code JiraWire}), ADF conversion ({@code Adf}), times, HTTP
 * with retries and the rate limits, and the {@code IssueTracker} implementation. May change
 * in any release.
 */
package org.backbonesync.jira.internal;
