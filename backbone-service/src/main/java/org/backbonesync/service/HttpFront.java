package org.backbonesync.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.backbonesync.core.AdminException;
import org.backbonesync.core.AdminRequest;
import org.backbonesync.core.AdminResponse;
import org.backbonesync.core.SyncAdmin;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.jira.JiraWebhookHandler;
import org.backbonesync.transport.HttpTransportHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's one port: {@code /admin/...} (the admin API, for a bearer token only), {@code
 * /webhooks/<site>} (Jira's webhooks of the sites that take them), {@code
 * /transport/<synchronization id>} (the envelopes of a partner service), {@code /health}, {@code
 * /health/live}, {@code /health/ready} and {@code /metrics} (the service's Micrometer meters,
 * scraped as Prometheus text).
 *
 * <p>It stops in two steps: {@link #finishRequests} stops taking work (the admin API, webhooks and the
 * transport answer 503) and lets the requests in progress end, while {@code /health} goes on
 * answering as the engines stop; {@link #stop} then closes the port.
 */
final class HttpFront {
  private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);
  private static final String ADMIN = "/admin";
  private static final String WEBHOOKS = "/webhooks/";
  private static final String TRANSPORT = "/transport/";
  /** How long one request (headers and body) may take to arrive. */
  private static final int MAX_REQUEST_SECONDS = 20;
  /**
   * Requests served at once; past it a new one takes the slot of the one that has waited on its
   * client longest, or is refused (closed) when all are at work, never queued.
   */
  private static final int MAX_REQUESTS = 64;
  /** Who a valid bearer token is to the admin API; the authorizer lets only them in. */
  private static final String OPERATOR = "operator";
  /** The methods of {@code /health...} and {@code /metrics}; others are answered 405. */
  private static final String READ_ONLY = "GET, HEAD";
  /**
   * How much of an admin request body is read on, and dropped, after the answer: so that a
   * client still sending (a body over the limit, a refused request) sees the answer instead of
   * a reset connection; a client sending more sees the connection closed.
   */
  private static final long MAX_DRAINED_BYTES = 4L * SyncAdminHandler.DEFAULT_MAX_BODY_BYTES;
  /** The admin API's answer to a request that comes once the port stopped taking work. */
  private static final String STOPPING_JSON = "{\"status\":503,\"error\":\"the service is"
      + " stopping; send the request again once it runs\",\"problems\":[],\"problemCount\":0}";
  /** The webhooks' and the transport's answer to a request that comes once the port stopped. */
  private static final String STOPPING_TEXT = "the service is stopping\n";
  /** The admin API's answer to a request that comes while the service starts. */
  private static final String STARTING_JSON = "{\"status\":503,\"error\":\"the service is"
      + " starting; send the request again once it runs\",\"problems\":[],\"problemCount\":0}";
  /** The webhooks' and the transport's answer to a request that comes while it starts. */
  private static final String STARTING_TEXT = "the service is starting\n";
  private static final String JSON = "application/json; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  /** What {@code PrometheusMeterRegistry.scrape()} writes: the Prometheus text format 0.0.4. */
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ServiceConfig.Server config;
  private final RequestSlots slots;
  /** Set by {@link #finishRequests}: new requests for work are refused from then on. */
  private final AtomicBoolean draining = new AtomicBoolean();
  private final PrometheusMeterRegistry registry;
  private final Startup startup;
  /** The routes that work for the service, set by {@link #running}; null while it starts. */
  private volatile Routes routes;

  /** What the routes that work for the service need, once it runs. */
  private record Routes(SyncService service, SyncAdminHandler admin, byte[] token,
      Map<String, JiraWebhookHandler> webhooks, Map<String, HttpTransportHandler> transports) {}

  /** The port it serves on (the configured one, or the one picked for port 0). */
  int port() {
    return server.getAddress().getPort();
  }

  /** Requests holding a slot now (tests). */
  int requestsInSlots() {
    return slots.inUse();
  }

  private HttpFront(HttpServer server, ServiceConfig.Server config, RequestSlots slots,
      PrometheusMeterRegistry registry, Startup startup) {
    this.server = server;
    this.config = config;
    this.slots = slots;
    this.registry = registry;
    this.startup = startup;
  }

  /** Binds and starts serving at once (tests); see {@link #bind} and {@link #start}. */
  static HttpFront start(ServiceConfig.Server config, SyncService service, Sites sites)
      throws IOException {
    return start(bind(config, null), config, service, sites);
  }

  /**
   * Takes the configured address and port, before the service signs in or opens its store, so
   * that a port in use or an address not of this machine stops it at once, naming the setting.
   *
   * @param file the configuration file, named in a refusal (null: not named)
   * @throws ServiceFailure exit code {@value ServiceMain#CONFIGURATION}, one line
   */
  static HttpServer bind(ServiceConfig.Server config, Path file) {
    InetAddress address = ServerAddress.local(config, file);
    // A request (headers and body) gets at most this long: a client that sends slowly, or not
    // at all, is cut off instead of holding a thread for good. Read once, when the JDK's first
    // HttpServer starts; an operator's -D setting wins.
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(MAX_REQUEST_SECONDS));
    }
    try {
      return HttpServer.create(new InetSocketAddress(address, config.port()), 0);
    } catch (IOException e) {
      throw new ServiceFailure(ServiceMain.CONFIGURATION, ServerAddress.prefix(file)
          + "$.server.port: cannot listen on " + config.bindAddress() + " port " + config.port()
          + ": " + ServiceFailure.why(e)
          + (e instanceof BindException ? " (another process has it?)" : ""));
    }
  }

  /**
   * Starts serving on the bound server for a service that runs ({@link #starting}, then {@link
   * #running}).
   */
  static HttpFront start(HttpServer server, ServiceConfig.Server config, SyncService service,
      Sites sites) {
    HttpFront front = starting(server, config, service.registry(), new Startup());
    front.running(service, sites);
    return front;
  }

  /**
   * Starts serving on the bound server while the service starts (it signs in, opens its store,
   * reads the projects): {@code /health/live} answers 200, {@code /health} and {@code
   * /health/ready} 503 with state {@code STARTING} and what the startup waits for, {@code
   * /metrics} the meters so far (the sign-in's requests); the admin API, the webhooks and the
   * transport answer 503 until {@link #running}. A probe or an operator then sees the service
   * start instead of a port that takes connections and never answers.
   */
  static HttpFront starting(HttpServer server, ServiceConfig.Server config,
      PrometheusMeterRegistry registry, Startup startup) {
    // Slow clients hold a slot only while no one else needs it, so /health/live answers
    // whatever they do (RequestSlots); a connection is never queued behind slow ones.
    RequestSlots slots = RequestSlots.create(MAX_REQUESTS, "backbone-http");
    HttpFront front = new HttpFront(server, config, slots, registry, startup);
    server.setExecutor(slots);
    server.createContext("/health", slots.guard(exchange -> exact(exchange,
        List.of("/health", "/health/live", "/health/ready"),
        () -> readOnly(exchange, () -> front.health(exchange)))));
    server.createContext("/metrics", slots.guard(exchange -> exact(exchange, List.of("/metrics"),
        () -> readOnly(exchange, () -> metrics(exchange, registry)))));
    if (config.adminToken() != null) {
      server.createContext(ADMIN, slots.guard(front.work(JSON, STOPPING_JSON, STARTING_JSON,
          (exchange, r) -> admin(exchange, r.admin(), r.token()), true)));
    }
    server.createContext(WEBHOOKS, slots.guard(front.work(TEXT, STOPPING_TEXT, STARTING_TEXT,
        (exchange, r) -> webhook(exchange, r.webhooks()), false)));
    // (a partner sends a refused envelope again after its backoff, to the service restarted)
    server.createContext(TRANSPORT, slots.guard(front.work(TEXT, STOPPING_TEXT, STARTING_TEXT,
        (exchange, r) -> transport(exchange, r.transports()), false)));
    server.createContext("/", slots.guard(HttpFront::notFound));
    server.start();
    LOG.info("answering /health and /metrics on http://{}:{} while the service starts",
        config.bindAddress(), server.getAddress().getPort());
    return front;
  }

  /**
   * The service runs: the admin API (only when the configuration names a token), the webhooks
   * of the sites that take them and the partners' transport are served from now on.
   */
  void running(SyncService service, Sites sites) {
    SyncAdminHandler handler = null;
    byte[] expected = null;
    if (config.adminToken() != null) {
      SyncAdmin.Builder admin = SyncAdmin.builder()
          .authorizer((caller, operation, connector) -> OPERATOR.equals(caller));
      service.running().forEach(r -> admin.engine(r.engine));
      handler = SyncAdminHandler.builder(admin.build()).build();
      expected = sha256("Bearer " + config.adminToken());
    }
    Map<String, JiraWebhookHandler> webhooks = Webhooks.handlers(service.running(), sites);
    Map<String, HttpTransportHandler> transports = new LinkedHashMap<>();
    service.running().stream().filter(r -> r.transport != null)
        .forEach(r -> transports.put(r.id(), r.transport));
    routes = new Routes(service, handler, expected, webhooks, transports);
    LOG.info("serving on http://{}:{} ({}/health, /metrics{}{})", config.bindAddress(),
        server.getAddress().getPort(), config.adminToken() != null ? ADMIN + ", " : "",
        webhooks.keySet().stream().map(site -> ", " + WEBHOOKS + site)
            .collect(Collectors.joining()),
        transports.keySet().stream().map(id -> ", " + TRANSPORT + id)
            .collect(Collectors.joining()));
  }

  /**
   * Stops taking work, the first step of the service's stop: from now on a request to the admin
   * API, a webhook or the transport is answered 503 with {@code Connection: close}, while {@code
   * /health} and {@code /metrics} are answered as before. The requests in progress run to their
   * end and their answers go out (an import is written whole or not at all, and its client reads
   * which), waited for at most {@code grace}; those still running then are ended: their threads
   * are interrupted, and their connections closed at their next read or write. Returns once
   * every request in progress is over or ended; the port stays open until {@link #stop}.
   *
   * @return how many requests were ended
   */
  int finishRequests(Duration grace) {
    draining.set(true);
    int ended = slots.finish(grace);
    if (ended > 0) {
      LOG.warn("{} requests still at work after the grace period of {}: ended", ended, grace);
    }
    return ended;
  }

  /**
   * Closes the port at once: the connections left are closed, the requests still running
   * interrupted. After {@link #finishRequests}, only requests that came during the stop are left.
   */
  void stop() {
    server.stop(0);
    slots.shutdownNow();
  }

  /** A route that works for the service, once it runs. */
  private interface WorkRoute {
    void handle(HttpExchange exchange, Routes routes) throws IOException;
  }

  /**
   * A route that works for the service (a store, the engine, a site), or a 503 with {@code
   * Connection: close} that the route never sees: {@code stopping} once the port stopped taking
   * work ({@link #finishRequests}), {@code starting} until the service runs ({@link #running}).
   *
   * @param admin whether it is the admin API's: a path beside it ({@code /administrator}) is a
   *     404 while it starts too
   */
  private HttpHandler work(String type, String stopping, String starting, WorkRoute route,
      boolean admin) {
    return exchange -> {
      Routes now = routes;
      if (!draining.get() && now != null) {
        route.handle(exchange, now);
        return;
      }
      if (admin && !draining.get() && !adminPath(exchange)) {
        notFound(exchange);
        return;
      }
      try (exchange) {
        exchange.getResponseHeaders().set("Connection", "close");
        send(exchange, 503, type, draining.get() ? stopping : starting);
        drain(exchange.getRequestBody()); // so that a client still sending reads the 503
      }
    };
  }

  /** Whether the path is the admin API's: the JDK's context {@code /admin} takes any prefix. */
  private static boolean adminPath(HttpExchange exchange) {
    String raw = exchange.getRequestURI().getRawPath();
    return raw.equals(ADMIN) || raw.startsWith(ADMIN + "/");
  }

  private static void admin(HttpExchange exchange, SyncAdminHandler handler, byte[] expected)
      throws IOException {
    if (!adminPath(exchange)) {
      notFound(exchange);
      return;
    }
    try (exchange) {
      List<String> given = exchange.getRequestHeaders().get("Authorization");
      String authorization = given != null && given.size() == 1 ? bearer(given.get(0)) : null;
      // compares digests, so the time taken tells nothing about the token or its length
      if (authorization == null
          || !MessageDigest.isEqual(expected, sha256(authorization))) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        // as any refusal: the body is unread, so the connection ends after the answer, and
        // what the client still sends is read on so that it sees the 401, not a reset
        exchange.getResponseHeaders().set("Connection", "close");
        send(exchange, 401, "application/json; charset=utf-8", "{\"status\":401,\"error\":\""
            + (given != null && given.size() > 1 ? "the Authorization header was given "
                + given.size() + " times; send one bearer token"
                : "a valid bearer token is required")
            + "\",\"problems\":[],\"problemCount\":0}"); // the admin API's error shape
        drain(exchange.getRequestBody());
        return;
      }
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath().substring(ADMIN.length());
      AdminResponse response;
      try {
        AdminRequest request = new AdminRequest(method, path, null, null, OPERATOR,
            AdminRequest.parseQuery(exchange.getRequestURI().getRawQuery()));
        response = handler.handle(request, contentType(exchange), exchange.getRequestBody());
      } catch (AdminException refused) { // a query that is not percent-encoded UTF-8
        response = handler.refused(refused);
      }
      response.headers().forEach(exchange.getResponseHeaders()::set);
      if (response.status() >= 400) {
        // the body may be unread (over the limit, or refused before it was read)
        exchange.getResponseHeaders().set("Connection", "close");
      }
      byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
      if (method.equals("HEAD")) {
        sendHead(exchange, response.status(), bytes.length);
        return;
      }
      exchange.sendResponseHeaders(response.status(), bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.getResponseBody().flush();
      drain(exchange.getRequestBody());
    }
  }

  /**
   * Reads on what is left of a request body, up to {@link #MAX_DRAINED_BYTES}, after the answer
   * went out. Closing a connection with unread bytes makes the kernel reset it, and a client
   * still sending then sees "connection reset" instead of the 413 sent to it; a client that
   * reads the answer while it sends (curl) stops, and one that sends first and reads after gets
   * the answer for a body up to that bound.
   */
  private static void drain(InputStream body) {
    try {
      long left = MAX_DRAINED_BYTES;
      byte[] buffer = new byte[8192];
      for (int n; left > 0 && (n = body.read(buffer, 0,
          (int) Math.min(buffer.length, left))) >= 0; ) {
        left -= n;
      }
    } catch (IOException gone) { // the client went away: nothing left to answer
      LOG.debug("request body not drained: {}", gone.toString());
    }
  }

  /**
   * {@code /transport/<synchronization id>}: the envelopes of the partner service of a
   * synchronization that has one, checked by the transport's handler (signature, partner,
   * window, replays, size) before anything is stored.
   */
  private static void transport(HttpExchange exchange,
      Map<String, HttpTransportHandler> handlers) throws IOException {
    try (exchange) {
      HttpTransportHandler handler = named(exchange, TRANSPORT, handlers, "no partner sends here");
      if (handler == null) {
        return;
      }
      if (exchange.getRequestMethod().equals("GET")) {
        content(exchange, handler.content("GET",
            joined(exchange, "Authorization"),
            exchange.getRequestHeaders().getFirst("Range")));
        return;
      }
      HttpTransportHandler.Response answer =
          handler.handle(exchange.getRequestMethod(), exchange.getRequestBody());
      if (answer.status() == 405) {
        exchange.getResponseHeaders().set("Allow", "GET, POST"); // GET: attachment content
      }
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
      exchange.sendResponseHeaders(answer.status(), answer.body().length);
      exchange.getResponseBody().write(answer.body());
    }
  }

  /**
   * An attachment's content for the partner service (a GET on the transport route): streamed
   * from the tracker as the handler gives it, never held whole.
   */
  private static void content(HttpExchange exchange, HttpTransportHandler.ContentResponse answer)
      throws IOException {
    answer.headers().forEach(exchange.getResponseHeaders()::set);
    try (InputStream body = answer.body()) {
      exchange.sendResponseHeaders(answer.status(), answer.length() == 0 ? -1 : answer.length());
      if (answer.length() > 0) {
        body.transferTo(exchange.getResponseBody());
      }
    }
  }

  /**
   * The handler the path names after {@code prefix} (a site, a synchronization), or null once a
   * 404 saying {@code none} is sent.
   */
  private static <H> H named(HttpExchange exchange, String prefix, Map<String, H> handlers,
      String none) throws IOException {
    H handler = handlers.get(exchange.getRequestURI().getRawPath().substring(prefix.length()));
    if (handler == null) {
      send(exchange, 404, "text/plain; charset=utf-8", none + "\n");
    }
    return handler;
  }

  /**
   * Runs a route that only reads ({@code /health...}, {@code /metrics}) for GET and HEAD without
   * a query (one is refused as the admin API refuses a parameter its route does not take: {@link
   * NoQuery}); any other method is answered 405 with {@code Allow}, as nothing there can be
   * posted or deleted.
   */
  private static void readOnly(HttpExchange exchange, Route route) throws IOException {
    String method = exchange.getRequestMethod();
    if (method.equals("GET") || method.equals("HEAD")) {
      AdminResponse refused = NoQuery.refusal("GET " + exchange.getRequestURI().getRawPath(),
          exchange.getRequestURI().getRawQuery());
      if (refused == null) {
        route.run();
        return;
      }
      try (exchange) {
        refuse(exchange, refused);
      }
      return;
    }
    try (exchange) {
      exchange.getResponseHeaders().set("Allow", READ_ONLY);
      refuse(exchange, JsonErrors.of(405, "method " + quote(method) + " is not allowed on "
          + exchange.getRequestURI().getRawPath() + "; allowed: " + READ_ONLY));
    }
  }

  /** A 405 of a POST-only handler says what is allowed. */
  private static void allowPostOn405(HttpExchange exchange, int status) {
    if (status == 405) {
      exchange.getResponseHeaders().set("Allow", "POST");
    }
  }

  /** What a route does once its path is known to be one of its own. */
  private interface Route {
    void run() throws IOException;
  }

  /**
   * Runs a route only for its exact paths: the JDK matches contexts by prefix, so {@code
   * /healthz} would reach {@code /health}.
   */
  private static void exact(HttpExchange exchange, List<String> paths, Route route)
      throws IOException {
    if (paths.contains(exchange.getRequestURI().getRawPath())) {
      route.run();
      return;
    }
    notFound(exchange);
  }

  /**
   * 404 for a path the port serves nothing at, in the admin API's error shape ({@link
   * JsonErrors}), as every refusal of the service's own routes.
   */
  private static void notFound(HttpExchange exchange) throws IOException {
    try (exchange) {
      refuse(exchange, JsonErrors.of(404, "no resource at "
          + quote(exchange.getRequestURI().getRawPath())));
    }
  }

  /** Sends a refusal of the service's own routes, its headers ({@code Allow}) and JSON body. */
  private static void refuse(HttpExchange exchange, AdminResponse refusal) throws IOException {
    refusal.headers().forEach(exchange.getResponseHeaders()::set);
    send(exchange, refusal.status(), refusal.headers().get("Content-Type"), refusal.body());
  }

  /** {@code /webhooks/<site name>}: Jira's webhooks of a site that takes them. */
  private static void webhook(HttpExchange exchange, Map<String, JiraWebhookHandler> handlers)
      throws IOException {
    try (exchange) {
      JiraWebhookHandler handler = named(exchange, WEBHOOKS, handlers,
          "no webhooks are taken here");
      if (handler == null) {
        return;
      }
      JiraWebhookHandler.Response answer = handler.handle(exchange.getRequestMethod(),
          name -> joined(exchange, name), exchange.getRequestBody());
      allowPostOn405(exchange, answer.status());
      send(exchange, answer.status(), "text/plain; charset=utf-8", answer.body() + "\n");
    }
  }

  private void health(HttpExchange exchange) throws IOException {
    Routes now = routes;
    if (now == null) {
      try (exchange) {
        boolean live = exchange.getRequestURI().getPath().equals("/health/live");
        send(exchange, live ? 200 : 503, JSON, "{\"live\":true,\"ready\":false,\"state\":\""
            + SyncService.Phase.STARTING + "\",\"waitingFor\":" + quote(startup.waitingFor())
            + ",\"synchronizations\":[]}");
      }
      return;
    }
    health(exchange, now.service());
  }

  private static void health(HttpExchange exchange, SyncService service) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      boolean ready = !service.stopping();
      StringBuilder body = new StringBuilder("{\"live\":true,\"ready\":");
      StringBuilder syncs = new StringBuilder();
      for (SyncService.Running r : service.running()) {
        // the service's phase: it runs the engines' steps itself, so theirs stay NEW
        syncs.append(syncs.isEmpty() ? "" : ",").append("{\"id\":").append(quote(r.id()))
            .append(",\"state\":\"").append(service.phase()).append("\",\"roundSince\":")
            .append(quote(r.roundSince)).append(",\"connectors\":{");
        String sep = "";
        for (Map.Entry<String, ConnectorHealth> e : r.connectors.entrySet()) {
          ConnectorHealth h = e.getValue();
          boolean healthy = h.healthy();
          ready &= healthy;
          syncs.append(sep).append(quote(e.getKey())).append(":{\"healthy\":")
              .append(healthy).append(",\"lastSuccess\":").append(quote(h.lastSuccess()))
              .append(",\"lastFailure\":").append(quote(h.lastFailure()))
              .append(",\"lastError\":").append(quote(h.lastError())).append('}');
          sep = ",";
        }
        syncs.append("}}");
      }
      body.append(ready).append(",\"synchronizations\":[").append(syncs).append("]}");
      int status = path.equals("/health/live") || ready ? 200 : 503;
      send(exchange, status, "application/json; charset=utf-8", body.toString());
    }
  }

  private static void metrics(HttpExchange exchange, PrometheusMeterRegistry registry)
      throws IOException {
    try (exchange) {
      send(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    if (exchange.getRequestMethod().equals("HEAD")) {
      sendHead(exchange, status, bytes.length);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /**
   * Answers a HEAD with the headers a GET would get, its body's length among them (RFC 9110,
   * 9.3.2): the JDK's server announces none when told there is no body to send.
   */
  private static void sendHead(HttpExchange exchange, int status, int length) throws IOException {
    exchange.getResponseHeaders().set("Content-Length", Integer.toString(length));
    exchange.sendResponseHeaders(status, -1);
  }

  private static String quote(Object value) {
    if (value == null) {
      return "null";
    }
    StringBuilder s = new StringBuilder("\"");
    for (char c : value.toString().toCharArray()) {
      if (c == '"' || c == '\\') {
        s.append('\\').append(c);
      } else if (c < 0x20) {
        s.append(String.format("\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    return s.append('"').toString();
  }

  /**
   * Every value of a header joined with {@code ", "} (RFC 9110, 5.3), or null when it is absent:
   * how the webhooks and the transport read a header that authenticates, so that one sent twice
   * is refused (401, saying so) instead of its first value checked.
   */
  private static String joined(HttpExchange exchange, String header) {
    List<String> values = exchange.getRequestHeaders().get(header);
    return values == null || values.isEmpty() ? null : String.join(", ", values);
  }

  /**
   * The request's {@code Content-Type} for the admin API, which refuses (415) a body it reads
   * under any type but JSON: null when none was sent, two joined with a comma (and so refused).
   */
  private static String contentType(HttpExchange exchange) {
    List<String> values = exchange.getRequestHeaders().get("Content-Type");
    return values == null || values.isEmpty() ? null : String.join(", ", values);
  }

  /** The header with its scheme written {@code Bearer}: the scheme's case does not matter. */
  private static String bearer(String authorization) {
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return "Bearer " + authorization.substring(7);
    }
    return authorization;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
