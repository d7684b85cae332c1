package org.backbonesync.service;

import org.backbonesync.core.AdminException;
import org.backbonesync.core.AdminResponse;
import org.backbonesync.core.SyncAdmin;
import org.backbonesync.core.SyncAdminHandler;

/**
 * The service's own refusals on its port (an unknown path, a method a route does not take, a
 * query) in the admin API's error shape, {@code {"status","error","problems","problemCount"}},
 * so that a client reads every refusal of the port one way.
 */
final class JsonErrors {
  /** Renders refusals only: it has no engine, and its authorizer lets no one do anything. */
  private static final SyncAdminHandler ERRORS = SyncAdminHandler.builder(SyncAdmin.builder()
      .authorizer((caller, operation, connector) -> false).build()).build();

  private JsonErrors() {}

  /** The refusal's status, message and problems, as the admin API answers its own. */
  static AdminResponse of(AdminException refusal) {
    return ERRORS.refused(refusal);
  }

  /** A refusal with a message and no problems. */
  static AdminResponse of(int status, String message) {
    return of(new AdminException(status, message));
  }
}
