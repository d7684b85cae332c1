package org.backbonesync.service;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.jira.JiraWebhookHandler;
import org.backbonesync.spi.tracker.ChangeHints;

/**
 * The webhook handler of each site that takes webhooks, by site name: it hints the connectors
 * of every synchronization that syncs a project of that site (a project in two synchronizations
 * hints both), and drops the events of the site's sync user (the sync's own writes).
 */
final class Webhooks {
  private Webhooks() {}

  static Map<String, JiraWebhookHandler> handlers(List<SyncService.Running> running,
      Sites sites) {
    Map<String, ServiceConfig.Site> byName = new LinkedHashMap<>();
    Map<String, Map<String, List<ChangeHints>>> hints = new LinkedHashMap<>();
    for (SyncService.Running r : running) {
      var c = r.sync.configuration();
      add(byName, hints, r.sync.siteA(), c.connectorA(), r);
      add(byName, hints, r.sync.siteB(), c.connectorB(), r);
    }
    Map<String, JiraWebhookHandler> handlers = new LinkedHashMap<>();
    hints.forEach((name, projects) -> {
      ServiceConfig.Site site = byName.get(name);
      JiraWebhookHandler.Builder b = JiraWebhookHandler.builder()
          .syncUser(sites.signedInUser(site));
      if (site.webhookSecret() != null) {
        b.secret(site.webhookSecret());
      }
      projects.forEach((project, all) -> b.project(project, all.size() == 1 ? all.get(0)
          : new Fanout(all)));
      handlers.put(name, b.build());
    });
    return handlers;
  }

  private static void add(Map<String, ServiceConfig.Site> byName,
      Map<String, Map<String, List<ChangeHints>>> hints, ServiceConfig.Site site,
      ConnectorConfig connector, SyncService.Running r) {
    if (site == null || !site.webhooks()) { // (null: the partner service's side)
      return;
    }
    byName.put(site.name(), site);
    hints.computeIfAbsent(site.name(), n -> new LinkedHashMap<>())
        .computeIfAbsent(connector.projectKey(), p -> new ArrayList<>())
        .add(r.engine.changeHints(connector.key()));
  }

  /** One project's hints to every connector that syncs it. */
  private record Fanout(List<ChangeHints> all) implements ChangeHints {
    @Override
    public void issuesChanged(Collection<String> issueKeys) {
      all.forEach(h -> h.issuesChanged(issueKeys));
    }

    @Override
    public void somethingChanged() {
      all.forEach(ChangeHints::somethingChanged);
    }
  }
}
