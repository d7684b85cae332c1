package org.backbonesync.core;

import java.util.List;
import java.util.stream.Collectors;
import org.backbonesync.spi.SyncException;

/**
 * A configuration was refused; carries every problem found, not just the first. Its message
 * lists the first {@value #MAX_PROBLEMS_IN_MESSAGE} (a log line of a configuration with thousands
 * of broken mappings would otherwise hold them all); {@link #problems()} has every one.
 */
public final class ConfigurationException extends SyncException {
  /** How many problems the message lists, as the admin API's answers do. */
  public static final int MAX_PROBLEMS_IN_MESSAGE = 100;

  private static final long serialVersionUID = 1L;

  private final transient List<ConfigurationProblem> problems;

  /** Refuses a configuration for these problems (at least one). */
  public ConfigurationException(List<ConfigurationProblem> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in the order found (document order where it applies). */
  public List<ConfigurationProblem> problems() {
    return problems;
  }

  private static String describe(List<ConfigurationProblem> problems) {
    int left = problems.size() - MAX_PROBLEMS_IN_MESSAGE;
    return problems.size() + (problems.size() == 1 ? " problem" : " problems")
        + " in the synchronization configuration:\n"
        + problems.stream().limit(MAX_PROBLEMS_IN_MESSAGE).map(p -> "  " + p)
            .collect(Collectors.joining("\n"))
        + (left > 0 ? "\n  ... and " + left + " more (problems() has every one)" : "");
  }
}
