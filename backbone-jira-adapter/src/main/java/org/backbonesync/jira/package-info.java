/**
 * The Jira adapter: {@link org.backbonesync.spi.tracker.IssueTracker} over the Jira REST API
 * (Cloud v3 and Server/Data Center v2). Not built yet; see the README's module table.
 */
package org.backbonesync.jira;
