/**
 * Backbone Sync's stores on plain JDBC: {@link org.backbonesync.jdbc.JdbcStores}, on H2 embedded
 * or PostgreSQL, with a schema the library creates and upgrades itself.
 */
package org.backbonesync.jdbc;
