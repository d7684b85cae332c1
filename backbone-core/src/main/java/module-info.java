/**
 * The sync engine: {@code SyncEngine} and its builder, configuration, the admin API and its
 * framework-neutral REST handler. The {@code internal} package is not API and is exported only
 * to the testkit, whose {@code FieldMappingTester} checks a mapping as the engine does.
 * Field mapping providers are found with {@link java.util.ServiceLoader}, from modules that
 * {@code provides} them and from the class path.
 */
module org.backbonesync.core {
  requires transitive org.backbonesync.spi;
  requires org.slf4j;
  // SyncEngineProvider and SyncAdminProvider are jakarta.inject Providers for DI containers.
  requires transitive jakarta.inject;

  exports org.backbonesync.core;
  // the checker tests of the fault simulation drop guarantees through it; no one else
  exports org.backbonesync.core.guarantee to org.backbonesync.testkit;
  // FieldMappingTester checks a mapping as the engine does, with the engine's own code: the
  // configuration check of one mapping (MappingChecker), the halves made at build (MappingHalves)
  // and what its calls return or throw (MappingResults); no one else
  exports org.backbonesync.core.internal to org.backbonesync.testkit;

  uses org.backbonesync.spi.mapping.FieldMappingProvider;
}
