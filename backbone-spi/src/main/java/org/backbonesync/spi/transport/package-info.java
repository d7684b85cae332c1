/** How messages travel between two connectors: the sending and the receiving side. */
package org.backbonesync.spi.transport;
