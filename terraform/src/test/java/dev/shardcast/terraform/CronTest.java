package dev.shardcast.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Examples from the EventBridge Scheduler user guide's cron section, and what it rules out. */
class CronTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "cron(0 3 * * ? *)", "cron(15 10 ? * 6L 2022-2023)", "cron(0 18 ? * MON-FRI *)", "cron(0 8 1 * ? *)",
      "cron(0/10 * ? * MON-FRI *)", "cron(0/5 8-17 ? * MON-FRI *)", "cron(0 9 ? * 2#1 *)", "cron(30 2 ? * MON-FRI *)",
      "cron(0 0 L * ? *)", "cron(0 12 15W * ? *)", "cron(5,35 14 * JAN,MAR ? 2199)"})
  void valid(String expression) {
    assertEquals(Optional.empty(), Cron.problem(expression));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "cron(0 3 * * *)", "cron(0 3 * * * *)", "cron(0 3 ? * ? *)", "cron(60 3 * * ? *)", "cron(0 24 * * ? *)",
      "cron(0 3 32 * ? *)", "cron(0 3 * 13 ? *)", "cron(0 3 ? * 8 *)", "cron(0 3 * * ? 1969)", "cron(0 3 * FOO ? *)",
      "cron(0 17-9 * * ? *)", "cron(0 3 ? * 2#6 *)", "cron(0/0 3 * * ? *)", "rate(1 day)", "cron(0  3 * * ? *)", "cron(0 3 * * ? *"})
  void invalid(String expression) {
    assertTrue(Cron.problem(expression).isPresent(), expression);
  }
}
