/**
 * The issue tracker port: one project of one tracker, as the engine sees it, with the issue,
 * changelog, comment, attachment, worklog and link values it reads and writes.
 *
 * <p>May use the SPI's root package and Jackson.
 */
package org.backbonesync.spi.tracker;
