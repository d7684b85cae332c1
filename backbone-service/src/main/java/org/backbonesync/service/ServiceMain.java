package org.backbonesync.service;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLException;
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
   * How long a stop waits for the steps in progress (each ends after the issue pair or page it
   * is at): within a container's usual 30 s grace period, with time left to close the stores. A
   * step still running then is cut off as a kill would cut it (its message stays queued).
   */
  private static final Duration STOP_WAIT = Duration.ofSeconds(20);

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
          if (i + 1 >= args.length || file != null) {
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
    boolean signals = mode == Mode.CONTINUOUS && handle("TERM", stop) & handle("INT", stop);
    try {
      ServiceConfig config = ServiceConfig.read(file, env);
      return switch (mode) {
        case CHECK -> check(config, out);
        case ONCE -> once(config, out);
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
        out.println(sync.partner() + ": " + reach(config, sync.partner()));
      }
    }
    out.println(config.file() + ": OK");
    return OK;
  }

  /**
   * Checks that a partner service's transport answers at its URL: it answers an unsigned GET
   * with 401 asking for its scheme ({@code WWW-Authenticate: Backbone}). Any other answer (a
   * Jira site's 401, the partner service's 404 for another synchronization id, a proxy's page)
   * or none is a failure naming the partner. Its envelopes' key is not checked: that needs a
   * signed probe.
   *
   * @return what answered, for the line {@code --check} prints
   */
  private static String reach(ServiceConfig config, ServiceConfig.Partner partner) {
    String at = config.file() + ": " + partner.path() + ": partner service " + partner.url();
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(PARTNER_TIMEOUT).build();
      HttpResponse<InputStream> answer = client.send(HttpRequest.newBuilder(partner.url())
          .timeout(PARTNER_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      List<String> challenges = answer.headers().allValues("WWW-Authenticate");
      String said;
      try (InputStream body = answer.body()) {
        said = printable(new String(body.readNBytes(ANSWER_SHOWN), StandardCharsets.UTF_8));
      }
      // (a scheme is case-insensitive, and a proxy may add its own challenge: RFC 9110 11.6.1)
      if (answer.statusCode() == 401 && challenges.stream().anyMatch(c -> c.strip()
          .split("[ ,]", 2)[0].equalsIgnoreCase(TRANSPORT_SCHEME))) {
        return "a partner service's transport answers";
      }
      String asked = printable(String.join(", ", challenges));
      throw new ServiceFailure(SITE, at + " answered HTTP " + answer.statusCode()
          + (asked.isEmpty() ? "" : " (WWW-Authenticate: " + asked + ")")
          + (said.isEmpty() ? "" : " \"" + said.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
          + ", not as a partner service's"
          + " transport, which answers a GET without a signature with 401 and WWW-Authenticate: "
          + TRANSPORT_SCHEME + " (check the host, the port and the path /transport/"
          + "<synchronization id>)");
    } catch (IOException e) {
      // (a plain-HTTP server does not answer a TLS handshake: the JDK's client times out)
      boolean tls = partner.url().getScheme().equals("https")
          && (e instanceof HttpConnectTimeoutException || e instanceof SSLException);
      throw new ServiceFailure(SITE, at + " cannot be reached (" + ServiceFailure.oneLine(
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()))
          + ")" + (tls ? "; a server that speaks plain HTTP fails an https URL so too" : ""));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceFailure(OTHER, "interrupted while reaching " + partner);
    }
  }

  /** The scheme a partner service's transport asks for in its 401 (a content request's). */
  private static final String TRANSPORT_SCHEME = "Backbone";
  /** How much of another server's answer a failed check shows. */
  private static final int ANSWER_SHOWN = 120;

  /**
   * Another server's text as one line of at most {@value #ANSWER_SHOWN} printable characters:
   * each control (C0 and C1: no terminal escape), format character, line or paragraph
   * separator, surrogate left alone and unassigned code point is a {@code ?}.
   */
  private static String printable(String text) {
    StringBuilder shown = new StringBuilder();
    ServiceFailure.oneLine(text).codePoints().limit(ANSWER_SHOWN).forEach(c -> {
      int type = Character.getType(c);
      boolean unsafe = Character.isISOControl(c) || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
          || type == Character.SURROGATE || type == Character.UNASSIGNED;
      shown.appendCodePoint(unsafe ? '?' : c);
    });
    return shown.toString();
  }

  /** How long {@code --check} waits for a partner service to connect and to answer. */
  private static final Duration PARTNER_TIMEOUT = Duration.ofSeconds(10);

  private static int once(ServiceConfig config, PrintStream out) throws InterruptedException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Sites sites = Sites.connect(config, registry);
    SyncService service = SyncService.open(config, sites, registry);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> service.stop(STOP_WAIT),
        "backbone-stop"));
    long failed;
    try {
      failed = service.runUntilQuiet();
    } finally {
      service.stop(STOP_WAIT);
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
   * ends it after the phase in progress (taking the port, signing in, opening the store), with
   * the store closed if it was opened.
   */
  private static int continuous(ServiceConfig config, CountDownLatch stop, boolean signals)
      throws InterruptedException {
    // the port first: one in use stops the service before it signs in or opens its store
    HttpServer bound = config.server() == null ? null : HttpFront.bind(config.server(),
        config.file());
    SyncService service = null;
    Sites sites = null;
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      if (stop.getCount() > 0) {
        sites = Sites.connect(config, registry);
      }
      if (stop.getCount() > 0) {
        service = SyncService.open(config, sites, registry);
      }
    } catch (RuntimeException | Error e) {
      if (bound != null) {
        bound.stop(0);
      }
      throw e;
    }
    if (service == null) {
      if (bound != null) {
        bound.stop(0);
      }
      log().info("stopped during the startup, before the store was opened");
      return OK;
    }
    SyncService opened = service;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      opened.stop(STOP_WAIT);
    }, "backbone-stop"));
    HttpFront front = null;
    try {
      if (stop.getCount() > 0) {
        if (bound != null) {
          front = HttpFront.start(bound, config.server(), service, sites);
        }
        service.start();
        log().info("running{}; stop with SIGTERM", signals ? "" : " (no signal handling)");
        stop.await();
      }
      log().info("stop requested");
    } finally {
      stop(service, front, bound, STOP_WAIT);
    }
    return OK;
  }

  /**
   * Stops the engines, then the port: {@code /health} answers 503 with state {@code STOPPING}
   * while the steps in progress end (at most {@code wait}), as a load balancer should see it.
   *
   * @param front null when the port was not started ({@code bound} is then closed, if any)
   */
  static void stop(SyncService service, HttpFront front, HttpServer bound, Duration wait) {
    try {
      service.stop(wait);
    } finally {
      if (front != null) {
        front.stop();
      } else if (bound != null) {
        bound.stop(0);
      }
    }
  }

  @SuppressWarnings("restriction")
  private static boolean handle(String signal, CountDownLatch stop) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.countDown());
      return true;
    } catch (IllegalArgumentException | LinkageError e) {
      return false;
    }
  }
}
