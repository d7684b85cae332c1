package org.backbonesync.core.internal;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;

/** A mapping call's context; reads the local issue only if a mapping asks for it. */
final class Context implements MappingContext {
  private final String connectorKey;
  private final IssueTracker tracker;
  private final Function<String, Optional<String>> partners;
  private final String fieldMappingId;
  private final Supplier<Optional<TrackedIssue>> issue;
  private final TrackedIssue known;
  private final boolean creating;

  /** A context that reads the local issue through {@code issue} when a mapping asks. */
  Context(Connector connector, String fieldMappingId, Supplier<Optional<TrackedIssue>> issue,
      boolean creating) {
    this(connector, fieldMappingId, issue, null, creating);
  }

  /** An outgoing mapping's context: the local issue is the one being exported. */
  Context(Connector connector, String fieldMappingId, TrackedIssue known) {
    this(connector, fieldMappingId, null, known, false);
  }

  private Context(Connector connector, String fieldMappingId,
      Supplier<Optional<TrackedIssue>> issue, TrackedIssue known, boolean creating) {
    this.connectorKey = connector.key();
    this.tracker = connector.tracker;
    this.partners = connector.partners;
    this.fieldMappingId = fieldMappingId;
    this.issue = issue;
    this.known = known;
    this.creating = creating;
  }

  @Override
  public boolean creating() {
    return creating;
  }

  @Override
  public String connectorKey() {
    return connectorKey;
  }

  @Override
  public IssueTracker tracker() {
    return tracker;
  }

  @Override
  public Optional<String> localPartnerOf(String remoteIssueKey) {
    return partners.apply(remoteIssueKey);
  }

  @Override
  public String fieldMappingId() {
    return fieldMappingId;
  }

  @Override
  public Optional<TrackedIssue> localIssue() {
    return issue == null ? Optional.of(known) : issue.get();
  }

  /** Memoizes a supplier, so that a tracker read happens at most once per message. */
  static <T> Supplier<T> once(Supplier<T> supplier) {
    return new Once<>(supplier);
  }

  /**
   * What a supplier of {@link #once} has read already, without reading; empty when it has not
   * (or it is no such supplier).
   */
  static <T> Optional<T> ifRead(Supplier<T> supplier) {
    return supplier instanceof Once<T> once ? once.ifRead() : Optional.empty();
  }

  /** A memoized supplier that tells whether it has read. */
  private static final class Once<T> implements Supplier<T> {
    private final Supplier<T> supplier;
    private T value;
    private boolean done;

    Once(Supplier<T> supplier) {
      this.supplier = supplier;
    }

    @Override
    public synchronized T get() {
      if (!done) {
        value = supplier.get();
        done = true;
      }
      return value;
    }

    synchronized Optional<T> ifRead() {
      return done ? Optional.ofNullable(value) : Optional.empty();
    }
  }
}
