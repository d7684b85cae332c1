package org.backbonesync.core.guarantee;

import java.util.Objects;
import java.util.function.BiConsumer;
import org.backbonesync.core.SyncEngine;

/**
 * The hook through which the fault simulation's checker tests drop a guarantee of an engine they
 * build, to show that the checker notices. Not API: this package is exported to the testkit only,
 * and {@link SyncEngine.Builder} has no public method for it.
 */
public final class TestOnlySwitches {
  private static volatile BiConsumer<SyncEngine.Builder, TestOnlySwitch> dropper;

  private TestOnlySwitches() {}

  /** Called once, by {@link SyncEngine.Builder} as it is loaded. */
  public static void register(BiConsumer<SyncEngine.Builder, TestOnlySwitch> drop) {
    if (dropper == null) {
      dropper = Objects.requireNonNull(drop, "drop");
    }
  }

  /** Makes the engine {@code builder} builds drop the guarantee {@code off}. */
  public static SyncEngine.Builder drop(SyncEngine.Builder builder, TestOnlySwitch off) {
    Objects.requireNonNull(builder, "builder"); // (its class, loaded, has registered)
    dropper.accept(builder, Objects.requireNonNull(off, "off"));
    return builder;
  }
}
