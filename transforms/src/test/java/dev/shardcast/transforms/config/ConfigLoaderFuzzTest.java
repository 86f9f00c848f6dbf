package dev.shardcast.transforms.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The config loader on arbitrary job text and {@code --set} overrides: the input is the job file,
 * and each of its lines that starts with {@code #set } (a YAML comment) is also passed as an
 * override, so the kept inputs stay readable YAML. Contract: a config that loads also plans, or the
 * loader throws a {@link ConfigException}. Regression inputs:
 * {@code src/test/resources/dev/shardcast/transforms/config/ConfigLoaderFuzzTestInputs/}.
 */
class ConfigLoaderFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void loadsOrRefuses(byte[] input) {
    String yaml = new String(input, StandardCharsets.UTF_8);
    List<String> overrides = new ArrayList<>();
    for (String line : yaml.split("\n")) {
      if (line.startsWith("#set ")) {
        overrides.add(line.substring(5));
      }
    }
    JobConfig config;
    try {
      config = ConfigLoader.loadYaml(yaml, overrides);
    } catch (ConfigException e) {
      return;
    }
    new JobPlan(config);
  }
}
