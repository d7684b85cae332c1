package org.backbonesync.spi.tracker;

/**
 * A comment on an issue.
 *
 * @param id the tracker's comment id
 * @param author the id of its author
 * @param body its text
 * @param created epoch millis
 * @param updated epoch millis of the last edit (equals created when never edited)
 */
public record Comment(String id, String author, String body, long created, long updated) {}
