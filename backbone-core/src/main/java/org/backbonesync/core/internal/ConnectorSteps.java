package org.backbonesync.core.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.backbonesync.core.ApplyOutcome;
import org.backbonesync.core.PollResult;

/**
 * The engine's steps over a local connector's queues (poll, detect, deliver, apply, and all of
 * them once), each in the connector's log context and each flushing the trace recorder when due.
 * Each step looks its connector up again, as a step of the engine, so one closed meanwhile stops.
 */
final class ConnectorSteps {
  private final Function<String, LocalConnectors.Local> local;
  private final Set<String> keys;
  private final TraceRecorder recorder;
  private final ConnectorStatusReader statuses;
  private final BooleanSupplier closing;

  /**
   * @param local a local connector by key; throws when the engine is closed or it is not local
   * @param keys the local connectors' keys, A's first
   */
  ConnectorSteps(Function<String, LocalConnectors.Local> local, Set<String> keys,
      TraceRecorder recorder, ConnectorStatusReader statuses, BooleanSupplier closing) {
    this.closing = closing;
    this.local = local;
    this.keys = keys;
    this.recorder = recorder;
    this.statuses = statuses;
  }

  PollResult poll(String connectorKey) {
    LocalConnectors.Local local = this.local.apply(connectorKey);
    PollResult result;
    try (LogContext step = LogContext.connector(local.connector())) {
      result = local.detection().poll();
    } finally {
      recorder.flushIfDue();
      local.handover().promptPartner(); // (after every event of the step)
    }
    statuses.polled(connectorKey, result);
    return result;
  }

  int deliver(String connectorKey) {
    LocalConnectors.Local local = this.local.apply(connectorKey);
    try (LogContext step = LogContext.connector(local.connector())) {
      return local.delivery().deliver();
    } finally {
      recorder.flushIfDue();
    }
  }

  List<ApplyOutcome> apply(String connectorKey) {
    LocalConnectors.Local local = this.local.apply(connectorKey);
    try (LogContext step = LogContext.connector(local.connector())) {
      return local.incoming().apply();
    } finally {
      recorder.flushIfDue();
      local.handover().promptPartner(); // (after every event of the step)
      local.hints().applyEnded(); // (what a hinted read left while it held their pairs)
    }
  }

  /** Told of a step of {@link #runOnce} that failed, before its failure ends the run. */
  @FunctionalInterface
  interface FailedStep {
    FailedStep NONE = (connectorKey, step, failure) -> { };

    void failed(String connectorKey, String step, RuntimeException failure);
  }

  /**
   * Polls and delivers each connector, then applies each and delivers again what the apply
   * appended (replies, pairings) or the first delivery may have left: not when neither, so that
   * an idle round looks at each outbox once. What another node appends meanwhile leaves at the
   * next round's first delivery; a resync task's pages and an admin's retry or skip prompt their
   * own on an engine with a scheduler. A step that fails is told to {@code failed} ({@code
   * "periodic poll"}, {@code "periodic delivery"}, {@code "periodic apply"}) and the others go on,
   * so that one site down stops neither the other's poll nor what reaches the other: the first
   * failure is thrown at the run's end, the later ones suppressed in it. The store down (no step
   * can go on) or the engine closing ends the run at once. {@code last} runs after the steps,
   * also after a failed one (not after a run ended at once): the retry of the resync tasks
   * another node held, which one site down must not hold back either.
   */
  void runOnce(FailedStep failed, Runnable last) {
    RunFailures failures = new RunFailures(failed);
    try {
      Set<String> delivered = new HashSet<>(keys.size());
      for (String key : keys) {
        failures.step(key, "periodic poll", () -> poll(key), null);
        if (failures.step(key, "periodic delivery", () -> deliver(key), 0) > 0) {
          delivered.add(key);
        }
      }
      for (String key : keys) {
        long appended = appendedSoFar(key);
        failures.step(key, "periodic apply", () -> apply(key), List.of());
        if (delivered.contains(key) || appendedSoFar(key) != appended) {
          failures.step(key, "periodic delivery", () -> deliver(key), 0);
        }
      }
    } finally {
      recorder.flushRun(); // an idle engine's last entries wait no longer than a run or two
    }
    try {
      last.run();
    } catch (RuntimeException e) {
      failures.throwFirst(e);
      throw e;
    }
    failures.throwFirst(null);
  }

  /** The failed steps of one run: each told at once, the first thrown at the run's end. */
  private final class RunFailures {
    private final FailedStep told;
    private RuntimeException first;

    RunFailures(FailedStep told) {
      this.told = told;
    }

    <T> T step(String key, String name, Supplier<T> step, T otherwise) {
      try {
        return step.get();
      } catch (RuntimeException e) {
        told.failed(key, name, e);
        if (StoreDown.is(e) || (e instanceof IllegalStateException && closing.getAsBoolean())) {
          // (the store is every step's, and a closing engine refuses every step: none goes on;
          // an IllegalStateException of an open engine's step is that step's, a site's or a
          // tracker's, and stops only it)
          throw e;
        }
        if (first == null) {
          first = e;
        } else if (first != e) {
          first.addSuppressed(e);
        }
        return otherwise;
      }
    }

    /** Throws the first failure, if any, with {@code after} (null: none) suppressed in it. */
    void throwFirst(RuntimeException after) {
      if (first != null) {
        if (after != null && after != first) {
          first.addSuppressed(after);
        }
        throw first;
      }
    }
  }

  private long appendedSoFar(String connectorKey) {
    return local.apply(connectorKey).connector().appendedSoFar();
  }

  PollResult detect(String connectorKey) {
    LocalConnectors.Local local = this.local.apply(connectorKey);
    HintedIssues.Taken hinted = local.hints().take();
    if (hinted.poll()) {
      PollResult result = poll(connectorKey);
      deliverUnlessClosing(connectorKey);
      return result;
    }
    if (hinted.nothing()) {
      return new PollResult(0, 0, 0);
    }
    PollResult result;
    try (LogContext step = LogContext.connector(local.connector())) {
      result = local.detection().detect(hinted.keys(), local.hints());
    } finally {
      recorder.flushIfDue();
      local.handover().promptPartner(); // (after every event of the step)
    }
    deliverUnlessClosing(connectorKey);
    return result;
  }

  /**
   * Delivers what a detection queued, unless the engine closed meanwhile: the detection ended
   * early and returns what it did; the next engine delivers its messages.
   */
  private void deliverUnlessClosing(String connectorKey) {
    if (!closing.getAsBoolean()) {
      deliver(connectorKey);
    }
  }
}
