package org.backbonesync.spi.mapping;

/**
 * Collects configuration problems so that a configuration is refused with all of them at once.
 */
@FunctionalInterface
public interface ProblemReporter {

  /**
   * Reports one problem.
   *
   * @param path where, relative to the field mapping's JSON object (e.g. {@code
   *     settings.rows[2].b} or {@code fieldB})
   * @param message what is wrong, naming the bad value
   */
  void report(String path, String message);
}
