package dev.shardcast.transforms.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceDataTest {
  @TempDir Path dir;

  @Test
  void aChangedReferenceFileIsReadAgain() throws Exception {
    Path ref = dir.resolve("cities.csv");
    Files.write(ref, List.of("city,pop", "Austin,10", "Waco,2"));
    assertEquals(Set.of("Austin", "Waco"), ReferenceData.keys(ref.toString(), "city"));
    assertEquals(Map.of("Austin", 10.0, "Waco", 2.0), ReferenceData.values(ref.toString(), List.of("city"), "pop"));
    Thread.sleep(1100); // some file systems keep modification times to the second
    Files.write(ref, List.of("city,pop", "Austin,11", "Waco,2", "Tyler,1"));
    assertEquals(Set.of("Austin", "Waco", "Tyler"), ReferenceData.keys(ref.toString(), "city"));
    assertEquals(11.0, ReferenceData.values(ref.toString(), List.of("city"), "pop").get("Austin"));
  }

  @Test
  void referenceValuesAreNumbersAsTheReadersReadThem() throws Exception {
    Path ref = dir.resolve("pop.csv");
    Files.write(ref, List.of("city,pop", "Austin,5.", "Waco,.5", "Tyler,NA", "Dallas,", "Katy,1e308"));
    assertEquals(Map.of("Austin", 5.0, "Waco", 0.5, "Katy", 1e308), ReferenceData.values(ref.toString(), List.of("city"), "pop"));
  }

  /** A bad reference value names the file, line and value (not a bare NumberFormatException, nor 0x1p3 = 8). */
  @Test
  void aBadReferenceValueIsAClearError() throws Exception {
    String[][] cases = {{"1,5", "not a number"}, {"0x1p3", "not a number"}, {"Infinity", "not a number"},
        {"1e309", "not a finite number"}};
    for (int i = 0; i < cases.length; i++) {
      Path ref = dir.resolve("bad" + i + ".csv");
      Files.write(ref, List.of("city,pop", "Austin,10", "\"Waco\",\"" + cases[i][0] + "\""));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ReferenceData.values(ref.toString(), List.of("city"), "pop"), cases[i][0]);
      assertEquals("reference file " + ref + ", line 3, column 'pop': '" + cases[i][0] + "' is " + cases[i][1],
          e.getMessage());
    }
  }

  @Test
  void aMissingColumnNamesTheHeader() throws Exception {
    Path ref = dir.resolve("r.csv");
    Files.write(ref, List.of("a,b", "1,2"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReferenceData.keys(ref.toString(), "c"));
    assertEquals("reference file " + ref + " has no column 'c'; its header is [a, b]", e.getMessage());
  }
}
