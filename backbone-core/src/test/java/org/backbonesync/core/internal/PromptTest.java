package org.backbonesync.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** At most one run of a prompted step is queued or running: a slow step holds one thread. */
class PromptTest {
  private final Deque<Runnable> queued = new ArrayDeque<>();
  private final Executor executor = queued::add;
  private int runs;

  @Test
  void aBurstBeforeTheRunIsOneRun() {
    Prompt prompt = new Prompt("test", executor, () -> runs++);

    prompt.run();
    prompt.run();
    prompt.run();

    assertEquals(1, queued.size());
    queued.poll().run();
    assertEquals(1, runs);
    assertEquals(0, queued.size(), "nothing more asked");
  }

  @Test
  void callsWhileItRunsBringOneMoreRunAfterIt() {
    Prompt[] self = new Prompt[1];
    self[0] = new Prompt("test", executor, () -> {
      runs++;
      if (runs == 1) {
        self[0].run(); // a hint while the step runs
        self[0].run();
        assertEquals(0, queued.size(), "no second run queued while the first runs");
      }
    });

    self[0].run();
    queued.poll().run();

    assertEquals(1, queued.size(), "one more run, after the first");
    queued.poll().run();
    assertEquals(2, runs);
    assertEquals(0, queued.size());
  }

  @Test
  void aRefusingSchedulerLeavesItReadyForTheNextCall() {
    boolean[] refuse = {true};
    Prompt prompt = new Prompt("test", command -> {
      if (refuse[0]) {
        throw new RejectedExecutionException("shut down");
      }
      queued.add(command);
    }, () -> runs++);

    prompt.run();
    refuse[0] = false;
    prompt.run();

    assertEquals(1, queued.size());
  }

  @Test
  void aFailingStepDoesNotStopLaterRuns() {
    Prompt prompt = new Prompt("test", executor, () -> {
      runs++;
      throw new IllegalStateException("tracker down");
    });

    prompt.run();
    queued.poll().run();
    prompt.run();
    queued.poll().run();

    assertEquals(2, runs);
  }
}
