package org.backbonesync.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.backbonesync.core.ConfigurationException;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncConfigurationJson;
import org.backbonesync.jira.JiraCredentials;
import org.backbonesync.jira.JiraFlavour;
import org.backbonesync.jira.JiraSite;
import org.backbonesync.spi.internal.BeyondDoubleAsDecimal;
import org.backbonesync.spi.internal.ParserPlace;
import org.backbonesync.spi.message.StrictJson;

/**
 * The service's file, read once and checked whole: every problem is reported with its JSON path
 * in the file, every unknown key anywhere included. Secrets are read from the environment
 * variables the file names and never shown.
 *
 * <pre>
 * {
 *   "sites": {
 *     "support": {"url": "https://support.atlassian.net", "auth": "apiToken",
 *                 "emailEnv": "JIRA_A_EMAIL", "tokenEnv": "JIRA_A_TOKEN", "requestsPerSecond": 5,
 *                 "webhookSecretEnv": "JIRA_A_WEBHOOK_SECRET"},
 *     "dev": {"url": "https://jira.dev.example.com", "flavour": "server",
 *             "auth": "personalAccessToken", "tokenEnv": "JIRA_B_TOKEN"}
 *   },
 *   "synchronizations": [
 *     {"siteA": "support", "siteB": "dev", "sync": { ...the sync configuration... }}
 *   ],
 *   "store": {"directory": "backbone-data"},
 *   "server": {"port": 8080, "adminTokenEnv": "BACKBONE_ADMIN_TOKEN"},
 *   "pollInterval": "PT30S"
 * }
 * </pre>
 */
record ServiceConfig(Path file, Map<String, Site> sites, List<Sync> synchronizations,
    Store store, Server server) {

  static final Set<String> ROOT = Set.of("sites", "synchronizations", "store", "server",
      "pollInterval");
  static final Set<String> SITE = Set.of("url", "flavour", "auth", "emailEnv", "tokenEnv",
      "userEnv", "passwordEnv", "requestsPerSecond", "endpointPace", "issueWritePace",
      "allowInsecure", "webhookSecretEnv", "webhooksUnsigned", "notFoundIsDeleted");
  static final Set<String> PACE = Set.of("perSecond", "burst");
  static final Set<String> SYNC = Set.of("siteA", "siteB", "partnerA", "partnerB", "sync",
      "pollInterval");
  static final Set<String> PARTNER = Set.of("url", "keyId", "keyEnv", "allowInsecure");
  /** A name that is a path segment of the service's port as it is. */
  static final Pattern ROUTE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
  /** A place of the sync configuration a core message names, e.g. {@code $.fieldMappings[0]}. */
  private static final Pattern CORE_PLACE = Pattern.compile("\\$(\\.fieldMappings\\[\\d+])");
  /** A member name a JSON path shows after a dot; any other goes in brackets, quoted. */
  private static final Pattern PLAIN_MEMBER = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,99}");
  static final Set<String> STORE = Set.of("directory", "jdbcUrl", "user", "passwordEnv",
      "maximumPoolSize");
  static final Set<String> SERVER = Set.of("port", "bindAddress", "adminTokenEnv");
  /** A poll interval's bounds: scheduled in whole millis; a day is the longest safety poll. */
  static final Duration MIN_INTERVAL = Duration.ofMillis(10);
  static final Duration MAX_INTERVAL = Duration.ofDays(1);
  /**
   * A request rate's bounds (0 aside) as a refusal names them: the adapter's, {@link
   * JiraSite#MIN_RATE} and {@link JiraSite#MAX_RATE} (1e-9 made the service hang silently).
   */
  private static final String RATES = "from 0.01 to 10000";
  /**
   * A variable name shown in a refusal: upper case with underscores, or short; anything else may
   * be a secret given in its place (an access key id is 20 capitals and digits).
   */
  private static final Pattern VARIABLE_NAME =
      Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)+|[A-Z][A-Z0-9]{0,11}");
  /** An {@code auth} value shown in a refusal: a short word, as a typo of one of the three is. */
  private static final Pattern AUTH_LIKE = Pattern.compile("[A-Za-z][A-Za-z _-]{0,29}");
  /** The {@code auth} values, lower case, without spaces, for {@code shownAuth}'s comparison. */
  private static final List<String> AUTHS = List.of("apitoken", "personalaccesstoken",
      "password");
  /**
   * Strict, and decimals read exactly, as written (1024.0 stays 1024.0, not Jackson's stripped
   * 1024), so that a refusal of the service's own keys names a value as the file gives it (0.10,
   * 1E+400); the sync parts go on to the library from {@link #AS_LIBRARY}'s reading.
   */
  private static final ObjectMapper JSON = StrictJson.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();
  /**
   * Strict, with numbers as the library's configuration reader reads them (1.5e1 a double 15.0,
   * -0.0 a negative zero, where exact decimals give 15 and 0.0): a synchronization's {@code sync}
   * part goes on to the library as text from this reading ({@link BeyondDoubleAsDecimal}).
   */
  private static final ObjectMapper AS_LIBRARY = StrictJson.builder().build();

  /**
   * A Jira site; {@code path} is where it is in the file, e.g. {@code $.sites.dev}. Its webhooks
   * are taken at {@code /webhooks/<name>} when it has a {@code webhookSecret} (signed) or
   * {@code webhooksUnsigned}. {@code notFoundIsDeleted} takes every 404 for an issue as its
   * deletion ({@code JiraSite.Builder.notFoundIsDeleted}).
   */
  record Site(String name, String path, URI url, JiraFlavour flavour, JiraCredentials credentials,
      double requestsPerSecond, Pace endpointPace, Pace issueWritePace, boolean allowInsecure,
      String webhookSecret, boolean webhooksUnsigned, boolean notFoundIsDeleted) {
    /** Whether the service takes this site's webhooks. */
    boolean webhooks() {
      return webhookSecret != null || webhooksUnsigned;
    }

    @Override
    public String toString() {
      return "site " + name + " (" + url + ")";
    }
  }

  /**
   * A site's pace for each endpoint and method, or for the writes to one issue ({@code
   * JiraSite.Builder.endpointRequestsPerSecond}, {@code issueWritesPerSecond}); null in a {@link
   * Site} keeps the adapter's default (on Cloud only).
   */
  record Pace(double perSecond, int burst) {}

  /**
   * The other service that runs one side of a synchronization, reached over the HTTP transport:
   * its endpoint ({@code /transport/<synchronization id>} of that service) and the secret both
   * sides sign envelopes with, under {@code keyId}.
   */
  record Partner(String path, URI url, String keyId, byte[] secret) {
    @Override
    public String toString() {
      return "partner " + url;
    }
  }

  /**
   * One synchronization; {@code path} is e.g. {@code $.synchronizations[0]}. Each side is a site
   * of this service or, for one side at most, a partner service (the other is then null).
   */
  record Sync(String path, SyncConfiguration configuration, Site siteA, Site siteB,
      Duration pollInterval, Partner partnerA, Partner partnerB) {
    /** The local sites of this synchronization, A's first. */
    List<Site> sites() {
      List<Site> local = new ArrayList<>(2);
      if (siteA != null) {
        local.add(siteA);
      }
      if (siteB != null) {
        local.add(siteB);
      }
      return local;
    }

    /** The partner service, or null when both sides are sites of this service. */
    Partner partner() {
      return partnerA != null ? partnerA : partnerB;
    }

    /** A side for a log line or a message: {@code PA on site cloud (https://...)} or its partner. */
    String describe(boolean sideA) {
      var connector = sideA ? configuration.connectorA() : configuration.connectorB();
      Site site = sideA ? siteA : siteB;
      return connector.projectKey() + (site != null ? " on " + site
          : " at " + (sideA ? partnerA : partnerB));
    }

    /** A problem the core reports under the sync configuration's own root, as in the file. */
    ConfigurationProblem inFile(ConfigurationProblem p) {
      return ServiceConfig.inFile(path, p);
    }
  }

  /** H2 files in {@code directory}, or a database at {@code jdbcUrl} (then directory is null). */
  record Store(Path directory, String jdbcUrl, String user, String password, int maximumPoolSize) {
    @Override
    public String toString() {
      return directory != null ? "H2 files in " + directory : "database " + shownUrl(jdbcUrl);
    }

    /** Whether a JDBC URL has a user part ({@code //user:password@}) or a password parameter. */
    static boolean holdsCredentials(String url) {
      String[] parts = url.split("[?;]", 2);
      int authority = parts[0].indexOf("//");
      return authority >= 0 && parts[0].indexOf('@', authority) >= 0
          || parts.length > 1 && parts[1].toLowerCase(Locale.ROOT).contains("password");
    }

    /**
     * A JDBC URL without what may hold a password: its parameters ({@code ?...}, {@code ;...})
     * and a user part ({@code //user:password@}).
     */
    static String shownUrl(String url) {
      String[] parts = url.split("[?;]", 2);
      String base = parts[0];
      int at = base.lastIndexOf('@');
      int authority = base.indexOf("//");
      if (at >= 0) { // (a password may hold '/' or '@': everything up to the last '@' goes)
        base = (authority >= 0 && authority < at ? base.substring(0, authority + 2) : "")
            + "***" + base.substring(at);
      }
      return base + (parts.length > 1 ? "?…" : "");
    }
  }

  /** The HTTP port; {@code adminToken} null when the admin API is not served. */
  record Server(String bindAddress, int port, String adminToken) {
    /** Without the token. */
    @Override
    public String toString() {
      return "server " + bindAddress + ":" + port + (adminToken != null ? " with admin API" : "");
    }
  }

  /** The longest configuration file read: far above any real one. */
  static final int MAX_FILE_BYTES = 10 << 20;

  /**
   * The file's text: a regular file (a FIFO would block the read for good, and a signal could
   * not end it: helper-91) of at most {@link #MAX_FILE_BYTES}, in UTF-8.
   */
  private static String readSmallFile(Path file) throws IOException {
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw new ServiceFailure(ServiceMain.CONFIGURATION, file + ": not a regular file");
    }
    byte[] bytes;
    try (var in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new ServiceFailure(ServiceMain.CONFIGURATION, file + ": larger than "
          + MAX_FILE_BYTES + " bytes; a configuration is far smaller");
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new ServiceFailure(ServiceMain.CONFIGURATION, file + ": not UTF-8 text (at byte "
          + firstMalformed(bytes) + ")");
    }
  }

  /** The offset of the first byte that is not part of well-formed UTF-8. */
  private static int firstMalformed(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    StandardCharsets.UTF_8.newDecoder().decode(in, CharBuffer.allocate(bytes.length + 1), true);
    return in.position();
  }

  /**
   * Reads and checks the file.
   *
   * @throws ServiceFailure (exit code {@link ServiceMain#CONFIGURATION}) with one line per problem,
   *     in the order of their places in the file ({@link FileOrder})
   */
  static ServiceConfig read(Path file, Map<String, String> env) {
    String text;
    try {
      text = readSmallFile(file);
    } catch (NoSuchFileException e) {
      throw new ServiceFailure(ServiceMain.CONFIGURATION, file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new ServiceFailure(ServiceMain.CONFIGURATION, file + ": not readable");
    } catch (IOException e) {
      throw new ServiceFailure(ServiceMain.CONFIGURATION, file + ": cannot be read: "
          + e);
    }
    JsonNode root = parse(file, text, JSON);
    return new Reader(file, env, parse(file, text, AS_LIBRARY)).read(root);
  }

  /**
   * The file's JSON tree, read through a parser of its own: its position locates a refusal that
   * carries no location (nesting deeper than {@link StrictJson#MAX_NESTING_DEPTH}), and names
   * the path where it stopped and a number over the length limit, as written and cut.
   */
  private static JsonNode parse(Path file, String text, ObjectMapper mapper) {
    try (JsonParser parser = new BeyondDoubleAsDecimal(mapper.createParser(text))) {
      try {
        return mapper.readTree(parser);
      } catch (JsonProcessingException e) {
        var at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
        String number = e instanceof StreamConstraintsException limit
            ? ParserPlace.longNumber(limit, parser, text, 40) : "";
        throw new ServiceFailure(ServiceMain.CONFIGURATION, file + ": not valid JSON at line "
            + at.getLineNr() + ", column " + at.getColumnNr() + ": " + StrictJson.reason(e)
            + ParserPlace.at(parser) + number);
      }
    } catch (IOException e) { // (a String's reader does not fail)
      throw new UncheckedIOException(e);
    }
  }

  /** Collects every problem of one file. */
  private static final class Reader {
    private final Path file;
    private final Map<String, String> env;
    /** The file as the library reads it, for the {@code sync} parts it is given as text. */
    private final JsonNode asLibrary;
    private final List<ConfigurationProblem> problems = new ArrayList<>();
    /** What each synchronization names, read whatever else is wrong with it. */
    private final List<Names> names = new ArrayList<>();
    /** The sites the synchronizations name as a side, found under {@code $.sites}. */
    private final Set<String> used = new LinkedHashSet<>();

    Reader(Path file, Map<String, String> env, JsonNode asLibrary) {
      this.file = file;
      this.env = env;
      this.asLibrary = asLibrary;
    }

    /**
     * What is wrong with a required object or array that is not there, not of its kind, or
     * empty: "missing", "must be" or "is empty", saying what it should hold.
     *
     * @param what what it holds, e.g. "an object of sites by name"
     * @param example an example of it in JSON
     */
    private static String absent(JsonNode node, String what, String example) {
      if (node == null) {
        return "missing: " + what + ", e.g. " + example;
      }
      boolean kind = what.startsWith("an object") ? node.isObject() : node.isArray();
      if (!kind) {
        return "must be " + what + ", e.g. " + example + ", was " + ServiceFailure.printable(
            node.toString(), 100);
      }
      return "is empty: give " + what.replaceFirst("^an? (object|array) of ", "") + ", e.g. "
          + example;
    }

    ServiceConfig read(JsonNode root) {
      if (root == null || !root.isObject()) {
        throw failure(List.of(new ConfigurationProblem("$", "must be a JSON object")));
      }
      known("$", root, ROOT);
      Duration defaultInterval = duration("$.pollInterval", root.get("pollInterval"),
          Duration.ofSeconds(30));
      Map<String, Site> sites = new LinkedHashMap<>();
      JsonNode sitesNode = root.get("sites");
      if (sitesNode == null || !sitesNode.isObject() || sitesNode.isEmpty()) {
        add("$.sites", absent(sitesNode, "an object of sites by name",
            "{\"a\": {\"url\": ...}}"));
      } else {
        sitesNode.fields().forEachRemaining(e -> {
          Site site = site(member("$.sites", e.getKey()), e.getKey(), e.getValue());
          if (site != null) {
            sites.put(e.getKey(), site);
          }
        });
      }
      List<Sync> syncs = new ArrayList<>();
      JsonNode syncsNode = root.get("synchronizations");
      if (syncsNode == null || !syncsNode.isArray() || syncsNode.isEmpty()) {
        add("$.synchronizations", absent(syncsNode, "an array of at least one synchronization",
            "[{\"siteA\": ..., \"siteB\": ..., \"sync\": {...}}]"));
      } else {
        FieldMappingRegistry registry = FieldMappingRegistry.discover(
            ServiceConfig.class.getClassLoader());
        for (int i = 0; i < syncsNode.size(); i++) {
          Sync sync = sync("$.synchronizations[" + i + "]", syncsNode.get(i), sitesNode, sites,
              registry, defaultInterval);
          if (sync != null) {
            syncs.add(sync);
          }
        }
        unique();
      }
      Store store = store(root.get("store"));
      Server server = server(root.get("server"));
      routes(sitesNode);
      if (root.get("server") == null) {
        noPort(sitesNode);
      }
      if (!problems.isEmpty()) {
        throw failure(FileOrder.sorted(root, problems));
      }
      return new ServiceConfig(file, sites, List.copyOf(syncs), store, server);
    }

    private ServiceFailure failure(List<ConfigurationProblem> all) {
      return new ServiceFailure(ServiceMain.CONFIGURATION,
          all.stream().map(p -> file + ": " + p.path() + ": " + p.message()).toList());
    }

    private void add(String path, String message) {
      problems.add(new ConfigurationProblem(path, message));
    }

    private void known(String path, JsonNode node, Set<String> keys) {
      node.fieldNames().forEachRemaining(k -> {
        if (!keys.contains(k)) {
          add(member(path, k), "unknown key; known: " + new TreeSet<>(keys));
        }
      });
    }

    /**
     * A poll interval (the file's only duration, at the root and per synchronization): from
     * {@link #MIN_INTERVAL} to {@link #MAX_INTERVAL}, in whole milliseconds, which it is
     * scheduled in ({@code PT0.0101S} was taken as 10 ms). Lower-case letters are read as {@code
     * Duration.parse} reads them ({@code pt30s} is 30 s): a file that worked keeps working.
     */
    private Duration duration(String path, JsonNode node, Duration otherwise) {
      if (node == null) {
        return otherwise;
      }
      String why = "";
      try {
        Duration d = Duration.parse(node.asText());
        if (!node.isTextual() || d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
          throw new DateTimeParseException("out of range", node.asText(), 0);
        }
        if (d.getNano() % 1_000_000 != 0) {
          why = ": finer than a millisecond, which the poll is scheduled in";
        } else {
          return d;
        }
      } catch (DateTimeParseException e) {
        // refused below, with what it was
      }
      add(path, "must be an ISO-8601 duration from " + MIN_INTERVAL + " to " + MAX_INTERVAL
          + " (e.g. \"PT30S\"), was " + ServiceFailure.printable(node.toString(), 100) + why);
      return otherwise;
    }

    /**
     * Whether a request rate is 0 (none) or within [{@link JiraSite#MIN_RATE}, {@link
     * JiraSite#MAX_RATE}].
     */
    private static boolean rate(double perSecond) {
      return perSecond == 0 || perSecond >= JiraSite.MIN_RATE && perSecond <= JiraSite.MAX_RATE;
    }

    /**
     * A number setting as the double it reads as; NaN (no rate) for anything else, and for a
     * number a double does not hold: {@code 1e-400}, read as 0, was taken for "no limit".
     */
    private static double number(JsonNode node) {
      if (node == null || !node.isNumber()) {
        return Double.NaN;
      }
      double d = node.doubleValue();
      boolean underflow = d == 0 && node.isBigDecimal() && node.decimalValue().signum() != 0;
      return Double.isFinite(d) && !underflow ? d : Double.NaN;
    }

    private Site site(String path, String name, JsonNode node) {
      if (!node.isObject()) {
        add(path, "must be an object: {\"url\": ..., \"auth\": ...}");
        return null;
      }
      known(path, node, SITE);
      int before = problems.size();
      boolean insecure = flag(path, node, "allowInsecure");
      URI url = url(path + ".url", node.get("url"), insecure);
      JiraCredentials credentials = credentials(path, node);
      JiraFlavour flavour = flavour(path, node);
      double perSecond = 10;
      if (node.has("requestsPerSecond")) {
        JsonNode n = node.get("requestsPerSecond");
        if (!rate(number(n))) {
          add(path + ".requestsPerSecond", "must be 0 (no limit) or a number " + RATES
              + ", was " + n);
        } else {
          perSecond = number(n);
        }
      }
      Pace endpoint = pace(path + ".endpointPace", node.get("endpointPace"));
      Pace issueWrites = pace(path + ".issueWritePace", node.get("issueWritePace"));
      String webhookSecret = node.has("webhookSecretEnv")
          ? secret(path, "webhookSecretEnv", node) : null;
      if (webhookSecret != null && webhookSecret.length() < 16) {
        // (one signed webhook seen would let anyone try every short secret offline)
        add(path + ".webhookSecretEnv", "the secret in " + text(node.get("webhookSecretEnv"))
            + " is shorter than 16 characters");
      }
      boolean unsigned = flag(path, node, "webhooksUnsigned");
      if (unsigned && node.has("webhookSecretEnv")) {
        add(path + ".webhooksUnsigned", "contradicts webhookSecretEnv: signed webhooks are"
            + " checked, so set one of them");
      }
      boolean notFoundIsDeleted = flag(path, node, "notFoundIsDeleted");
      return problems.size() > before ? null
          : new Site(name, path, url, flavour, credentials, perSecond, endpoint, issueWrites,
              insecure, webhookSecret, unsigned, notFoundIsDeleted);
    }

    /** The site's credentials from the environment variables its {@code auth} names. */
    private JiraCredentials credentials(String path, JsonNode node) {
      String auth = text(node.get("auth"));
      return switch (auth) {
        case "apiToken" -> {
          String email = secret(path, "emailEnv", node);
          String token = secret(path, "tokenEnv", node);
          yield email == null || token == null ? null
              : credentials(path, () -> JiraCredentials.apiToken(email, token));
        }
        case "personalAccessToken" -> {
          String token = secret(path, "tokenEnv", node);
          yield token == null ? null
              : credentials(path, () -> JiraCredentials.personalAccessToken(token));
        }
        case "password" -> {
          String user = secret(path, "userEnv", node);
          String password = secret(path, "passwordEnv", node);
          yield user == null || password == null ? null
              : credentials(path, () -> JiraCredentials.password(user, password));
        }
        default -> {
          add(path + ".auth", "must be apiToken, personalAccessToken or password, was "
              + shownAuth(node.get("auth")));
          yield null;
        }
      };
    }

    /** The site's {@code flavour} when given, else null (detected when signing in). */
    private JiraFlavour flavour(String path, JsonNode node) {
      if (!node.has("flavour")) {
        return null;
      }
      return switch (text(node.get("flavour")).toLowerCase(Locale.ROOT)) {
        case "cloud" -> JiraFlavour.CLOUD;
        case "server", "datacenter", "data center" -> JiraFlavour.SERVER;
        default -> {
          add(path + ".flavour", "must be cloud or server, was " + node.get("flavour"));
          yield null;
        }
      };
    }

    /**
     * Credentials the adapter makes, or null with its refusal at the site's path (an e-mail
     * address or user name with a colon, which basic authentication cannot carry); the
     * adapter's refusals never show a secret.
     */
    private JiraCredentials credentials(String path, Supplier<JiraCredentials> making) {
      try {
        return making.get();
      } catch (IllegalArgumentException e) {
        add(path, e.getMessage());
        return null;
      }
    }

    private URI url(String path, JsonNode node, boolean insecure) {
      boolean partner = path.endsWith("partnerA.url") || path.endsWith("partnerB.url");
      if (node == null || !node.isTextual() || node.asText().isBlank()) {
        add(path, partner
            ? "missing: the partner service's transport URL, e.g."
                + " \"https://their.example.com/transport/<sync id>\""
            : "missing: the site's base URL, e.g. \"https://example.atlassian.net\"");
        return null;
      }
      URI url;
      try {
        url = new URI(node.asText());
      } catch (java.net.URISyntaxException e) {
        // (its message quotes the text, which may hold a password: the reason and place only)
        add(path, "not a URL: " + e.getReason()
            + (e.getIndex() < 0 ? "" : " at index " + e.getIndex()));
        return null;
      }
      try {
        // the adapter's own check: http(s) with a host, no user info, query or fragment
        org.backbonesync.jira.JiraSite.builder(url);
      } catch (IllegalArgumentException e) {
        // (its advice is a site's: a partner has no credentials to give, nor is it Jira;
        // ServiceConfigTest pins both texts)
        add(path, partner ? e.getMessage()
            .replace(" (give them as credentials)", " (the envelopes are signed with the"
                + " partner's key; nothing else is sent)")
            .replace("the https URL of the site, e.g. https://example.atlassian.net", "the"
                + " https URL of the partner's transport, e.g."
                + " https://their.example.com/transport/<sync id>")
            : e.getMessage());
        return null;
      }
      if ("http".equalsIgnoreCase(url.getScheme()) && !insecure) {
        add(path, "is http: the credentials and everything synced would travel in clear text;"
            + " use https, or set \"allowInsecure\": true here for a network you trust");
        return null;
      }
      return url;
    }

    /**
     * An {@code auth} value that is none of the three, as a refusal shows it: a typo of one of
     * them as written (letters, within three edits of one, case, spaces, '_' and '-' aside),
     * anything else not at all, since a token pasted there would be logged (found by a trial
     * run), and so would a password of letters only ("correcthorsebatterystaple").
     */
    private static String shownAuth(JsonNode auth) {
      if (auth == null) {
        return "missing";
      }
      if (!auth.isTextual()) {
        return typeOf(auth);
      }
      String text = auth.asText();
      String word = text.toLowerCase(Locale.ROOT).replaceAll("[ _-]", "");
      return AUTH_LIKE.matcher(text).matches()
          && AUTHS.stream().anyMatch(a -> edits(word, a) <= 3) ? "\"" + text + "\""
          : "a text that is not shown (a secret pasted in its place?)";
    }

    /** The edit distance of two short words (insertions, deletions, substitutions). */
    private static int edits(String a, String b) {
      int[] row = new int[b.length() + 1];
      for (int j = 0; j <= b.length(); j++) {
        row[j] = j;
      }
      for (int i = 1; i <= a.length(); i++) {
        int diagonal = row[0];
        row[0] = i;
        for (int j = 1; j <= b.length(); j++) {
          int above = row[j];
          row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1),
              diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
          diagonal = above;
        }
      }
      return row[b.length()];
    }

    /**
     * The value of the environment variable a {@code …Env} key names, without the spaces and line
     * breaks around it (an env file written on Windows leaves {@code \r} at its end); a control
     * character left inside is refused, saying where, never the value.
     */
    private String secret(String path, String key, JsonNode site) {
      JsonNode node = site.get(key);
      if (node != null && !node.isTextual()) {
        // (the value is not shown: a number there may be a secret pasted in its place)
        add(path + "." + key, "must be the name of an environment variable (a string), was "
            + typeOf(node));
        return null;
      }
      String variable = text(node);
      if (variable.isEmpty()) {
        add(path + "." + key, "missing: the name of the environment variable that holds it");
        return null;
      }
      String named = VARIABLE_NAME.matcher(variable).matches() ? "environment variable " + variable
          : "the environment variable it names (not shown: not like a variable's name, is it a"
              + " secret pasted in its place?)";
      String value = env.get(variable);
      if (value == null || value.isBlank()) {
        add(path + "." + key, named + (value == null ? " is not set" : " is empty"));
        return null;
      }
      value = value.strip();
      for (int i = 0; i < value.length(); i++) {
        if (Character.isISOControl(value.charAt(i))) {
          add(path + "." + key, named + " has a control character inside its value"
              + String.format(" (U+%04X, not shown);", (int) value.charAt(i))
              + " only the spaces and line breaks around a value are dropped");
          return null;
        }
      }
      return value;
    }

    /** A JSON value's type, e.g. {@code a number}, {@code an array}. */
    private static String typeOf(JsonNode node) {
      String type = node.getNodeType().toString().toLowerCase(Locale.ROOT);
      return (type.matches("[aeiou].*") ? "an " : "a ") + type;
    }

    private static String text(JsonNode node) {
      return node != null && node.isTextual() ? node.asText() : "";
    }

    /** The {@code sync} part at {@code path} (a synchronization's), as the library reads it. */
    private JsonNode asLibrary(String path) {
      return asLibrary.at(path.substring(1).replace('.', '/').replace("[", "/").replace("]", "")
          + "/sync");
    }

    private Sync sync(String path, JsonNode node, JsonNode sitesNode, Map<String, Site> sites,
        FieldMappingRegistry registry, Duration defaultInterval) {
      if (!node.isObject()) {
        add(path, "must be an object: {\"siteA\": ..., \"siteB\": ..., \"sync\": {...}}");
        return null;
      }
      known(path, node, SYNC);
      int before = problems.size();
      boolean twoPartners = node.has("partnerA") && node.has("partnerB");
      if (twoPartners) {
        add(path + ".partnerB", "only one side can be a partner service; the other must be a"
            + " site of this service");
      }
      Side a = side(path, "A", node, sitesNode, sites);
      Side b = side(path, "B", node, sitesNode, sites);
      Duration interval = duration(path + ".pollInterval", node.get("pollInterval"),
          defaultInterval);
      SyncConfiguration configuration = null;
      List<ConfigurationProblem> refused = List.of();
      JsonNode syncNode = node.get("sync");
      if (syncNode == null || !syncNode.isObject()) {
        add(path + ".sync", "missing: the sync configuration object");
        syncNode = JSON.createObjectNode();
      } else {
        try {
          configuration = new SyncConfigurationJson(registry).read(asLibrary(path).toString());
        } catch (ConfigurationException e) {
          refused = e.problems();
          refused.forEach(p -> problems.add(inFile(path, p)));
        }
      }
      names.add(new Names(path, taken(syncNode, "$.id", refused),
          taken(syncNode, "$.connectorA.key", refused),
          taken(syncNode, "$.connectorB.key", refused),
          twoPartners || a == null || b == null ? null
              : a.partnerPath() != null ? a.partnerPath() : b.partnerPath()));
      return problems.size() > before || a == null || b == null || !a.taken() || !b.taken()
          ? null : new Sync(path, configuration, a.site(), b.site(), interval, a.partner(),
              b.partner());
    }

    /**
     * The text at {@code at} of a sync part, when the library took it (it refused nothing there);
     * else null. The checks across synchronizations read it, whatever else the library refused.
     */
    private static String taken(JsonNode sync, String at, List<ConfigurationProblem> refused) {
      JsonNode value = sync.at(at.substring(1).replace('.', '/'));
      return value.isTextual() && !value.asText().isBlank()
          && refused.stream().noneMatch(p -> p.path().equals(at)) ? value.asText() : null;
    }

    /**
     * What a synchronization at {@code path} names for the checks across the file: its id and
     * connector keys as the library took them, and its partner's path when one side is a partner
     * service; each null when not known.
     */
    private record Names(String path, String id, String keyA, String keyB, String partnerPath) {}

    /**
     * One side of a synchronization: a site of this service, or a partner service (at {@code
     * partnerPath}); site and partner null when that side has problems.
     */
    private record Side(Site site, Partner partner, String partnerPath) {
      boolean taken() {
        return site != null || partner != null;
      }
    }

    private Side side(String path, String side, JsonNode node, JsonNode sitesNode,
        Map<String, Site> sites) {
      boolean isSite = node.has("site" + side);
      if (isSite && node.has("partner" + side)) {
        add(path + ".partner" + side, "give site" + side + " or partner" + side + ", not both");
        return null;
      }
      if (!isSite && node.has("partner" + side)) {
        return new Side(null, partner(path + ".partner" + side, node.get("partner" + side)),
            path + ".partner" + side);
      }
      return new Side(siteRef(path + ".site" + side, node.get("site" + side), sitesNode, sites),
          null, null);
    }

    /** An optional pace, {@code {"perSecond": r, "burst": n}}; null when absent or wrong. */
    private Pace pace(String path, JsonNode node) {
      if (node == null) {
        return null;
      }
      if (!node.isObject()) {
        add(path, "must be an object: {\"perSecond\": ..., \"burst\": ...}, was " + node);
        return null;
      }
      known(path, node, PACE);
      JsonNode rate = node.get("perSecond");
      JsonNode burst = node.get("burst");
      boolean ok = true;
      if (!rate(number(rate))) {
        add(path + ".perSecond", "must be 0 (no pace) or a number " + RATES + ", was "
            + (rate == null ? "missing" : rate));
        ok = false;
      }
      if (burst == null || !burst.canConvertToExactIntegral() || !burst.canConvertToInt()
          || burst.asInt() < 1 || burst.asInt() > JiraSite.MAX_BURST) {
        add(path + ".burst", "must be a whole number from 1 to " + JiraSite.MAX_BURST + ", was "
            + (burst == null ? "missing" : burst));
        ok = false;
      }
      return ok ? new Pace(number(rate), burst.asInt()) : null;
    }

    /** An optional true/false key of an object, false when absent or not a boolean (reported). */
    private boolean flag(String path, JsonNode node, String key) {
      if (!node.has(key)) {
        return false;
      }
      if (!node.get(key).isBoolean()) {
        add(path + "." + key, "must be true or false, was " + node.get(key));
      }
      return node.get(key).asBoolean(false);
    }

    private Partner partner(String path, JsonNode node) {
      if (!node.isObject()) {
        add(path, "must be an object: {\"url\": ..., \"keyId\": ..., \"keyEnv\": ...}");
        return null;
      }
      known(path, node, PARTNER);
      int before = problems.size();
      URI url = url(path + ".url", node.get("url"), flag(path, node, "allowInsecure"));
      String keyId = text(node.get("keyId"));
      if (!keyId.matches("[A-Za-z0-9._-]{1,64}")) {
        add(path + ".keyId", "must be 1 to 64 letters, digits, '.', '_' or '-' (the id both"
            + " services give the shared secret), was " + (node.has("keyId") ? node.get("keyId")
            : "missing"));
      }
      String secret = secret(path, "keyEnv", node);
      if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
        add(path + ".keyEnv", "the secret in " + text(node.get("keyEnv")) + " has fewer than 32"
            + " bytes; use e.g. the output of openssl rand -hex 32");
      }
      return problems.size() > before ? null : new Partner(path, url, keyId,
          secret.getBytes(StandardCharsets.UTF_8));
    }

    private Site siteRef(String path, JsonNode node, JsonNode sitesNode, Map<String, Site> sites) {
      String name = text(node);
      if (name.isEmpty()) {
        add(path, "missing: the name of a site under $.sites");
        return null;
      }
      if (sitesNode == null || !sitesNode.has(name)) {
        add(path, "no site \"" + name + "\" under $.sites; there are "
            + (sitesNode == null ? "none" : new TreeSet<>(toList(sitesNode))));
        return null;
      }
      used.add(name);
      // null when the site has problems of its own, reported at the site
      return sites.get(name);
    }

    private static List<String> toList(JsonNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      return names;
    }

    /**
     * Names that become a path of the service's port ({@code /webhooks/<site>}, {@code
     * /transport/<sync id>}) must read the same in a URL. (Project keys are checked by the sync
     * configuration.)
     */
    private void routes(JsonNode sitesNode) {
      for (Names n : names) {
        if (n.partnerPath() != null && n.id() != null && !ROUTE_NAME.matcher(n.id()).matches()) {
          add(n.path() + ".sync.id", "\"" + n.id() + "\" names the path /transport/<id> a"
              + " partner service posts to: use letters, digits, '.', '_' and '-' only");
        }
      }
      for (String name : used) {
        if (webhooksKey(sitesNode.get(name)) != null && !ROUTE_NAME.matcher(name).matches()) {
          add(member("$.sites", name), "the site's name names the path /webhooks/<name> its"
              + " webhooks are posted to: use letters, digits, '.', '_' and '-' only");
        }
      }
    }

    /** Partners and webhooks reach this service on its port, which the file does not give. */
    private void noPort(JsonNode sitesNode) {
      names.stream().filter(n -> n.partnerPath() != null).forEach(n -> add(n.partnerPath(),
          "a partner service sends its messages to this service's port: add \"server\":"
              + " {\"port\": ...}"));
      if (sitesNode != null && sitesNode.isObject()) {
        sitesNode.fields().forEachRemaining(e -> {
          String key = webhooksKey(e.getValue());
          if (key != null) {
            add(member("$.sites", e.getKey()) + "." + key, "webhooks are taken on the"
                + " service's port: add \"server\": {\"port\": ...}");
          }
        });
      }
    }

    /**
     * The key by which a site asks for webhooks, {@code webhookSecretEnv} or {@code
     * webhooksUnsigned}, whether or not its settings are right; null when it does not.
     */
    private static String webhooksKey(JsonNode site) {
      if (site == null || !site.isObject()) {
        return null;
      }
      return site.has("webhookSecretEnv") ? "webhookSecretEnv"
          : site.path("webhooksUnsigned").booleanValue() ? "webhooksUnsigned" : null;
    }

    /** Sync ids and connector keys name stores' rows and admin paths: one meaning each. */
    private void unique() {
      Map<String, String> ids = new HashMap<>();
      Map<String, String> keys = new HashMap<>();
      for (Names n : names) {
        String other = n.id() == null ? null : ids.putIfAbsent(n.id(), n.path());
        if (other != null) {
          add(n.path() + ".sync.id", "\"" + n.id() + "\" is also the id at " + other);
        }
        for (String side : List.of("A", "B")) {
          String key = side.equals("A") ? n.keyA() : n.keyB();
          String at = n.path() + ".sync.connector" + side + ".key";
          String was = key == null ? null : keys.putIfAbsent(key, at);
          if (was != null) {
            add(at, "\"" + key + "\" is also the connector key at " + was
                + "; each connector of the file needs its own key (it names its stored state)");
          }
        }
      }
    }

    private Store store(JsonNode node) {
      Path base = file.toAbsolutePath().getParent();
      if (node == null) {
        return new Store(base.resolve("backbone-data"), null, null, null, 0);
      }
      if (!node.isObject()) {
        add("$.store", "must be an object: {\"directory\": ...} or {\"jdbcUrl\": ...}");
        return null;
      }
      known("$.store", node, STORE);
      if (node.has("directory") && node.has("jdbcUrl")) {
        add("$.store", "give either directory (H2 files) or jdbcUrl (a database), not both");
        return null;
      }
      if (node.has("jdbcUrl")) {
        return databaseStore(node);
      }
      return directoryStore(node, base);
    }

    /** A store in a database: {@code jdbcUrl}, {@code user}, {@code passwordEnv}, pool size. */
    private Store databaseStore(JsonNode node) {
      String url = text(node.get("jdbcUrl"));
      if (!url.startsWith("jdbc:")) {
        add("$.store.jdbcUrl", "must be a JDBC URL, e.g."
            + " \"jdbc:postgresql://db.example.com/backbone\", was "
            + (!node.get("jdbcUrl").isTextual()
                ? node.get("jdbcUrl").getNodeType().toString().toLowerCase(Locale.ROOT)
                : url.contains("://") ? "\"" + Store.shownUrl(url) + "\""
                : "a text that is not shown (a secret pasted in its place?)"));
      } else if (Store.holdsCredentials(url)) {
        // (a driver's own messages and log lines quote the URL's user part, password and all)
        add("$.store.jdbcUrl", "carries credentials (\"" + Store.shownUrl(url) + "\"): give"
            + " the user in \"user\" and the password's environment variable in"
            + " \"passwordEnv\"");
      }
      String password = null;
      if (node.has("passwordEnv")) {
        password = secret("$.store", "passwordEnv", node);
      }
      int pool = 5;
      if (node.has("maximumPoolSize")) {
        JsonNode n = node.get("maximumPoolSize");
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > 100) {
          add("$.store.maximumPoolSize", "must be a whole number from 1 to 100, was " + n);
        } else {
          pool = n.asInt();
        }
      }
      String user = null;
      if (node.has("user")) {
        JsonNode n = node.get("user");
        if (!n.isTextual() || n.asText().isBlank()) {
          add("$.store.user", "must be the database user's name (a string), was " + n);
        } else {
          user = n.asText();
        }
      }
      return new Store(null, url, user, password, pool);
    }

    /** A store of H2 files in {@code directory} (resolved against the file's folder). */
    private Store directoryStore(JsonNode node, Path base) {
      for (String k : List.of("user", "passwordEnv", "maximumPoolSize")) {
        if (node.has(k)) {
          add("$.store." + k, "only with jdbcUrl");
        }
      }
      String directory = "backbone-data";
      if (node.has("directory")) {
        directory = text(node.get("directory"));
        if (directory.isBlank()) {
          add("$.store.directory", "must be a directory path, was " + node.get("directory"));
          return null;
        }
      }
      try {
        Path resolved = base.resolve(directory);
        if (resolved.toString().contains(";")) { // (JdbcStores.inDirectory refuses it when opening)
          add("$.store.directory", "must not hold a \";\" (H2 would read what follows as its"
              + " settings), was " + node.path("directory") + " (" + resolved.toString().length()
              + " characters once resolved)");
          return null;
        }
        return new Store(resolved, null, null, null, 0);
      } catch (InvalidPathException e) {
        add("$.store.directory", "not a path here: " + e.getReason()
            + ", was " + node.get("directory"));
        return null;
      }
    }

    private Server server(JsonNode node) {
      if (node == null) {
        return null;
      }
      if (!node.isObject()) {
        add("$.server", "must be an object: {\"port\": 8080, \"adminTokenEnv\": ...}");
        return null;
      }
      known("$.server", node, SERVER);
      int port = 8080;
      if (node.has("port")) {
        JsonNode n = node.get("port");
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0
            || n.asInt() > 65535) {
          add("$.server.port", "must be a port number from 0 (any free one) to 65535, was " + n);
        } else {
          port = n.asInt();
        }
      }
      String bind = node.has("bindAddress") ? text(node.get("bindAddress")) : "127.0.0.1";
      if (bind.isBlank()) {
        add("$.server.bindAddress", "must be a host name or address, was "
            + node.get("bindAddress"));
      }
      String token = null;
      if (node.has("adminTokenEnv")) {
        token = secret("$.server", "adminTokenEnv", node);
        if (token != null && token.length() < 16) {
          add("$.server.adminTokenEnv", "the token in " + text(node.get("adminTokenEnv"))
              + " is shorter than 16 characters");
        }
      }
      return new Server(bind, port, token);
    }
  }

  /**
   * A problem the core reports under the sync configuration's own root ({@code
   * $.fieldMappings[1].id}), with its path and the places its message names ({@code also at
   * $.fieldMappings[0]}) as in the file, under the synchronization at {@code syncPath}.
   */
  static ConfigurationProblem inFile(String syncPath, ConfigurationProblem p) {
    String root = syncPath + ".sync";
    String message = CORE_PLACE.matcher(p.message()).replaceAll(Matcher.quoteReplacement(root)
        + "$1");
    if (p.path().endsWith(".type") && message.startsWith("unknown mapping type")) {
      message += "; for the service, put its jar on the classpath beside the service's: java -cp"
          + " backbone-service.jar:your-mappings.jar " + ServiceMain.class.getName()
          + " --config ... (java -jar takes no other classpath)";
    }
    return new ConfigurationProblem(root + p.path().substring(1), message);
  }

  /**
   * The path of a member: {@code $.sites.dev}, or {@code $.sites["../evil"]} for a name a dot
   * would make ambiguous, quoted as JSON (control characters escaped) and cut at 100 characters.
   */
  static String member(String parent, String name) {
    if (PLAIN_MEMBER.matcher(name).matches()) {
      return parent + "." + name;
    }
    String shown = name.length() > 100 ? name.substring(0, 100) + "…" : name;
    return parent + "[\"" + new String(JsonStringEncoder.getInstance().quoteAsString(shown))
        + "\"]";
  }
}
