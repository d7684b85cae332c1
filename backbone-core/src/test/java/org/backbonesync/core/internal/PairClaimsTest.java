package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfo;
import org.junit.jupiter.api.Test;

/** Which pairs a claim holds and which another step holds, asked by row; failures forget. */
class PairClaimsTest {
  private final EngineSettings settings = new EngineSettings(Duration.ofSeconds(30),
      Duration.ofMinutes(1), 100, 100, 100, Duration.ofSeconds(1), Duration.ofMinutes(5),
      Duration.ofSeconds(5), Duration.ofHours(1), Set.of(), "node-1", Duration.ofMinutes(1), 20);
  private final LeaseStore leases = mock(LeaseStore.class);
  private final Set<String> otherNode = new LinkedHashSet<>();
  private final PairClaims pairs;

  PairClaimsTest() {
    Stores stores = mock(Stores.class);
    when(stores.leases()).thenReturn(leases);
    when(leases.tryLeases(anyString(), anyCollection(), anyString(), anyLong(), anyLong()))
        .thenAnswer(i -> {
          Set<String> held = new LinkedHashSet<>();
          for (Object k : (Collection<?>) i.getArgument(1)) {
            if (!otherNode.contains(k)) {
              held.add((String) k);
            }
          }
          return held;
        });
    pairs = new PairClaims(stores, "PA", settings);
  }

  private static SyncInfo row(String local, String remote) {
    return new SyncInfo(1, "PA", local, remote, 0, 0, 0, 0, 0, 0, false, 0, 0, 0, 0, false);
  }

  @Test
  void aPairAnotherThreadHoldsIsBusyAndTheRestHeld() {
    PairClaims.Held first = pairs.claimRows(List.of(row("PA-1", "PB-1")), 0);
    PairClaims.Held second =
        pairs.claimRows(List.of(row("PA-1", "PB-1"), row("PA-2", "PB-2")), 0);
    assertTrue(second.busy(row("PA-1", "PB-1")));
    assertFalse(second.holds(row("PA-1", "PB-1")));
    assertTrue(second.holds(row("PA-2", "PB-2")));
    assertFalse(second.busy(row("PA-2", "PB-2")));
    assertFalse(second.busy(row("PA-3", "PB-3")), "not asked for");
    assertFalse(second.busy(row("PA-3", null)));
    assertFalse(second.busy(null));
    pairs.end(first, false);
    pairs.end(second, false);
    PairClaims.Held again = pairs.claimRows(List.of(row("PA-1", "PB-1"), row("PA-2", "PB-2")), 0);
    assertTrue(again.holds(row("PA-1", "PB-1")) && again.holds(row("PA-2", "PB-2")));
  }

  @Test
  void duplicatesAndOtherNodes() {
    otherNode.add("PB-3");
    PairClaims.Held held = pairs.claimRows(
        List.of(row("PA-1", "PB-1"), row("PA-9", "PB-1"), row("PA-3", "PB-3")), 0);
    assertTrue(held.holds(row("PA-1", "PB-1")));
    assertFalse(held.busy(row("PA-1", "PB-1")));
    assertTrue(held.busy(row("PA-3", "PB-3")));
    PairClaims.Held dup = pairs.claimRows(List.of(row("PA-1", "PB-5"), row("PA-9", "PB-5")), 0);
    assertTrue(dup.holds(row("PA-1", "PB-5")));
    assertFalse(dup.busy(row("PA-1", "PB-5")));
    PairClaims.Held none = pairs.claimRows(List.of(), 0);
    assertFalse(none.busy(row("PA-1", "PB-1")));
    pairs.end(none, true);
    pairs.end(held, true);
    pairs.end(dup, false);
    assertTrue(pairs.claimRows(List.of(row("PA-1", "PB-1"), row("PA-1", "PB-5")), 0)
        .holds(row("x", "PB-5")));
  }

  @Test
  void failuresForgetTheClaimsHere() {
    when(leases.tryLeases(anyString(), anyCollection(), anyString(), anyLong(), anyLong()))
        .thenThrow(new IllegalStateException("down"));
    assertThrows(IllegalStateException.class,
        () -> pairs.claimRows(List.of(row("PA-1", "PB-1")), 0));
    doAnswer(i -> new LinkedHashSet<>((Collection<String>) i.getArgument(1)))
        .when(leases).tryLeases(anyString(), anyCollection(), anyString(), anyLong(), anyLong());
    PairClaims.Held held = pairs.claimRows(List.of(row("PA-1", "PB-1")), 0);
    assertTrue(held.holds(row("PA-1", "PB-1")));
    doThrow(new IllegalStateException("down")).when(leases)
        .release(anyString(), any(Collection.class), anyString());
    assertThrows(IllegalStateException.class, () -> pairs.end(held, false));
    assertTrue(pairs.claimRows(List.of(row("PA-1", "PB-1")), 0).holds(row("PA-1", "PB-1")));
  }
}
