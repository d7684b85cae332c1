/**
 * The Jira adapter: {@link org.backbonesync.spi.tracker.IssueTracker} over the Jira REST API,
 * Cloud (v3) and Server/Data Center (v2). Start at {@link org.backbonesync.jira.JiraSite}.
 */
package org.backbonesync.jira;
