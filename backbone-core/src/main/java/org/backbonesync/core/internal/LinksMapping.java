package org.backbonesync.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.backbonesync.spi.mapping.FieldMappingProvider;
import org.backbonesync.spi.mapping.FieldUpdates;
import org.backbonesync.spi.mapping.IncomingFieldMapping;
import org.backbonesync.spi.mapping.MappingCheck;
import org.backbonesync.spi.mapping.MappingContext;
import org.backbonesync.spi.mapping.MappingDefinition;
import org.backbonesync.spi.mapping.OutgoingFieldMapping;
import org.backbonesync.spi.mapping.ProblemReporter;
import org.backbonesync.spi.tracker.FieldSchema;
import org.backbonesync.spi.tracker.IssueLink;
import org.backbonesync.spi.tracker.TrackedIssue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code links}: issue links between synced issues (field {@code issuelinks} on both sides). The
 * sender lists the issue's links, both directions; the receiver makes each one whose other end is
 * synced too, between the partners, with the link type translated through the optional table
 * ({@code rows} and {@code default}, as {@code correlation}; the same name without one). A link
 * to an issue that is not synced is skipped and logged; it is made later, when that issue is
 * synced, since its own first message lists the link as well. Links are only ever added.
 */
public final class LinksMapping implements FieldMappingProvider {
  private static final Logger log = LoggerFactory.getLogger(LinksMapping.class);
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  @Override
  public String type() {
    return "links";
  }

  @Override
  public String displayName() {
    return "Issue links";
  }

  @Override
  public boolean supportsSource(FieldSchema field) {
    return field.id().equals("issuelinks");
  }

  @Override
  public boolean supportsTarget(FieldSchema field) {
    return field.id().equals("issuelinks");
  }

  @Override
  public void validate(MappingCheck check, ProblemReporter problems) {
    if (check.definitionA().settings().has("rows")) {
      CorrelationMapping.validateTable(check, problems, type(), Set.of("rows", "default"));
    } else {
      check.definitionA().settings().fieldNames().forEachRemaining(name ->
          problems.report("settings." + name, "unknown setting of links (rows, default)"));
    }
  }

  @Override
  public OutgoingFieldMapping outgoing(MappingDefinition definition) {
    return new OutgoingFieldMapping() {
      @Override
      public Set<String> sourceFields() {
        return Set.of("issuelinks");
      }

      @Override
      public JsonNode exportValue(TrackedIssue issue, MappingContext context) {
        List<IssueLink> links = context.tracker().links(issue.key()).stream()
            .sorted(Comparator.comparing(IssueLink::type).thenComparing(IssueLink::outwardIssue)
                .thenComparing(IssueLink::inwardIssue))
            .toList();
        ArrayNode value = JSON.arrayNode();
        for (IssueLink l : links) {
          boolean outward = l.outwardIssue().equals(issue.key());
          value.addObject().put("type", l.type()).put("outward", outward)
              .put("issue", outward ? l.inwardIssue() : l.outwardIssue());
        }
        return value;
      }
    };
  }

  @Override
  public IncomingFieldMapping incoming(MappingDefinition definition) {
    boolean translate = definition.settings().has("rows");
    CorrelationMapping.Table table = translate ? new CorrelationMapping.Table(definition) : null;
    return new IncomingFieldMapping() {
      @Override
      public Set<String> targetFields() {
        return Set.of("issuelinks");
      }

      @Override
      public void importValue(JsonNode value, FieldUpdates updates, MappingContext context) {
        for (JsonNode link : value) {
          String remoteOther = link.path("issue").asText();
          var other = context.localPartnerOf(remoteOther);
          if (other.isEmpty()) {
            log.info("{}: link to {} skipped: it is not synced; it will be made when it is",
                context.connectorKey(), remoteOther);
            continue;
          }
          String type = link.path("type").asText();
          updates.link(translate ? table.translate(type, context) : type,
              link.path("outward").asBoolean(), other.get());
        }
      }
    };
  }
}
