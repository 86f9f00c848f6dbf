package dev.shardcast.transforms.beam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shardcast.transforms.quality.DatasetProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.junit.jupiter.api.Test;

class DatasetProfileCoderTest {
  static DatasetProfile profile(double... values) {
    DatasetProfile p = new DatasetProfile();
    for (double v : values) {
      p.addNumber("x", v);
      p.addText("name", "n" + v);
    }
    return p;
  }

  @Test
  void twoProfilesInOneStreamDecodeSeparately() throws Exception {
    DatasetProfileCoder coder = DatasetProfileCoder.of();
    DatasetProfile a = profile(1, 2, 3);
    DatasetProfile b = profile(10, 20);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    coder.encode(a, out);
    coder.encode(b, out);
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    assertEquals(a.summary(4), coder.decode(in).summary(4));
    assertEquals(b.summary(4), coder.decode(in).summary(4));
    assertEquals(0, in.available());
  }

  @Test
  void mergeFnCombinesGloballyWithoutMutatingInputs() {
    // The direct runner fails the pipeline when a transform mutates its input elements.
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<DatasetProfile> merged = pipeline
        .apply(Create.of(List.of(profile(1, 2), profile(3), profile(4, 5, 6))).withCoder(DatasetProfileCoder.of()))
        .apply(Combine.globally(new MergeProfiles.MergeFn()));
    PAssert.thatSingleton(merged).satisfies(p -> {
      assertEquals(6, p.column("x").count());
      assertEquals(3.5, p.column("x").mean(), 1e-12);
      assertEquals(6, p.column("name").approxDistinct());
      return null;
    });
    pipeline.run().waitUntilFinish();
  }
}
