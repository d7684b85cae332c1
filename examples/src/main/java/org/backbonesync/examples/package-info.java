/**
 * Examples for hosts: the demo ({@code Demo}), a mapping type of one's own ({@code
 * LabelsAsTextMapping}, found through {@code META-INF/services}), and the admin API bound to the
 * JDK's HTTP server ({@code AdminHttpServer}).
 *
 * <p>May use the public API of the SPI, core, backbone-memory and the testkit (for its in-memory
 * trackers), Jackson and the JDK's HTTP server; no {@code internal} package, as a host could not.
 */
package org.backbonesync.examples;
