package org.backbonesync.testkit;

import java.util.Objects;
import java.util.function.Supplier;
import org.backbonesync.spi.store.ConflictStore;
import org.backbonesync.spi.store.EnvelopeIdStore;
import org.backbonesync.spi.store.LeaseStore;
import org.backbonesync.spi.store.MessageStore;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.store.SyncInfoStore;
import org.backbonesync.spi.store.TaskStore;
import org.backbonesync.spi.store.TraceStore;
import org.backbonesync.spi.store.WatermarkStore;

/**
 * Stores that forward every call to others, for tests and benchmarks that watch or change what
 * the engine asks of its stores: override the store to watch (say {@link #leases()} with a
 * counting one) and leave the rest.
 */
public class ForwardingStores implements Stores {
  private final Stores delegate;

  /** Stores that forward to {@code delegate}. */
  public ForwardingStores(Stores delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The stores calls go to. */
  protected Stores delegate() {
    return delegate;
  }

  @Override
  public SyncInfoStore syncInfo() {
    return delegate.syncInfo();
  }

  @Override
  public MessageStore messages() {
    return delegate.messages();
  }

  @Override
  public WatermarkStore watermarks() {
    return delegate.watermarks();
  }

  @Override
  public TaskStore tasks() {
    return delegate.tasks();
  }

  @Override
  public ConflictStore conflicts() {
    return delegate.conflicts();
  }

  @Override
  public LeaseStore leases() {
    return delegate.leases();
  }

  @Override
  public TraceStore trace() {
    return delegate.trace();
  }

  @Override
  public EnvelopeIdStore envelopeIds() {
    return delegate.envelopeIds();
  }

  @Override
  public <T> T inTransaction(Supplier<T> work) {
    return delegate.inTransaction(work);
  }
}
