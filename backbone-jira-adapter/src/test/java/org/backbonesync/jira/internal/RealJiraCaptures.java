package org.backbonesync.jira.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Marks the conformance tests against real Jira captures ({@link Fixtures}): they run only when
 * {@code -Dbackbone.jiraFixtures=<folder>} is given (CI's {@code .ci/run} gives it), and are
 * reported as skipped otherwise, so a fresh clone's {@code mvn -B verify} reads nothing outside
 * the repository. Given but missing or empty, the folder fails them, naming its path.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@EnabledIfSystemProperty(named = Fixtures.PROPERTY, matches = ".*",
    disabledReason = "the conformance suite against real Jira captures runs with"
        + " -Dbackbone.jiraFixtures=<folder>")
public @interface RealJiraCaptures {}
