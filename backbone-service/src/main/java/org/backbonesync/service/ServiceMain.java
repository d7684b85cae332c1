package org.backbonesync.service;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.backbonesync.jdbc.JdbcStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync service: {@code java -jar backbone-service.jar --config sync.json [--once | --check]}.
 *
 * <p>Exit codes: {@value #OK} done (stopped by SIGTERM or SIGINT, {@code --once} quiet with
 * nothing failed, {@code --check} found nothing); {@value #OTHER} anything else (an unexpected
 * error, or {@code --once} left messages that failed and wait for an admin); {@value #USAGE}
 * bad arguments; {@value #CONFIGURATION} the file has problems (each on its own line with its
 * JSON path), including those {@code --check} finds against the sites; {@value #SITE} a site
 * cannot be reached or refuses the credentials; {@value #STORE} the store cannot be opened.
 */
public final class ServiceMain {
  static final int OK = 0;
  static final int OTHER = 1;
  static final int USAGE = 2;
  static final int CONFIGURATION = 3;
  static final int SITE = 4;
  static final int STORE = 5;

  private static final String USAGE_LINE =
      "usage: java -jar backbone-service.jar --config <file.json> [--once | --check]";
  /**
   * How long a stop takes at most, from the signal to the process's exit: within a container's
   * usual 30 s grace period. The port's requests and the steps in progress (each ends after the
   * issue pair or page it is at) get most of it; a step still running then is cut off as a kill
   * would cut it (its message stays queued). See {@link SyncService#stop} for the rest.
   */
  private static final Duration STOP_WAIT = Duration.ofSeconds(20);
  /** Of {@link #STOP_WAIT}, what closing the port and the process's exit keep at its end. */
  static final Duration EXIT = Duration.ofMillis(500);
  /**
   * How long, of {@link #STOP_WAIT}, a stop lets the port's requests in progress end (an import,
   * a resync started, a partner's envelope) before it ends them; the steps, which run on
   * meanwhile, get what is left. An import of the most rows at once needs a few seconds.
   */
  static final Duration REQUEST_GRACE = Duration.ofSeconds(10);

  private ServiceMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  private enum Mode { CONTINUOUS, ONCE, CHECK }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Path file = null;
    Mode mode = Mode.CONTINUOUS;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> {
          if (file != null) {
            return usage(err, "--config was given twice (" + ServiceFailure.oneLine(
                file.toString()) + " and " + (i + 1 < args.length
                    ? ServiceFailure.oneLine(args[i + 1]) : "no file") + "); give it once");
          }
          if (i + 1 >= args.length) {
            return usage(err, "--config takes one file");
          }
          file = Path.of(args[++i]);
        }
        case "--once", "--check" -> {
          if (mode != Mode.CONTINUOUS) {
            return usage(err, "give at most one of --once and --check");
          }
          mode = args[i].equals("--once") ? Mode.ONCE : Mode.CHECK;
        }
        case "--help", "-h" -> {
          out.println(USAGE_LINE);
          return OK;
        }
        default -> {
          return usage(err, "unknown argument " + ServiceFailure.oneLine(args[i]));
        }
      }
    }
    if (file == null) {
      return usage(err, "--config is required");
    }
    // first of all: a signal during the startup ends it after the phase in progress, cleanly
    CountDownLatch stop = new CountDownLatch(1);
    AtomicInteger signalled = new AtomicInteger();
    boolean signals = mode != Mode.CHECK
        && handle("TERM", stop, signalled) & handle("INT", stop, signalled);
    try {
      ServiceConfig config = ServiceConfig.read(file, env);
      return switch (mode) {
        case CHECK -> check(config, out);
        case ONCE -> once(config, out, stop, signals ? signalled : null);
        case CONTINUOUS -> continuous(config, stop, signals);
      };
    } catch (ServiceFailure f) {
      f.lines().forEach(err::println);
      return f.exitCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OTHER;
    } catch (RuntimeException | Error e) {
      log().error("the service failed", e);
      err.println("the service failed: " + ServiceFailure.oneLine(e.toString()));
      return OTHER;
    }
  }

  private static int usage(PrintStream err, String why) {
    err.println(why + "; " + USAGE_LINE);
    return USAGE;
  }

  private static Logger log() {
    return LoggerFactory.getLogger(ServiceMain.class);
  }

  /**
   * Signs in, checks the sync users and each synchronization against its projects, and that each
   * partner service answers; writes nothing.
   */
  private static int check(ServiceConfig config, PrintStream out) {
    if (config.server() != null) {
      ServerAddress.local(config.server(), config.file()); // (the port may be the service's now)
    }
    Sites sites = Sites.connect(config, null);
    for (ServiceConfig.Sync sync : config.synchronizations()) {
      for (ServiceConfig.Site site : sync.sites()) {
        out.println(site + ": signed in as " + sites.signedInUser(site));
      }
    }
    // an in-memory database: engines need stores to be built, the real ones are not touched
    String url = "jdbc:h2:mem:backbone-check-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    try (JdbcStores scratch = JdbcStores.atUrl(url, null, null)) {
      List<SyncService.Running> running = SyncService.build(config, sites, scratch,
          c -> new LoggingListener(), b -> {});
      for (SyncService.Running r : running) {
        out.println("synchronization " + r.id() + ": OK");
        r.engine.close();
      }
    }
    for (ServiceConfig.Sync sync : config.synchronizations()) {
      if (sync.partner() != null) {
        out.println(sync.partner() + ": " + PartnerCheck.reach(config, sync.partner()));
      }
    }
    out.println(config.file() + ": OK");
    return OK;
  }

  /**
   * Runs rounds until quiet. SIGTERM and SIGINT are handled here, not by the JVM's exit: the
   * stop (on a thread of its own, while the main thread's step ends) closes the stores before the
   * process exits, and so before H2's own shutdown hook, which would close the database under
   * the step in progress (its commit failed with H2's "exclusive mode"). One during the startup
   * ends it as in {@link #continuous}, with a line. Either way the exit code is the JVM's for the
   * signal, 143 or 130: the run did not end quiet.
   *
   * @param signalled the number of the signal that came, once one came; null when the signals
   *     are not handled here (the JVM's shutdown hook then stops the service)
   */
  private static int once(ServiceConfig config, PrintStream out, CountDownLatch stop,
      AtomicInteger signalled) throws InterruptedException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Startup startup = new Startup();
    Sites sites = untilStopped(() -> Sites.connect(config, registry, startup), stop);
    if (sites != null) {
      opening(config, startup);
    }
    SyncService service = sites == null ? null
        : untilStopped(() -> SyncService.open(config, sites, registry), stop);
    if (service == null) {
      log().info(sites == null ? "stopped during the startup, before the store was opened"
          : "stopped during the startup, while the store was opened and the engines built");
      return 128 + signalled.get();
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> service.stop(STOP_WAIT),
        "backbone-stop"));
    if (signalled != null) {
      Thread stopper = new Thread(() -> {
        try {
          stop.await();
          log().info("stop requested");
          service.stop(STOP_WAIT);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "backbone-stop");
      stopper.setDaemon(true); // (waits for a signal that may never come)
      stopper.start();
    }
    long failed;
    try {
      failed = service.runUntilQuiet();
    } finally {
      service.stop(STOP_WAIT); // (after the stopper's, when a signal came: it waits for it)
    }
    if (signalled != null && stop.getCount() == 0) {
      return 128 + signalled.get();
    }
    String processed = "backbone.messages.processed";
    out.println("done: queued " + service.total("backbone.messages.queued") + ", sent "
        + service.total("backbone.messages.sent") + ", applied "
        + service.total(processed, "applied", "created") + " ("
        + service.total(processed, "created") + " created), failed " + failed);
    return failed == 0 ? OK : OTHER;
  }

  /**
   * Runs until SIGTERM or SIGINT, then stops gracefully and returns {@value #OK}. The signals
   * are handled from before the file is read ({@code stop} counts down), so that the exit code
   * is 0 (a JVM ended by a signal exits 143 even when its hooks finish): one during the startup
   * ends it without waiting for the phase in progress (signing in, opening the store and reading
   * the projects; the port is taken before, on this thread, and answers {@code /health} with
   * state {@code STARTING} meanwhile), which {@link #untilStopped} leaves on its thread; a store
   * opened before the signal is closed, one that phase opens after it is not (its connections end
   * with the process).
   */
  private static int continuous(ServiceConfig config, CountDownLatch stop, boolean signals)
      throws InterruptedException {
    // the port first: one in use stops the service before it signs in or opens its store
    HttpServer bound = config.server() == null ? null : HttpFront.bind(config.server(),
        config.file());
    SyncService service = null;
    Sites sites = null;
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Startup startup = new Startup();
    // answers /health (STARTING) and /metrics at once: the startup may wait minutes for a site
    HttpFront front = bound == null ? null
        : HttpFront.starting(bound, config.server(), registry, startup);
    try {
      sites = untilStopped(() -> Sites.connect(config, registry, startup), stop);
      if (sites != null) {
        Sites signedIn = sites;
        opening(config, startup);
        service = untilStopped(() -> SyncService.open(config, signedIn, registry), stop);
      }
    } catch (RuntimeException | Error e) {
      if (front != null) {
        front.stop();
      }
      throw e;
    }
    if (service == null) {
      if (front != null) {
        front.stop();
      }
      log().info(sites == null ? "stopped during the startup, before the store was opened"
          : "stopped during the startup, while the store was opened and the engines built");
      return OK;
    }
    SyncService opened = service;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown(); // the main thread stops the service and its port, in order
      try {
        stopped.await(STOP_WAIT.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      opened.stop(STOP_WAIT); // (done already, unless the main thread is stuck)
    }, "backbone-stop"));
    try {
      if (stop.getCount() > 0) {
        if (front != null) {
          front.running(service, sites);
        }
        service.start();
        log().info("running{}; stop with SIGTERM", signals ? "" : " (no signal handling)");
        stop.await();
      }
      log().info("stop requested");
    } finally {
      try {
        stop(service, front, bound, STOP_WAIT);
      } finally {
        stopped.countDown();
      }
    }
    return OK;
  }

  /** The startup's second phase begins: logged, and told by {@code /health}. */
  private static void opening(ServiceConfig config, Startup startup) {
    startup.begins("opening the store and reading the projects", "opening the store ("
        + config.store() + ") and reading the projects");
  }

  /**
   * Stops the service and its port, in {@code wait} at most: {@code /health} answers 503 with
   * state {@code STOPPING} from the start to the end, as a load balancer should see it. The
   * port stops taking work and lets the requests in progress end on open engines and stores
   * (at most {@link #REQUEST_GRACE} or half of {@code wait}, then those left are ended), the
   * engines stop (the steps in progress end, in what is left of {@code wait} less {@link
   * #EXIT}), then the port closes.
   *
   * @param front null when the port was not started ({@code bound} is then closed, if any)
   */
  static void stop(SyncService service, HttpFront front, HttpServer bound, Duration wait) {
    long start = System.nanoTime();
    try {
      service.beginStop();
      if (front != null) {
        Duration half = wait.dividedBy(2);
        front.finishRequests(half.compareTo(REQUEST_GRACE) < 0 ? half : REQUEST_GRACE);
      }
      Duration left = wait.minus(EXIT).minusNanos(System.nanoTime() - start);
      service.stop(left.isNegative() ? Duration.ZERO : left);
    } finally {
      if (front != null) {
        front.stop();
      } else if (bound != null) {
        bound.stop(0);
      }
    }
  }

  /**
   * A startup phase's result, or null when a signal came first: the phase runs on a thread of
   * its own, left behind then, so that a site that takes connections and never answers (its
   * sign-in waits for timeouts and retries, two minutes) cannot keep a signal from ending the
   * startup within a container's grace period (helper-91).
   */
  @SuppressWarnings("restriction")
  private static <T> T untilStopped(Supplier<T> phase, CountDownLatch stop)
      throws InterruptedException {
    if (stop.getCount() == 0) {
      return null;
    }
    FutureTask<T> task = new FutureTask<>(phase::get);
    Thread runner = new Thread(task, "backbone-startup");
    runner.setDaemon(true);
    runner.start();
    while (!task.isDone()) {
      if (stop.await(50, TimeUnit.MILLISECONDS)) {
        return null;
      }
    }
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause()); // (a Supplier throws nothing else)
    }
  }

  /**
   * Handles {@code signal} instead of the JVM: counts {@code stop} down, the first signal's
   * number kept in {@code signalled}.
   *
   * @return false when the signal cannot be handled here (the JVM's handling stays)
   */
  private static boolean handle(String signal, CountDownLatch stop, AtomicInteger signalled) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> {
        signalled.compareAndSet(0, s.getNumber());
        stop.countDown();
      });
      return true;
    } catch (IllegalArgumentException | LinkageError e) {
      return false;
    }
  }
}
