package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DatasetProfileTest {
  static DatasetProfile sample(long seed, int rows) {
    Random r = new Random(seed);
    DatasetProfile p = new DatasetProfile();
    for (int i = 0; i < rows; i++) {
      p.addNumber("temp", 20 + 5 * r.nextGaussian());
      p.addNumber("load", i % 50 == 0 ? Double.NaN : 1000 * r.nextDouble());
      p.addText("city", i % 7 == 0 ? null : "city-" + r.nextInt(40));
    }
    return p;
  }

  @Test
  void roundTripGivesTheSameSummary() {
    DatasetProfile p = sample(1, 5000);
    DatasetProfile back = DatasetProfile.fromBytes(p.toBytes());
    Map<String, QualityReport.ColumnStats> expected = p.summary(12);
    assertEquals(expected, back.summary(12));
    assertEquals(List.of("city", "load", "temp"), List.copyOf(back.columns().keySet()));
    assertEquals(100, back.column("load").nulls());
    assertEquals(p.column("city").maxLength(), back.column("city").maxLength());
    // The decoded sketches keep working, and merge as the originals do.
    back.merge(sample(2, 100));
    assertEquals(5100 - 102, back.column("load").count());
    assertEquals(5100, back.column("temp").count());
    assertEquals(Math.max(expected.get("temp").max(), sample(2, 100).column("temp").max()),
        back.column("temp").max());
    assertEquals(sample(1, 5000).merge(sample(2, 100)).summary(12), back.summary(12));
  }

  @Test
  void roundTripPastTheExactLimitMergesAsTheOriginal() {
    // 20,000 values a column: the value sketches are binned, not exact.
    DatasetProfile back = DatasetProfile.fromBytes(sample(4, 20_000).toBytes());
    assertEquals(sample(4, 20_000).summary(12), back.summary(12));
    assertEquals(sample(4, 20_000).merge(sample(5, 3000)).summary(12), back.merge(sample(5, 3000)).summary(12));
  }

  @Test
  void mergeAddsColumnsAndLeavesTheOtherUnchanged() {
    DatasetProfile a = sample(3, 1000);
    DatasetProfile b = new DatasetProfile().addNumber("extra", 2).addNumber("temp", 1000);
    Map<String, QualityReport.ColumnStats> bBefore = b.summary(5);

    DatasetProfile merged = new DatasetProfile().merge(a).merge(b);
    merged.addNumber("extra", 4);
    assertEquals(bBefore, b.summary(5)); // copied, not aliased
    assertEquals(2, merged.column("extra").count());
    assertEquals(3.0, merged.column("extra").mean());
    assertEquals(1001, merged.column("temp").count());
    assertEquals(1000.0, merged.column("temp").max());
    assertEquals(List.of("city", "extra", "load", "temp"), List.copyOf(merged.summary(5).keySet()));
    assertNull(merged.column("missing"));
  }

  @Test
  void typeClashIsAnErrorAndChangesNothing() {
    DatasetProfile a = new DatasetProfile().addNumber("a", 1).addNumber("x", 1);
    DatasetProfile b = new DatasetProfile().addNumber("a", 5).addText("x", "one");
    assertThrows(IllegalArgumentException.class, () -> a.merge(b));
    assertEquals(1, a.column("a").count());
    assertThrows(IllegalArgumentException.class, () -> a.addText("a", "text"));
  }

  @Test
  void javaSerializationGoesThroughTheBytes() throws Exception {
    DatasetProfile p = sample(5, 300);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(p);
    }
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(p.summary(8), ((DatasetProfile) in.readObject()).summary(8));
    }
  }

  @Test
  void garbageIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> DatasetProfile.fromBytes(new byte[] {1, 2, 3, 4, 5}));
    byte[] good = sample(4, 10).toBytes();
    byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
    assertThrows(IllegalArgumentException.class, () -> DatasetProfile.fromBytes(truncated));
  }
}
