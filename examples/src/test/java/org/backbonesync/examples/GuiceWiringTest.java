package org.backbonesync.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Singleton;
import com.google.inject.name.Names;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import javax.sql.DataSource;
import org.backbonesync.core.AdminAuthorizer;
import org.backbonesync.core.AdminRequest;
import org.backbonesync.core.AdminResponse;
import org.backbonesync.core.ConnectorConfig;
import org.backbonesync.core.Direction;
import org.backbonesync.core.FieldMapping;
import org.backbonesync.core.SyncAdmin;
import org.backbonesync.core.SyncAdminHandler;
import org.backbonesync.core.SyncAdminProvider;
import org.backbonesync.core.SyncConfiguration;
import org.backbonesync.core.SyncEngine;
import org.backbonesync.core.SyncEngineProvider;
import org.backbonesync.jdbc.JdbcStores;
import org.backbonesync.jdbc.JdbcStoresProvider;
import org.backbonesync.spi.store.Stores;
import org.backbonesync.spi.tracker.IssueTracker;
import org.backbonesync.testkit.InMemoryIssueTracker;
import org.backbonesync.testkit.ManualClock;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host that uses a DI container gets a running engine, its admin API and JDBC stores over its
 * own {@link DataSource} from the library's providers and {@code @Inject} constructors alone: the
 * module below binds only the host's own objects and names the library's classes.
 */
class GuiceWiringTest {
  private final ManualClock clock = ManualClock.startingAt2026();
  private final InMemoryIssueTracker pa =
      InMemoryIssueTracker.builder("PA").clock(clock).syncUser("sync-a").build();
  private final InMemoryIssueTracker pb =
      InMemoryIssueTracker.builder("PB").clock(clock).syncUser("sync-b").build();

  @Test
  void anEngineWiredByGuiceSyncsAndAnswersTheAdminApi(@TempDir Path data) {
    JdbcDataSource dataSource = new JdbcDataSource();
    dataSource.setURL(JdbcStores.h2Url(data));
    Injector injector = Guice.createInjector(new AbstractModule() {
      @Override
      protected void configure() {
        // The host's own objects.
        bind(DataSource.class).toInstance(dataSource);
        bind(Clock.class).toInstance(clock);
        bind(SyncConfiguration.class).toInstance(SyncConfiguration.builder("pa-pb")
            .connectorA(ConnectorConfig.of("PA", "PA", "sync-a"))
            .connectorB(ConnectorConfig.of("PB", "PB", "sync-b"))
            .fieldMapping(FieldMapping.passthrough("map-summary", "summary", Direction.BOTH))
            .build());
        bind(IssueTracker.class).annotatedWith(Names.named(SyncEngineProvider.TRACKER_A))
            .toInstance(pa);
        bind(IssueTracker.class).annotatedWith(Names.named(SyncEngineProvider.TRACKER_B))
            .toInstance(pb);
        bind(AdminAuthorizer.class).toInstance(AdminAuthorizer.allowAll());
        // The library's classes, built by the container.
        bind(Stores.class).toProvider(JdbcStoresProvider.class).in(Singleton.class);
        bind(SyncEngine.class).toProvider(SyncEngineProvider.class).in(Singleton.class);
        bind(SyncAdmin.class).toProvider(SyncAdminProvider.class).in(Singleton.class);
      }
    });

    SyncEngine engine = injector.getInstance(SyncEngine.class);
    assertSame(engine, injector.getInstance(SyncEngine.class));
    pa.as("alice").create("Printer on fire");
    engine.runOnce();
    engine.runOnce();
    assertEquals("Printer on fire", pb.value("PB-1", "summary").asText());

    AdminResponse rows = injector.getInstance(SyncAdminHandler.class).handle(new AdminRequest(
        "GET", "/connectors/PA/syncInformation", Map.of(), null, "admin"));
    assertEquals(200, rows.status(), rows.body());
    assertTrue(rows.body().contains("\"localIssueKey\":\"PA-1\""), rows.body());
    assertTrue(rows.body().contains("\"remoteIssueKey\":\"PB-1\""), rows.body());

    engine.close();
    ((JdbcStores) injector.getInstance(Stores.class)).close();
  }
}
