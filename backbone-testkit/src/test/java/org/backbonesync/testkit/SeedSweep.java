package org.backbonesync.testkit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs a range of simulation seeds on several threads and keeps every failing run, not only the
 * first. Each thread takes the next small block of seeds until none is left; a run shares nothing
 * with another (each builds its own trackers, stores and engine), so the outcome of a seed does
 * not depend on the thread or the order.
 */
final class SeedSweep {
  /** Seeds a thread takes at once: small enough that the threads finish together. */
  private static final int BLOCK = 16;

  private final Simulation simulation;
  private final int threads;
  private Consumer<Simulation.Result> onFailure = r -> {};
  private Consumer<String> progress = line -> {};
  private long progressEvery = Long.MAX_VALUE;

  SeedSweep(Simulation simulation, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, was " + threads);
    }
    this.simulation = simulation;
    this.threads = threads;
  }

  /** Called with each failing run as soon as it is found, from the thread that ran it. */
  SeedSweep onFailure(Consumer<Simulation.Result> listener) {
    this.onFailure = listener;
    return this;
  }

  /** Called with a progress line each time about {@code seeds} more seeds have run. */
  SeedSweep progress(long seeds, Consumer<String> listener) {
    this.progressEvery = seeds;
    this.progress = listener;
    return this;
  }

  /** Runs seeds {@code first..last} (both included); returns the failing runs by seed. */
  List<Simulation.Result> run(long first, long last) {
    if (last < first) {
      throw new IllegalArgumentException("empty seed range " + first + ".." + last);
    }
    AtomicLong next = new AtomicLong(first);
    AtomicLong done = new AtomicLong();
    ConcurrentLinkedQueue<Simulation.Result> failed = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> broken = new ConcurrentLinkedQueue<>();
    long total = last - first + 1;
    long started = System.nanoTime();
    Runnable worker = () -> {
      try {
        long from;
        while ((from = next.getAndAdd(BLOCK)) <= last) {
          long to = Math.min(last, from + BLOCK - 1);
          for (long seed = from; seed <= to; seed++) {
            Simulation.Result r = simulation.run(seed);
            if (!r.ok()) {
              failed.add(r);
              onFailure.accept(r);
            }
          }
          long before = done.getAndAdd(to - from + 1);
          long after = before + to - from + 1;
          if (after / progressEvery != before / progressEvery || after == total) {
            double seconds = (System.nanoTime() - started) / 1e9;
            progress.accept(String.format("simulation: %d of %d seeds in %.0f s (%.0f seeds/s),"
                + " %d failing", after, total, seconds, after / Math.max(seconds, 1e-3),
                failed.size()));
          }
        }
      } catch (Throwable t) {
        broken.add(t);
        next.set(last + 1); // stop the others too
      }
    };
    List<Thread> pool = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(worker, "seed-sweep-" + i);
      pool.add(t);
      t.start();
    }
    for (Thread t : pool) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the sweep ran", e);
      }
    }
    if (!broken.isEmpty()) {
      throw new IllegalStateException("the sweep itself broke", broken.peek());
    }
    List<Simulation.Result> sorted = new ArrayList<>(failed);
    sorted.sort(Comparator.comparingLong(Simulation.Result::seed));
    return sorted;
  }

  /** One replay line per failing seed, then the first failure's report. */
  static String summary(List<Simulation.Result> failures) {
    StringBuilder s = new StringBuilder(failures.size() + " failing seed(s):");
    for (Simulation.Result r : failures) {
      s.append("\n  seed ").append(r.seed()).append(": ").append(r.failure())
          .append("\n    replay: ").append(r.replay());
    }
    if (!failures.isEmpty()) {
      s.append("\nfirst failure:\n").append(failures.get(0).report());
    }
    return s.toString();
  }
}
