package org.backbonesync.core;

/**
 * One thing wrong with a synchronization's configuration.
 *
 * @param path where, as a JSON path into the configuration's JSON form (e.g. {@code
 *     $.fieldMappings[2].type})
 * @param message what is wrong, naming the bad value
 */
public record ConfigurationProblem(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
