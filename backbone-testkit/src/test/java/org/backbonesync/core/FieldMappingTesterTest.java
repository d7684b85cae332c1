package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.backbonesync.testkit.FieldMappingTester;
import org.junit.jupiter.api.Test;

/**
 * The tester's whole-sync driver checks what an engine finds on the classpath: a mapping author
 * who forgot the {@code META-INF/services} entry learns it from the test, not from the first
 * engine that refuses the configuration (found by following the README as a mapping author).
 */
class FieldMappingTesterTest {

  @Test
  void aTypeNotListedInMetaInfServicesIsNamedWithWhatToDo() {
    FieldMappingTester tester =
        FieldMappingTester.of(new HookedExport("acme.unlisted", issue -> { }))
            .fields("description", "description");

    var e = assertThrows(IllegalStateException.class, tester::syncTestDriver);

    assertEquals("mapping type \"acme.unlisted\" (org.backbonesync.core.HookedExport) is not"
        + " what an engine finds on the classpath (nothing): list the class in"
        + " META-INF/services/org.backbonesync.spi.mapping.FieldMappingProvider (a provider you"
        + " only register with FieldMappingRegistry.builder().register(...) is tested with"
        + " SyncTestDriver.builder().provider(...))", e.getMessage());
  }
}
