package org.backbonesync.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.backbonesync.core.internal.BuiltInMappings;
import org.backbonesync.spi.SyncException;
import org.backbonesync.spi.mapping.FieldMappingProvider;

/**
 * The mapping types an engine knows: the built-in ones ({@code passthrough}, {@code correlation},
 * {@code to-text}, {@code constant}, {@code user}, {@code status}, {@code comments}, {@code links},
 * {@code attachments}, {@code worklogs}), those found on the classpath with {@link ServiceLoader},
 * and
 * those registered explicitly. Immutable and thread-safe; each engine has its own, nothing is
 * global.
 *
 * <p>Two providers of one type found on the classpath, or one found on the classpath with the type
 * of a built-in, is an error naming both classes. An explicit registration wins over both, so a
 * host can settle such a clash or replace a built-in on purpose.
 */
public final class FieldMappingRegistry {
  private final Map<String, FieldMappingProvider> providers;
  private final Set<String> builtIn;

  private FieldMappingRegistry(Map<String, FieldMappingProvider> providers, Set<String> builtIn) {
    this.providers = Collections.unmodifiableMap(providers);
    this.builtIn = Set.copyOf(builtIn);
  }

  /** The built-in types only. */
  public static FieldMappingRegistry builtIns() {
    return builder().build();
  }

  /** The built-in types and those found on the class loader's classpath. */
  public static FieldMappingRegistry discover(ClassLoader loader) {
    return builder().discover(loader).build();
  }

  /** Starts a registry holding the built-in types. */
  public static Builder builder() {
    return new Builder();
  }

  /** The provider of a type, if known. */
  public Optional<FieldMappingProvider> provider(String type) {
    return Optional.ofNullable(providers.get(type));
  }

  /**
   * Whether the type is one of the built-ins (and not replaced). Incoming mappings of other types
   * are applied in the update after a create, even when their field is on the create screen, as
   * in the original product.
   */
  public boolean isBuiltIn(String type) {
    return builtIn.contains(type);
  }

  /** The known types, built-ins first. */
  public Set<String> types() {
    return providers.keySet();
  }

  /** Builds a {@link FieldMappingRegistry}. */
  public static final class Builder {
    private final Map<String, FieldMappingProvider> discovered = new LinkedHashMap<>();
    private final Map<String, FieldMappingProvider> explicit = new LinkedHashMap<>();
    private final Map<String, List<String>> clashes = new LinkedHashMap<>();

    private void clash(String type, String message) {
      clashes.computeIfAbsent(type, t -> new ArrayList<>()).add(message);
    }

    private Builder() {}

    /** Adds every provider listed for {@link FieldMappingProvider} on the loader's classpath. */
    public Builder discover(ClassLoader loader) {
      for (FieldMappingProvider p : providers(loader)) {
        String type = Checks.notBlank("type() of " + p.getClass().getName(), p.type());
        FieldMappingProvider previous = discovered.putIfAbsent(type, p);
        if (previous != null && previous.getClass() != p.getClass()) {
          clash(type, "mapping type \"" + type + "\" is provided by both "
              + previous.getClass().getName() + " and " + p.getClass().getName());
        }
        BuiltInMappings.all().stream()
            .filter(b -> b.type().equals(type))
            .forEach(b -> clash(type, "mapping type \"" + type + "\" of "
                + p.getClass().getName() + " clashes with the built-in "
                + b.getClass().getName()));
      }
      return this;
    }

    /**
     * The providers listed on the loader's classpath, each made; a line naming a class that is
     * missing or cannot be made fails naming the file and what to check (the JDK's error names
     * neither).
     */
    private static List<FieldMappingProvider> providers(ClassLoader loader) {
      List<FieldMappingProvider> found = new ArrayList<>();
      try {
        ServiceLoader.load(FieldMappingProvider.class, loader).forEach(found::add);
      } catch (ServiceConfigurationError e) {
        Throwable threw = e.getCause() instanceof java.lang.reflect.InvocationTargetException t
            ? t.getCause() : e.getCause();
        throw new SyncException("a field mapping provider listed in META-INF/services/"
            + FieldMappingProvider.class.getName() + " on the classpath cannot be made: "
            + e.getMessage() + (threw != null && !(threw instanceof ReflectiveOperationException)
                ? ": its constructor threw " + threw
                : " (check the class name on its line, and that the class is public with a"
                    + " public constructor without arguments)"), e);
      }
      return found;
    }

    /**
     * Registers a provider; it wins over a built-in or discovered one of the same type.
     *
     * @throws IllegalArgumentException when another provider was registered for its type
     */
    public Builder register(FieldMappingProvider provider) {
      Checks.notNull("provider", provider);
      String type = Checks.notBlank("type() of " + provider.getClass().getName(), provider.type());
      FieldMappingProvider previous = explicit.putIfAbsent(type, provider);
      if (previous != null) {
        throw new IllegalArgumentException("mapping type \"" + type + "\" is registered twice: "
            + previous.getClass().getName() + " and " + provider.getClass().getName());
      }
      return this;
    }

    /**
     * Builds the registry.
     *
     * @throws SyncException naming both classes of every clash found on the classpath that no
     *     explicit registration settles
     */
    public FieldMappingRegistry build() {
      List<String> unsettled = new ArrayList<>();
      clashes.forEach((type, messages) -> {
        if (!explicit.containsKey(type)) {
          unsettled.addAll(messages);
        }
      });
      if (!unsettled.isEmpty()) {
        throw new SyncException(String.join("; ", unsettled)
            + " (register the one to use explicitly, or remove one from the classpath)");
      }
      Map<String, FieldMappingProvider> all = new LinkedHashMap<>();
      Set<String> builtIn = new HashSet<>();
      for (FieldMappingProvider p : BuiltInMappings.all()) {
        all.put(p.type(), p);
        builtIn.add(p.type());
      }
      all.putAll(discovered);
      all.putAll(explicit);
      builtIn.removeAll(explicit.keySet());
      return new FieldMappingRegistry(all, builtIn);
    }
  }
}
