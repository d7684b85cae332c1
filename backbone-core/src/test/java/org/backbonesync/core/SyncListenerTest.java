package org.backbonesync.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link SyncListener#all}: a host gives the engine its metrics and its logs as one listener. */
class SyncListenerTest {

  /** A listener that writes "name:event" to a shared list for every event. */
  private static SyncListener recording(String name, List<String> calls) {
    return (SyncListener) Proxy.newProxyInstance(SyncListener.class.getClassLoader(),
        new Class<?>[] {SyncListener.class}, (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.getName().equals("equals") ? proxy == args[0]
                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : name;
          }
          calls.add(name + ":" + method.getName());
          return null;
        });
  }

  private static SyncListener throwingOnPoll(String name, List<String> calls) {
    return new SyncListener() {
      @Override
      public void polled(String connectorKey, int issuesFound, int messagesBuilt) {
        calls.add(name + ":polled");
        throw new IllegalStateException(name + " down");
      }
    };
  }

  private static List<Method> events() {
    List<Method> events = new ArrayList<>();
    for (Method m : SyncListener.class.getDeclaredMethods()) {
      if (!Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()
          && !Modifier.isPrivate(m.getModifiers())) {
        events.add(m);
      }
    }
    return events;
  }

  private static Object[] defaults(Method m) {
    Class<?>[] types = m.getParameterTypes();
    Object[] args = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      args[i] = types[i] == int.class ? 1 : types[i] == long.class ? 1L
          : types[i] == boolean.class ? true
          : types[i] == String.class ? "PA" : null;
    }
    return args;
  }

  @Test
  void everyEventReachesEachListenerInOrder() throws ReflectiveOperationException {
    List<String> calls = new ArrayList<>();
    SyncListener both = SyncListener.all(recording("metrics", calls), recording("logs", calls));

    for (Method event : events()) {
      calls.clear();
      event.invoke(both, defaults(event));
      assertEquals(List.of("metrics:" + event.getName(), "logs:" + event.getName()), calls,
          event.getName());
    }
    assertEquals(18, events().size(), "a new event must be forwarded by all(...) too");
  }

  @Test
  void aListenerThatThrowsDoesNotKeepTheEventFromTheOthers() {
    List<String> calls = new ArrayList<>();
    SyncListener all = SyncListener.all(throwingOnPoll("metrics", calls),
        recording("logs", calls), throwingOnPoll("audit", calls));

    var e = assertThrows(IllegalStateException.class, () -> all.polled("PA", 1, 1));

    assertEquals(List.of("metrics:polled", "logs:polled", "audit:polled"), calls);
    assertEquals("metrics down", e.getMessage(), "the first exception, for the engine to log");
    assertEquals(1, e.getSuppressed().length);
    assertEquals("audit down", e.getSuppressed()[0].getMessage());
  }

  @Test
  void theNextEventStillReachesEveryListener() {
    List<String> calls = new ArrayList<>();
    SyncListener all = SyncListener.all(throwingOnPoll("metrics", calls),
        recording("logs", calls));
    assertThrows(IllegalStateException.class, () -> all.polled("PA", 1, 1));
    calls.clear();

    all.exportFailed("PA", "PA-1", "timeout");

    assertEquals(List.of("logs:exportFailed"), calls);
  }

  @Test
  void anErrorIsNotCaught() {
    List<String> calls = new ArrayList<>();
    SyncListener all = SyncListener.all(new SyncListener() {
      @Override
      public void polled(String connectorKey, int issuesFound, int messagesBuilt) {
        throw new AssertionError("broken");
      }
    }, recording("logs", calls));

    assertThrows(AssertionError.class, () -> all.polled("PA", 1, 1));
    assertEquals(List.of(), calls);
  }

  @Test
  void noListenersIsNone() {
    assertSame(SyncListener.NONE, SyncListener.all());
  }

  @Test
  void aNullListenerIsNamedByItsIndex() {
    List<String> calls = new ArrayList<>();
    var e = assertThrows(NullPointerException.class,
        () -> SyncListener.all(recording("logs", calls), null));
    assertEquals("listeners[1]", e.getMessage());
    assertThrows(NullPointerException.class, () -> SyncListener.all((SyncListener[]) null));
  }

  @Test
  void laterChangesToTheArrayDoNotChangeTheListeners() {
    List<String> calls = new ArrayList<>();
    SyncListener[] given = {recording("metrics", calls)};
    SyncListener all = SyncListener.all(given);
    given[0] = recording("other", calls);

    all.queued("PA", null);

    assertArrayEquals(new Object[] {"metrics:queued"}, calls.toArray());
  }
}
