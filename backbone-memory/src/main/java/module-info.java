/**
 * Every store in the memory of one process, through {@code InMemoryStores}: for a host that runs a
 * single process and can lose its sync state when the process ends, and for tests and demos.
 */
module org.backbonesync.memory {
  requires transitive org.backbonesync.spi;
  // InMemoryStores has an @Inject constructor for DI containers (as core's and jdbc's providers).
  requires transitive jakarta.inject;

  exports org.backbonesync.memory;
}
