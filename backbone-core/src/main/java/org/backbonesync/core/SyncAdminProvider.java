package org.backbonesync.core;

import jakarta.inject.Inject;
import jakarta.inject.Provider;

/**
 * Builds the {@link SyncAdmin} over one engine for a dependency-injection container, with the
 * container's {@link AdminAuthorizer} (bind one on purpose; {@link AdminAuthorizer#allowAll()}
 * only where the host authorizes before the call). A host with several synchronizations uses
 * {@link SyncAdmin#builder()} instead. Each {@link #get()} builds a new admin over the same engine.
 */
public final class SyncAdminProvider implements Provider<SyncAdmin> {
  private final SyncEngine engine;
  private final AdminAuthorizer authorizer;

  /** The engine to administer and who may do what. */
  @Inject
  public SyncAdminProvider(SyncEngine engine, AdminAuthorizer authorizer) {
    this.engine = Checks.notNull("engine", engine);
    this.authorizer = Checks.notNull("authorizer", authorizer);
  }

  @Override
  public SyncAdmin get() {
    return SyncAdmin.builder().engine(engine).authorizer(authorizer).build();
  }
}
