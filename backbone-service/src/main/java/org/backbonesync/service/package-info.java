/**
 * The sync service for operators: {@code ServiceMain} reads a service configuration, builds the
 * engine over two Jira sites, JDBC stores and the transports, serves the admin API, webhooks and
 * Prometheus metrics over the JDK's HTTP server, and runs until stopped. Not a library.
 *
 * <p>May use every library module's public API, HikariCP, Micrometer's Prometheus registry,
 * Jackson and SLF4J; no {@code internal} package.
 */
package org.backbonesync.service;
