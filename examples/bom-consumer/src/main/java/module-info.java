/** A host's own module that embeds Backbone Sync from the module path. */
module org.backbonesync.example.consumer {
  requires org.backbonesync.core;
  requires org.backbonesync.jdbc;
  requires org.backbonesync.jira;
  requires org.backbonesync.transport;
  requires org.backbonesync.testkit;

  exports org.backbonesync.example.consumer;
}
