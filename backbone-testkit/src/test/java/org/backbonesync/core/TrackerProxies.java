package org.backbonesync.core;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.backbonesync.spi.tracker.ChangePage;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.SyncTestDriver;

/**
 * Trackers for tests that change what some calls of a test's tracker answer (a search that lags,
 * brings comments along, runs a hook) and pass the rest through: one proxy, so that each test
 * says only what it changes.
 */
final class TrackerProxies {
  private TrackerProxies() {}

  /** The tracker's own answer to the call being made; throws what the tracker threw. */
  @FunctionalInterface
  interface Own {
    Object call() throws Throwable;
  }

  /** What a proxied call answers: {@code own.call()} for the tracker's answer. */
  @FunctionalInterface
  interface Answer {
    Object answer(String method, Object[] args, Own own) throws Throwable;
  }

  /** The tracker, each page its {@code findUpdatedSince} answers passed through {@code after}. */
  static IssueTracker searchPages(IssueTracker tracker, UnaryOperator<ChangePage> after) {
    return answering(tracker, (method, args, own) -> method.equals("findUpdatedSince")
        ? after.apply((ChangePage) own.call()) : own.call());
  }

  /**
   * The tracker, running {@code hook} once armed (and disarming it) after it answered a call of
   * {@code method}: to put another step, or a close, between two of the engine's own.
   */
  static IssueTracker after(IssueTracker tracker, String method,
      AtomicReference<Runnable> hook) {
    return answering(tracker, (m, args, own) -> {
      Object result = own.call();
      Runnable armed = m.equals(method) ? hook.getAndSet(null) : null;
      if (armed != null) {
        armed.run();
      }
      return result;
    });
  }

  /**
   * A driver whose connector {@code connectorKey}'s tracker runs {@code hook} once armed after a
   * call of {@code method} ({@link #after}).
   */
  static SyncTestDriver.Builder hooked(String connectorKey, String method,
      AtomicReference<Runnable> hook) {
    return SyncTestDriver.builder().trackers((key, project) -> key.equals(connectorKey)
        ? after(project, method, hook) : project);
  }

  /** A tracker answering every call as {@code answer} says. */
  static IssueTracker answering(IssueTracker tracker, Answer answer) {
    return (IssueTracker) Proxy.newProxyInstance(IssueTracker.class.getClassLoader(),
        new Class<?>[] {IssueTracker.class}, (proxy, method, args) ->
            answer.answer(method.getName(), args, () -> {
              try {
                return method.invoke(tracker, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            }));
  }
}
