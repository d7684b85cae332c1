package org.backbonesync.spi.store;

import java.util.Collection;
import java.util.Objects;

/** The store interfaces' checks of the collections their batch methods take. */
final class NullChecks {
  private NullChecks() {}

  /** Refuses a null collection, or a null in it, naming it and the null's index. */
  static void requireNoNull(Collection<?> values, String name) {
    Objects.requireNonNull(values, name);
    int i = 0;
    for (Object value : values) {
      if (value == null) { // (the message made only then: these check every key of a batch)
        throw new NullPointerException(name + "[" + i + "]");
      }
      i++;
    }
  }
}
