/**
 * Not API: helpers the SPI's value types share with the engine, exported only to {@code
 * org.backbonesync.core} and, for {@link org.backbonesync.spi.internal.Escapes}, {@code
 * org.backbonesync.jira} and the servlets, for {@link org.backbonesync.spi.internal.DecodedAlike},
 * {@code org.backbonesync.jdbc} (on the class path it is visible, but it may change in any
 * release). {@link org.backbonesync.spi.internal.BeyondDoubleAsDecimal} is the parser the
 * engine's and the service's readers of numbers as decimals share, and the Jira webhook handler
 * too; {@link org.backbonesync.spi.internal.ParserPlace} names where a parser stopped in a
 * refusal, for the message codec and the Jira webhook handler; {@link
 * org.backbonesync.spi.internal.MessageNumbers} is the range of a message's times, epochs and
 * sequence ids, for the codec and {@code DecodedAlike}. {@link org.backbonesync.spi.internal.SmallMap} is the map a message's fields travel
 * in: ours rather than a collection library's, because the JDK's maps cost a table and a node per
 * key and the well-kept small-map libraries (Guava's, Eclipse Collections') would be a dependency
 * of every plugin for one class.
 *
 * <p>May use the JDK, and Jackson and the SPI's own types, which are the SPI's API already.
 */
package org.backbonesync.spi.internal;
