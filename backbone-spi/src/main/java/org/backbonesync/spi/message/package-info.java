/** The issue synchronization message that travels between two connectors, and its JSON codec. */
package org.backbonesync.spi.message;
