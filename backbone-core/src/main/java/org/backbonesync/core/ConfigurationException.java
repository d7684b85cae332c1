package org.backbonesync.core;

import java.util.List;
import java.util.stream.Collectors;
import org.backbonesync.spi.SyncException;

/** A configuration was refused; carries every problem found, not just the first. */
public final class ConfigurationException extends SyncException {
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
    return problems.size() + (problems.size() == 1 ? " problem" : " problems")
        + " in the synchronization configuration:\n"
        + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
  }
}
