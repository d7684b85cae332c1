/** The issue tracker port: one project of one tracker, as the engine sees it. */
package org.backbonesync.spi.tracker;
