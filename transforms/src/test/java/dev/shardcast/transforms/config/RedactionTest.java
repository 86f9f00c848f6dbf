package dev.shardcast.transforms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void masksUserinfoSignaturesTokensAndKeyIds() {
    assertEquals("http://***@minio:9000/b", Redaction.text("http://admin:hunter2@minio:9000/b"));
    assertEquals("https://***@host/x", Redaction.text("https://tok3n@host/x"));
    assertEquals("https://b.s3.amazonaws.com/k.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=***"
            + "&X-Amz-Security-Token=***&X-Amz-Signature=***",
        Redaction.text("https://b.s3.amazonaws.com/k.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=abc%2F2024"
            + "&X-Amz-Security-Token=FQoG&X-Amz-Signature=deadbeef"));
    assertEquals("file not found: /d/x.csv?sig=*** (key ***)",
        Redaction.text("file not found: /d/x.csv?sig=s3cr3t (key AKIAABCDEFGHIJKLMNOP)"));
    assertEquals("a?access_token=***&page=2", Redaction.text("a?access_token=t&page=2"));
  }

  @Test
  void leavesOrdinaryPathsAndTextAlone() {
    for (String s : List.of("s3://bucket/data/*.csv", "out/txhousing", "data/file-?.csv", "https://minio:9000",
        "key=value in a sentence", "s3://b/a@2x/p.csv", "past 12, future 3")) {
      assertEquals(s, Redaction.text(s));
      assertFalse(Redaction.hasSecret(s), s);
    }
  }

  @Test
  void masksEveryStringOfATree() throws Exception {
    ObjectMapper json = new ObjectMapper();
    var tree = json.readTree("{\"a\": [\"http://u:p@h\", 1], \"b\": {\"c\": \"x?token=t\"}, \"d\": true}");
    assertEquals(json.readTree("{\"a\": [\"http://***@h\", 1], \"b\": {\"c\": \"x?token=***\"}, \"d\": true}"),
        Redaction.tree(tree));
    assertEquals("http://u:p@h", tree.get("a").get(0).asText(), "the original is not changed");
  }

  @Test
  void outputsMayNotClimbOutOfTheirRoot() {
    OutputRoot.check("shards.output", "out/a/../b");
    OutputRoot.check("shards.output", "/tmp/out");
    OutputRoot.check("shards.output", "s3://bucket/prefix..x/out");
    for (String bad : List.of("out/../../x", "../x", "/tmp/out/../../etc", "s3://bucket/a/../b")) {
      ConfigException e = assertThrows(ConfigException.class, () -> OutputRoot.check("shards.output", bad), bad);
      assertTrue(e.getMessage().startsWith("config key 'shards.output' (" + bad + ")"), e.getMessage());
    }
  }
}
