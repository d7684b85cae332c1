package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mapping types come from the built-ins, the classpath and explicit registration. */
class FieldMappingRegistryTest {
  @TempDir Path dir;

  /** A provider of type {@code dup}. */
  public static class DupOne implements FieldMappingProvider {
    @Override
    public String type() {
      return "dup";
    }

    @Override
    public String displayName() {
      return "one";
    }

    @Override
    public OutgoingFieldMapping outgoing(MappingDefinition d) {
      throw new UnsupportedOperationException();
    }

    @Override
    public IncomingFieldMapping incoming(MappingDefinition d) {
      throw new UnsupportedOperationException();
    }
  }

  /** Another provider of type {@code dup}. */
  public static class DupTwo extends DupOne {}

  /** A provider claiming the built-in type {@code passthrough}. */
  public static class FakePassthrough extends DupOne {
    @Override
    public String type() {
      return "passthrough";
    }
  }

  private ClassLoader classpathListing(Class<?>... providers) throws Exception {
    return classpathListing(java.util.Arrays.stream(providers).map(Class::getName)
        .toArray(String[]::new));
  }

  private ClassLoader classpathListing(String... providers) throws Exception {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    StringBuilder lines = new StringBuilder();
    for (String c : providers) {
      lines.append(c).append('\n');
    }
    Files.writeString(services.resolve(FieldMappingProvider.class.getName()), lines);
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
  }

  @Test
  void theBuiltInTypesAreAlwaysThere() {
    FieldMappingRegistry registry = FieldMappingRegistry.builtIns();

    assertEquals(java.util.List.of("passthrough", "correlation", "to-text", "constant", "user", "status",
        "comments", "links", "attachments", "worklogs"),
        java.util.List.copyOf(registry.types()));
    assertTrue(registry.isBuiltIn("correlation"));
  }

  @Test
  void aProviderListedOnTheClasspathIsFound() throws Exception {
    FieldMappingRegistry registry = FieldMappingRegistry.discover(classpathListing(DupOne.class));

    assertTrue(registry.provider("dup").orElseThrow() instanceof DupOne);
    assertFalse(registry.isBuiltIn("dup"));
  }

  /** A provider the service loader cannot make: no public constructor without arguments. */
  public static class NoPlainConstructor extends DupOne {
    public NoPlainConstructor(String type) {}
  }

  @Test
  void aProviderLineTheLoaderCannotMakeFailsNamingTheFileAndWhatToCheck() throws Exception {
    // (found by helper-81: the JDK's ServiceConfigurationError escaped, naming neither)
    for (String listed : List.of("acme.Typo", NoPlainConstructor.class.getName())) {
      ClassLoader loader = classpathListing(listed);

      var e = assertThrows(SyncException.class, () -> FieldMappingRegistry.discover(loader));

      assertTrue(e.getMessage().startsWith("a field mapping provider listed in"
          + " META-INF/services/org.backbonesync.spi.mapping.FieldMappingProvider on the"
          + " classpath cannot be made: org.backbonesync.spi.mapping.FieldMappingProvider:"
          + " " + (listed.equals("acme.Typo") ? "Provider acme.Typo not found"
          : listed + " Unable to get public no-arg constructor")), e.getMessage());
      assertTrue(e.getMessage().endsWith("(check the class name on its line, and that the class"
          + " is public with a public constructor without arguments)"), e.getMessage());
    }
  }

  /** A provider whose constructor throws (a licence file missing). */
  public static class ThrowsWhenMade extends DupOne {
    public ThrowsWhenMade() {
      throw new IllegalStateException("license file missing");
    }
  }

  @Test
  void aProviderWhoseConstructorThrowsFailsWithWhatItThrew() throws Exception {
    // (helper-99: the cause was two levels down, and the hint sent one to the class name)
    ClassLoader loader = classpathListing(ThrowsWhenMade.class.getName());

    var e = assertThrows(SyncException.class, () -> FieldMappingRegistry.discover(loader));

    assertTrue(e.getMessage().endsWith(ThrowsWhenMade.class.getName() + " could not be"
        + " instantiated: its constructor threw java.lang.IllegalStateException: license file"
        + " missing"), e.getMessage());
  }

  @Test
  void twoProvidersOfOneTypeOnTheClasspathAreAnErrorNamingBothClasses() throws Exception {
    ClassLoader loader = classpathListing(DupOne.class, DupTwo.class);

    var e = assertThrows(SyncException.class, () -> FieldMappingRegistry.discover(loader));

    assertEquals("mapping type \"dup\" is provided by both " + DupOne.class.getName() + " and "
        + DupTwo.class.getName() + " (register the one to use explicitly, or remove one from the"
        + " classpath)", e.getMessage());
  }

  @Test
  void aClasspathProviderMayNotTakeABuiltInTypeButAnExplicitOneMay() throws Exception {
    ClassLoader loader = classpathListing(FakePassthrough.class);

    var e = assertThrows(SyncException.class, () -> FieldMappingRegistry.discover(loader));
    assertTrue(e.getMessage().contains(FakePassthrough.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("PassthroughMapping"), e.getMessage());

    FakePassthrough mine = new FakePassthrough();
    FieldMappingRegistry registry =
        FieldMappingRegistry.builder().discover(loader).register(mine).build();
    assertSame(mine, registry.provider("passthrough").orElseThrow());
    assertFalse(registry.isBuiltIn("passthrough"), "replaced: treated as custom");
  }

  @Test
  void anExplicitRegistrationSettlesAClasspathClash() throws Exception {
    DupTwo chosen = new DupTwo();

    FieldMappingRegistry registry = FieldMappingRegistry.builder()
        .discover(classpathListing(DupOne.class, DupTwo.class)).register(chosen).build();

    assertSame(chosen, registry.provider("dup").orElseThrow());
    assertThrows(IllegalArgumentException.class,
        () -> FieldMappingRegistry.builder().register(new DupOne()).register(new DupTwo()));
  }
}
