/** Field mappings: how a field's value leaves one issue as message data and enters another. */
package org.backbonesync.spi.mapping;
