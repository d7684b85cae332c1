package org.backbonesync.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.backbonesync.core.ConfigurationException;
import org.backbonesync.core.ConfigurationProblem;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.FieldMappingRegistry;
import org.backbonesync.core.internal.MappingChecker;
import org.backbonesync.core.internal.MappingHalves;
import org.backbonesync.core.internal.MappingResults;
import org.backbonesync.core.internal.Shown;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.MappingSide;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.message.StrictJson;
import org.backbonesync.spi.tracker.ChangelogEntry;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.spi.tracker.TrackedIssue;

/**
 * Tests one mapping type the way the engine uses it, for authors of custom field mappings:
 *
 * <pre>{@code
 * FieldMappingTester tester = FieldMappingTester.of(new LabelsAsTextMapping())
 *     .fields("labels", "customfield_10100").direction(Direction.A_TO_B);
 * JsonNode sent = tester.export(tester.issue(Map.of("labels", strings("a", "b"))));
 * Map<String, JsonNode> update = tester.importValue(sent);  // {customfield_10100="a, b"}
 * SyncTestDriver sync = tester.syncTestDriver()
 *     .projectB(p -> p.customField("customfield_10100")).build();  // a whole sync with it
 * }</pre>
 *
 * <p>The mapping runs from side A to side B unless told otherwise; what it returns and writes is
 * checked as the engine checks it, with the engine's words: an export must not be Java null and
 * must export an issue twice alike (the tester exports twice and compares), and an import may
 * write only its target fields, never Java null (JSON null clears a field), and with the
 * {@linkplain #trackers trackers} given only values their fields' schemas take. An exception
 * the mapping throws comes out as the engine tells it ({@code incoming field mapping <id> refused
 * value <value>: <its text>}, {@code ... failed on value <value>: java.lang.NullPointerException:
 * ...}); a provider whose {@code incoming} or {@code outgoing} throws is refused with the {@link
 * ConfigurationException} an engine's build throws.
 */
public final class FieldMappingTester {
  /** The id the mapping under test has in {@link #syncTestDriver()}'s configuration. */
  public static final String MAPPING_ID = "map-under-test";
  /** Where the mapping under test is in {@link #syncTestDriver()}'s configuration. */
  private static final int INDEX = 1;

  private final FieldMappingProvider provider;
  private String fieldA;
  private String fieldB;
  private Direction direction;
  private JsonNode settings = JsonNodeFactory.instance.objectNode();
  private IssueTracker trackerA;
  private IssueTracker trackerB;

  private FieldMappingTester(FieldMappingProvider provider) {
    this.provider = provider;
    this.direction = provider.twoWay() ? Direction.BOTH : Direction.A_TO_B;
  }

  /** A tester for this mapping type. */
  public static FieldMappingTester of(FieldMappingProvider provider) {
    if (provider == null) {
      throw new IllegalArgumentException("provider must not be null");
    }
    return new FieldMappingTester(provider);
  }

  /** The field on side A and on side B (either may be null when the type needs none). */
  public FieldMappingTester fields(String onA, String onB) {
    this.fieldA = onA;
    this.fieldB = onB;
    return this;
  }

  /** The direction; default BOTH for a two-way type, else A_TO_B. */
  public FieldMappingTester direction(Direction value) {
    this.direction = value;
    return this;
  }

  /**
   * The trackers a mapping may look things up in (users...) on side A and side B; their fields'
   * schemas are what {@link #problems()} and the imports check against.
   */
  public FieldMappingTester trackers(IssueTracker onA, IssueTracker onB) {
    this.trackerA = onA;
    this.trackerB = onB;
    return this;
  }

  /** The type's settings as JSON text. */
  public FieldMappingTester settings(String json) {
    try {
      this.settings = StrictJson.mapper().readTree(json); // as the configuration reads them
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("settings are not valid JSON: " + e.getOriginalMessage());
    }
    return this;
  }

  /** The field mapping as the configuration would hold it. */
  public FieldMapping fieldMapping() {
    return new FieldMapping(MAPPING_ID, null, provider.type(), direction, fieldA, fieldB, settings,
        null);
  }

  /** An issue {@code PA-1} with these fields, to export from. */
  public TrackedIssue issue(Map<String, JsonNode> fields) {
    return new TrackedIssue("PA-1", "Task", "alice", 0, 0, null, fields);
  }

  /**
   * What an engine built with this mapping and the {@link #trackers} refuses it for, each as
   * {@code <path>: <the engine's text>}, the path relative to the field mapping ({@code
   * direction}, {@code fieldB}, {@code settings.table}, {@code type}). First the configuration
   * check an engine runs when it is built, the same code: the direction (BOTH for a one-way
   * type), each side's field (missing where the type needs one; with the trackers, a field the
   * project lacks, naming the nearest three, and one the type cannot read or write by its
   * schema), a field only a dedicated type may write (for a built-in type), and the type's own
   * {@code validate} (one that throws is one problem at {@code type}). When that finds nothing,
   * as an engine goes on to make the halves: a provider whose {@code outgoing} or {@code
   * incoming} throws or returns null, a half naming its fields as null, and, with the trackers,
   * an outgoing half that reads a field its project lacks, each at {@code type} (an engine stops
   * at the first of these; the tester lists one per half). Without the trackers nothing that
   * needs a project's fields is checked; nothing of the configuration as a whole (issue types,
   * create screens) is.
   */
  public List<String> problems() {
    FieldMapping m = fieldMapping();
    List<ConfigurationProblem> found = new ArrayList<>();
    MappingChecker.check(INDEX, m, connector(MappingSide.A), connector(MappingSide.B),
        registry(), fields(trackerA), fields(trackerB), found);
    if (found.isEmpty()) {
      for (MappingSide side : MappingSide.values()) {
        try {
          halves(side);
        } catch (ConfigurationException e) {
          found.addAll(e.problems());
        }
      }
    }
    String at = "$.fieldMappings[" + INDEX + "].";
    return found.stream().map(p -> (p.path().startsWith(at) ? p.path().substring(at.length())
        : p.path()) + ": " + p.message()).toList();
  }

  /** The halves an engine makes on a side, as it checks them when it is built. */
  private void halves(MappingSide side) {
    boolean sends = side == MappingSide.A ? direction.fromA() : direction.fromB();
    if (sends) {
      outgoing(side);
    }
    if (side == MappingSide.A ? direction.fromB() : direction.fromA()) {
      incoming(side);
    }
  }

  private OutgoingFieldMapping outgoing(MappingSide side) {
    IssueTracker tracker = tracker(side);
    return MappingHalves.outgoing(fieldMapping(), INDEX, provider, definition(side),
        connector(side).projectKey(), tracker == null ? Map.of() : fields(tracker));
  }

  private IncomingFieldMapping incoming(MappingSide side) {
    return MappingHalves.incoming(fieldMapping(), INDEX, provider, definition(side));
  }

  /** The side's connector as {@link #syncTestDriver()} configures it, on its tracker's project. */
  private ConnectorConfig connector(MappingSide side) {
    String key = side == MappingSide.A ? "PA" : "PB";
    IssueTracker tracker = tracker(side);
    return ConnectorConfig.of(key, tracker == null ? key : tracker.projectKey(),
        side == MappingSide.A ? "sync-a" : "sync-b");
  }

  /** The types an engine with this one knows, as {@link #syncTestDriver()} registers them. */
  private FieldMappingRegistry registry() {
    return isBuiltInType() ? FieldMappingRegistry.builtIns()
        : FieldMappingRegistry.builder().register(provider).build();
  }

  /** A tracker's fields by id, as an engine reads them when it is built; null without one. */
  private static Map<String, FieldSchema> fields(IssueTracker tracker) {
    if (tracker == null) {
      return null;
    }
    Map<String, FieldSchema> fields = new LinkedHashMap<>();
    tracker.fields().forEach(f -> fields.put(f.id(), f));
    return fields;
  }

  private IssueTracker tracker(MappingSide side) {
    return side == MappingSide.A ? trackerA : trackerB;
  }

  private static FieldSchema schema(IssueTracker tracker, String field) {
    if (tracker == null || field == null) {
      return null;
    }
    return tracker.fields().stream().filter(f -> f.id().equals(field)).findFirst().orElse(null);
  }

  /** Whether the outgoing mapping on the sending side runs for this changelog entry. */
  public boolean runsFor(ChangelogEntry entry) {
    OutgoingFieldMapping out = outgoing(sendingSide());
    return entry.items().stream().anyMatch(i -> out.sourceFields().contains(i.field()));
  }

  /** Exports from an issue on the sending side (A, unless the direction is B_TO_A). */
  public JsonNode export(TrackedIssue issue) {
    return export(sendingSide(), issue);
  }

  /**
   * Exports from an issue on the given side.
   *
   * @throws org.backbonesync.spi.SyncException when the mapping returns Java null, as the engine
   *     refuses it, or throws: a {@code SyncException} as it is, another wrapped as the engine
   *     tells it ({@code outgoing field mapping <id> failed on PA-1: <the exception>})
   * @throws ConfigurationException when an engine would not be built with the outgoing half
   *     (see {@link #problems()}: {@code outgoing} throws, a source field the project lacks...)
   * @throws IllegalStateException when a second export of the same issue returns another value
   */
  public JsonNode export(MappingSide side, TrackedIssue issue) {
    OutgoingFieldMapping out = outgoing(side);
    MappingContext context = context(side, Optional.of(issue), false);
    JsonNode first = exported(out, issue, context);
    JsonNode again = exported(out, issue, context);
    if (!first.equals(again)) {
      throw new IllegalStateException("the outgoing mapping exported " + first + " and then "
          + again + " from the same issue " + issue.key() + ": an export must return equal"
          + " values for equal issues (the engine exports more than once per change and compares"
          + " with what it sent: a value that changes by itself is sent again on every poll)");
    }
    return first;
  }

  /** One export, as the engine takes it or fails it. */
  private static JsonNode exported(OutgoingFieldMapping out, TrackedIssue issue,
      MappingContext context) {
    try {
      return MappingResults.exported(out.exportValue(issue, context), MAPPING_ID,
          context.connectorKey(), issue.key());
    } catch (RuntimeException e) {
      throw MappingResults.exportFailed(e, MAPPING_ID, context.connectorKey(), issue.key());
    }
  }

  /**
   * Imports a value on the receiving side of an existing issue; returns the fields it sets (a
   * status it asks to reach by transitions appears as {@code status}).
   */
  public Map<String, JsonNode> importValue(JsonNode value) {
    return importValue(sendingSide().other(), value, false);
  }

  /**
   * Imports a value on the given side; returns the fields it sets.
   *
   * @param creating whether the message is creating the issue
   * @throws org.backbonesync.spi.SyncException as the engine fails the message, naming the
   *     mapping and the value, when the mapping throws ({@code incoming field mapping <id>
   *     refused value <value>: <its text>} for its {@code SyncException}, {@code ... failed for
   *     now on value ...} for a {@code RetriableException}, {@code ... failed on value <value>:
   *     <the exception>} for another) or writes a field that is not one of its targets, or sets
   *     one to Java null ({@code ... failed on value <value>: <what it set>})
   * @throws ConfigurationException when an engine would not be built with the incoming half
   *     ({@code incoming} throws or returns null, its {@code targetFields()} is null)
   * @throws IllegalArgumentException when {@link #trackers} gave the side's tracker and the
   *     mapping sets a value its field's schema does not take (a number in a text field, a
   *     priority the project lacks), as the tracker refuses it
   * @throws IllegalStateException when the mapping changed the value it was given, which is
   *     read-only
   */
  public Map<String, JsonNode> importValue(MappingSide side, JsonNode value, boolean creating) {
    IncomingFieldMapping in = incoming(side);
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    JsonNode given = value == null ? NullNode.getInstance() : value;
    JsonNode before = given.deepCopy();
    try {
      in.importValue(given, updates(in, fields), context(side, Optional.empty(), creating));
    } catch (RuntimeException e) {
      throw MappingResults.importFailed(e, MAPPING_ID, before, connector(side).key(),
          side.other() == MappingSide.A ? "PA-1" : "PB-1");
    }
    if (!given.equals(before)) { // (read-only by contract, though the engine gives a copy)
      throw new IllegalStateException("the incoming mapping changed the value it was given, "
          + before + ", to " + given + ": it is read-only (a retry reads it again); write a"
          + " deepCopy() where you need a changed one");
    }
    checkSchemas(side, fields);
    return fields;
  }

  /** Takes what the mapping writes into {@code fields}, refusing what the engine refuses. */
  private static FieldUpdates updates(IncomingFieldMapping in, Map<String, JsonNode> fields) {
    return new FieldUpdates() {
      @Override
      public void set(String field, JsonNode v) {
        fields.put(field, MappingResults.written(MAPPING_ID, in.targetFields(), field, v));
      }

      @Override
      public void transitionTo(String status, List<String> via, Map<String, JsonNode> screen) {
        MappingResults.target(MAPPING_ID, in.targetFields(), "status");
        fields.put("status", JsonNodeFactory.instance.textNode(status));
      }

      @Override
      public void link(String type, boolean outward, String otherIssueKey) {
        MappingResults.target(MAPPING_ID, in.targetFields(), "issuelinks");
        com.fasterxml.jackson.databind.node.ArrayNode list =
            fields.get("issuelinks") instanceof com.fasterxml.jackson.databind.node.ArrayNode a
                ? a : JsonNodeFactory.instance.arrayNode();
        list.addObject().put("type", type).put("outward", outward).put("issue", otherIssueKey);
        fields.put("issuelinks", list);
      }
    };
  }

  /**
   * Each value set must fit its field's schema in the side's project (when {@link #trackers}
   * gave it), as the tracker would refuse it when the engine applies it: the message would
   * fail for good and the field never sync.
   */
  private void checkSchemas(MappingSide side, Map<String, JsonNode> fields) {
    IssueTracker tracker = tracker(side);
    if (tracker == null) {
      return;
    }
    for (Map.Entry<String, JsonNode> e : fields.entrySet()) {
      FieldSchema schema = schema(tracker, e.getKey());
      String takes = schema == null ? null : SchemaFit.misfit(schema, e.getValue());
      if (takes != null) {
        throw new IllegalArgumentException("incoming field mapping " + MAPPING_ID + " set "
            + e.getKey() + " to " + Shown.text(String.valueOf(e.getValue()), 80) + ", which "
            + e.getKey() + " of project " + tracker.projectKey() + " (" + schema.describe()
            + ") does not take: it takes " + takes + "; the tracker would refuse it and the"
            + " message fail for good");
      }
    }
  }

  /**
   * A {@link SyncTestDriver} builder syncing PA and PB with the summary (id {@code map-summary},
   * both ways) and this mapping (id {@link #MAPPING_ID}); adjust the projects, then build.
   *
   * @throws IllegalStateException when an engine would not find this type on the classpath as
   *     this class (no {@code META-INF/services} entry, or another class claims the type): the
   *     mistakes a test that registered the provider itself would not show
   */
  public SyncTestDriver.Builder syncTestDriver() {
    SyncTestDriver.Builder builder = SyncTestDriver.builder()
        .fieldMapping(FieldMapping.passthrough(SyncTestDriver.SUMMARY, "summary", Direction.BOTH))
        .fieldMapping(fieldMapping());
    if (!isBuiltInType()) {
      checkDiscovered();
      builder.provider(provider);
    }
    return builder;
  }

  private boolean isBuiltInType() {
    return FieldMappingRegistry.builtIns().provider(provider.type())
        .map(p -> p.getClass() == provider.getClass()).orElse(false);
  }

  /** What an engine's {@link FieldMappingRegistry#discover} finds for this type must be it. */
  private void checkDiscovered() {
    Optional<FieldMappingProvider> found;
    try {
      found = FieldMappingRegistry.discover(provider.getClass().getClassLoader())
          .provider(provider.type());
    } catch (RuntimeException e) { // two classes claiming a type: the message names them
      throw new IllegalStateException("an engine would not start with this classpath: "
          + e.getMessage(), e);
    }
    if (found.isEmpty() || found.get().getClass() != provider.getClass()) {
      throw new IllegalStateException("mapping type \"" + provider.type() + "\" ("
          + provider.getClass().getName() + ") is not what an engine finds on the classpath ("
          + found.map(p -> p.getClass().getName()).orElse("nothing") + "): list the class in"
          + " META-INF/services/" + FieldMappingProvider.class.getName() + " (a provider you"
          + " only register with FieldMappingRegistry.builder().register(...) is tested with"
          + " SyncTestDriver.builder().provider(...))");
    }
  }

  private MappingSide sendingSide() {
    return direction == Direction.B_TO_A ? MappingSide.B : MappingSide.A;
  }

  /** The side's definition as an engine makes it, with its field's schema when known. */
  private MappingDefinition definition(MappingSide side) {
    IssueTracker tracker = tracker(side);
    return MappingHalves.definition(fieldMapping(), side,
        tracker == null ? Map.of() : fields(tracker));
  }

  private MappingContext context(
      MappingSide side, Optional<TrackedIssue> issue, boolean creating) {
    IssueTracker tracker = side == MappingSide.A ? trackerA : trackerB;
    return new MappingContext() {
      @Override
      public IssueTracker tracker() {
        if (tracker == null) {
          throw new IllegalStateException("FieldMappingTester has no tracker for side " + side
              + "; give them with trackers(a, b)");
        }
        return tracker;
      }

      @Override
      public String connectorKey() {
        return side == MappingSide.A ? "PA" : "PB";
      }

      @Override
      public Optional<String> localPartnerOf(String remoteIssueKey) {
        return Optional.empty();
      }

      @Override
      public String fieldMappingId() {
        return MAPPING_ID;
      }

      @Override
      public Optional<TrackedIssue> localIssue() {
        return issue;
      }

      @Override
      public boolean creating() {
        return creating;
      }
    };
  }
}
