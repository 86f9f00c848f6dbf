package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.core.SpanTail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Writes each series' tail (the chunks' parts merged) as one JSON line per series, sorted, to
 * {@value #FILE} in the output folder: what the next incremental span reads of this one. One file:
 * a tail is at most a window's span of rows per series.
 */
public final class WriteSpanTail extends PTransform<PCollection<KV<String, SpanTail>>, PDone> {
  public static final String FILE = "span-tail.jsonl";
  private final String outputDir;

  public WriteSpanTail(String outputDir) {
    this.outputDir = outputDir;
  }

  @Override
  public PDone expand(PCollection<KV<String, SpanTail>> parts) {
    parts
        .apply("MergeTailParts", Combine.perKey((a, b) -> a.merge(b)))
        .apply("TailValues", Values.create())
        .apply("TailLines", MapElements.into(TypeDescriptors.strings()).via(SpanTail::toJsonLine))
        .apply("AllTailLines", Combine.globally(new ToSortedList()))
        .setCoder(ListCoder.of(StringUtf8Coder.of()))
        .apply("WriteTailFile", ParDo.of(new WriteFn(outputDir)));
    return PDone.in(parts.getPipeline());
  }

  static final class ToSortedList extends Combine.CombineFn<String, List<String>, List<String>> {
    @Override
    public List<String> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<String> addInput(List<String> acc, String line) {
      acc.add(line);
      return acc;
    }

    @Override
    public List<String> mergeAccumulators(Iterable<List<String>> accs) {
      List<String> all = new ArrayList<>();
      accs.forEach(all::addAll);
      return all;
    }

    @Override
    public List<String> extractOutput(List<String> acc) {
      List<String> sorted = new ArrayList<>(acc);
      Collections.sort(sorted);
      return sorted;
    }
  }

  static final class WriteFn extends DoFn<List<String>, Void> {
    private final String outputDir;

    WriteFn(String outputDir) {
      this.outputDir = outputDir;
    }

    @ProcessElement
    public void process(@Element List<String> lines) {
      StringBuilder sb = new StringBuilder();
      lines.forEach(l -> sb.append(l).append('\n'));
      try {
        OutputFiles.write(outputDir, FILE, sb.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
