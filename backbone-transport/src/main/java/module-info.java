/** Transports that carry messages between engines in different processes: HTTP and file drop. */
module org.backbonesync.transport {
  requires transitive org.backbonesync.spi;
  requires transitive java.net.http;
  requires org.slf4j;

  exports org.backbonesync.transport;
}
