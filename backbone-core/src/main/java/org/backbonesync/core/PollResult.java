package org.backbonesync.core;

/**
 * What one poll of a connector's outgoing queue did.
 *
 * @param issuesFound issues the change search returned, over all its pages
 * @param messagesQueued messages put in the outbox (or handed to a local partner's inbox)
 * @param pages how many pages the change search had
 */
public record PollResult(int issuesFound, int messagesQueued, int pages) {}
