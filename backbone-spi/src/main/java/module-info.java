/**
 * The contracts between the engine and its plugins: field mappings, the issue tracker port, the
 * stores, the transports and the values that cross them (the message, sync information, field
 * values). Values are Jackson trees, so Jackson is part of this API.
 */
module org.backbonesync.spi {
  requires transitive com.fasterxml.jackson.databind;

  exports org.backbonesync.spi;
  exports org.backbonesync.spi.mapping;
  exports org.backbonesync.spi.message;
  exports org.backbonesync.spi.store;
  exports org.backbonesync.spi.tracker;
  exports org.backbonesync.spi.transport;
  // not API: the map a message's fields travel in, shared with the engine, the escaping of
  // text from outside, shared with the Jira adapter and the servlets (a refused request's path),
  // where a parser stopped and numbers past a double's, shared with the Jira webhook handler
  // and the transports' envelopes, and a message as decoding it would give it, for the JDBC
  // store's decoded messages
  exports org.backbonesync.spi.internal
      to org.backbonesync.core, org.backbonesync.jira, org.backbonesync.servlet,
      org.backbonesync.jdbc, org.backbonesync.transport;
}
