/**
 * Micrometer meters from the sync engine's events: {@code MicrometerSyncListener}. Optional: the
 * engine never depends on it.
 */
module org.backbonesync.micrometer {
  requires transitive org.backbonesync.core;
  requires transitive micrometer.core;

  exports org.backbonesync.micrometer;
}
