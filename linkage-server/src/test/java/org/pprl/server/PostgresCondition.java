package org.pprl.server;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips every test class of the PostgreSQL run ({@link TestStores}) where no server is configured,
 * before any of its set-up runs: an assumption inside a class's set-up left its tear-down to close
 * a service that never started. Registered for that run only (service loader, with JUnit's
 * extension autodetection switched on in {@code linkage-server/pom.xml}).
 */
public final class PostgresCondition implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (TestStores.onPostgres() && !TestStores.serverConfigured()) {
      return ConditionEvaluationResult.disabled(TestStores.SKIPPED);
    }
    return ConditionEvaluationResult.enabled("a PostgreSQL server is configured, or not needed");
  }
}
