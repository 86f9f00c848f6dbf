package dev.shardcast.terraform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shardcast.terraform.HclFolders.Parsed;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The terraform/ folder as committed passes every offline check. */
class TerraformConfigTest {
  static Parsed parsed;

  @BeforeAll
  static void parse() {
    parsed = HclFolders.parse(HclFolders.moduleDir());
  }

  @Test
  void passesEveryOfflineCheck() {
    List<Finding> findings = TerraformChecker.check(parsed);
    assertEquals("", findings.stream().map(Finding::toString).collect(Collectors.joining("\n")));
    assertTrue(parsed.files().size() >= 20, "parsed " + parsed.files().keySet());
  }
}
