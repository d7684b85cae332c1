package org.backbonesync.core;

/**
 * What one poll of a connector's outgoing queue did.
 *
 * @param issuesFound issues the change search returned
 * @param messagesQueued messages put in the outbox
 * @param morePages whether the search had more results than one page; the next poll goes on
 */
public record PollResult(int issuesFound, int messagesQueued, boolean morePages) {}
