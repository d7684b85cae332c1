package org.backbonesync.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service's startup waits for now (signing in to a site, opening the store and reading
 * the projects), logged as each phase begins and told by {@code /health} while the service
 * starts, so that a site that takes connections and never answers shows at once, not after the
 * sign-in's attempts (about two minutes). Thread-safe.
 */
final class Startup {
  private static final Logger LOG = LoggerFactory.getLogger(Startup.class);

  private volatile String waitingFor = "reading the configuration";

  /**
   * A phase begins: logged (INFO).
   *
   * @param shown what {@code /health} says it waits for: no URL, as it answers anyone
   * @param logged the same for the log, with what helps an operator (a site's URL)
   */
  void begins(String shown, String logged) {
    waitingFor = shown;
    LOG.info("{}", logged);
  }

  /** What the startup waits for now, for {@code /health}. */
  String waitingFor() {
    return waitingFor;
  }
}
