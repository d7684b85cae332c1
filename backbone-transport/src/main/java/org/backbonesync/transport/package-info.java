/**
 * Transports between two engines in different processes, each running one connector of a
 * synchronization: {@link org.backbonesync.transport.HttpTransport} with {@link
 * org.backbonesync.transport.HttpTransportHandler} on the partner, and {@link
 * org.backbonesync.transport.FileDropTransport} for sites that exchange files. Every envelope is
 * signed and checked with the synchronization's {@link
 * org.backbonesync.transport.EnvelopeSecurity} before anything in it is stored.
 *
 * <p>May use the SPI, Jackson, SLF4J and the JDK's HTTP client; never the engine.
 */
package org.backbonesync.transport;
