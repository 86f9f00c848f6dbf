package dev.shardcast.transforms.shard;

import dev.shardcast.transforms.config.JobPlan;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * The one definition of a shard file's columns (documented in docs/shard-format.md). Every window is
 * one row: the series key, the window's first timestamp, the first forecast timestamp, then per input
 * column a list of {@code past} float32 values, per target column a list of {@code future} float32
 * values, and, when the job fills gaps, a boolean list per value list saying which points were filled.
 */
public final class ShardSchema implements Serializable {
  public static final int FORMAT_VERSION = 1;
  public static final String SERIES_KEY = "series_key";
  public static final String WINDOW_START = "window_start";
  public static final String FORECAST_START = "forecast_start";
  /** Lineage, in jobs with several input sources only: the named sources of the window's points. */
  public static final String SOURCE = "source";
  public static final String PAST_PREFIX = "past_";
  public static final String FUTURE_PREFIX = "future_";
  public static final String FILLED_SUFFIX = "_filled";
  /** Compact layout (one row per segment): the points' times, the windows' start offsets, the values. */
  public static final String TIME = "time";
  public static final String WINDOW_OFFSET = "window_offset";
  public static final String VALUE_PREFIX = "value_";

  /** One column as the manifest and docs describe it. */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public record ColumnInfo(String name, String type, Integer length, String description) implements Serializable {}

  private final List<String> inputs;
  private final List<String> targets;
  private final int past;
  private final int future;
  private final boolean masks;
  private final boolean lineage;

  public ShardSchema(List<String> inputs, List<String> targets, int past, int future, boolean masks) {
    this(inputs, targets, past, future, masks, false);
  }

  public ShardSchema(List<String> inputs, List<String> targets, int past, int future, boolean masks, boolean lineage) {
    this.lineage = lineage;
    this.inputs = List.copyOf(inputs);
    this.targets = List.copyOf(targets);
    this.past = past;
    this.future = future;
    this.masks = masks;
  }

  public static ShardSchema of(JobPlan plan) {
    List<String> in = new ArrayList<>();
    for (int i : plan.inputIndex()) {
      in.add(plan.valueColumns().get(i));
    }
    List<String> tg = new ArrayList<>();
    for (int i : plan.targetIndex()) {
      tg.add(plan.valueColumns().get(i));
    }
    return new ShardSchema(in, tg, plan.window().past(), plan.window().future(), plan.fillsGaps(),
        plan.sources().size() > 1);
  }

  public boolean hasLineage() {
    return lineage;
  }

  public List<String> inputs() {
    return inputs;
  }

  public List<String> targets() {
    return targets;
  }

  public int past() {
    return past;
  }

  public int future() {
    return future;
  }

  public boolean hasMasks() {
    return masks;
  }

  /** The columns a compact segment stores, in this order: the inputs, then targets that are not inputs. */
  public List<String> segmentColumns() {
    List<String> out = new ArrayList<>(inputs);
    for (String t : targets) {
      if (!out.contains(t)) {
        out.add(t);
      }
    }
    return out;
  }

  /** {@link #segmentColumns()} as indexes into the plan's value columns. */
  public static int[] segmentColumnIndex(JobPlan plan) {
    return of(plan).segmentColumns().stream().mapToInt(c -> plan.valueColumns().indexOf(c)).toArray();
  }

  public static String valueColumn(String column) {
    return VALUE_PREFIX + column;
  }

  /**
   * The compact layout's file schema: one row per segment, its series key, the list of its points'
   * times, the list of its windows' start offsets, (lineage) the list of its windows' sources, then
   * per stored column a list of float32 point values and, when the job fills gaps, a bool list.
   */
  public MessageType compactParquetSchema() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(SERIES_KEY);
    b.addField(Types.requiredList().requiredElement(PrimitiveTypeName.INT64)
        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS)).named(TIME));
    b.addField(list(WINDOW_OFFSET, PrimitiveTypeName.INT32));
    if (lineage) {
      b.addField(Types.requiredList().requiredElement(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType())
          .named(SOURCE));
    }
    for (String c : segmentColumns()) {
      b.addField(list(valueColumn(c), PrimitiveTypeName.FLOAT));
      if (masks) {
        b.addField(list(filledColumn(valueColumn(c)), PrimitiveTypeName.BOOLEAN));
      }
    }
    return b.named("shardcast_segment");
  }

  public List<ColumnInfo> describeCompact() {
    List<ColumnInfo> out = new ArrayList<>();
    out.add(new ColumnInfo(SERIES_KEY, "string", null, "series key (key columns joined with '/')"));
    out.add(new ColumnInfo(TIME, "list<timestamp[ms, UTC]>", null, "time of each point of the segment"));
    out.add(new ColumnInfo(WINDOW_OFFSET, "list<int32>", null, "each window's first past point, as an index into the points"));
    if (lineage) {
      out.add(new ColumnInfo(SOURCE, "list<string>", null, "per window, the named input sources of its observed points"));
    }
    for (String c : segmentColumns()) {
      out.add(new ColumnInfo(valueColumn(c), "list<float32>", null, "the points' values of column " + c + ", scaled"));
      if (masks) {
        out.add(new ColumnInfo(filledColumn(valueColumn(c)), "list<bool>", null, "true where the gap policy filled the point"));
      }
    }
    return out;
  }

  public static String pastColumn(String input) {
    return PAST_PREFIX + input;
  }

  public static String futureColumn(String target) {
    return FUTURE_PREFIX + target;
  }

  public static String filledColumn(String valueColumn) {
    return valueColumn + FILLED_SUFFIX;
  }

  public MessageType parquetSchema() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(SERIES_KEY);
    b.required(PrimitiveTypeName.INT64)
        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
        .named(WINDOW_START);
    b.required(PrimitiveTypeName.INT64)
        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS))
        .named(FORECAST_START);
    if (lineage) {
      b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(SOURCE);
    }
    for (String c : inputs) {
      b.addField(list(pastColumn(c), PrimitiveTypeName.FLOAT));
      if (masks) {
        b.addField(list(filledColumn(pastColumn(c)), PrimitiveTypeName.BOOLEAN));
      }
    }
    for (String c : targets) {
      b.addField(list(futureColumn(c), PrimitiveTypeName.FLOAT));
      if (masks) {
        b.addField(list(filledColumn(futureColumn(c)), PrimitiveTypeName.BOOLEAN));
      }
    }
    return b.named("shardcast_window");
  }

  /** Standard three-level LIST, so DuckDB, pyarrow and Arrow Java read it as list&lt;float&gt;. */
  private static Type list(String name, PrimitiveTypeName element) {
    return Types.requiredList().requiredElement(element).named(name);
  }

  public List<ColumnInfo> describe() {
    List<ColumnInfo> out = new ArrayList<>();
    out.add(new ColumnInfo(SERIES_KEY, "string", null, "series key (key columns joined with '/')"));
    out.add(new ColumnInfo(WINDOW_START, "timestamp[ms, UTC]", null, "time of the first past point"));
    out.add(new ColumnInfo(FORECAST_START, "timestamp[ms, UTC]", null, "time of the first future point"));
    if (lineage) {
      out.add(new ColumnInfo(SOURCE, "string", null,
          "the named input sources of the window's observed points, sorted and joined with '+'"));
    }
    for (String c : inputs) {
      out.add(new ColumnInfo(pastColumn(c), "list<float32>", past, "past values of input " + c + ", scaled"));
      if (masks) {
        out.add(new ColumnInfo(filledColumn(pastColumn(c)), "list<bool>", past, "true where the gap policy filled the point"));
      }
    }
    for (String c : targets) {
      out.add(new ColumnInfo(futureColumn(c), "list<float32>", future, "future values of target " + c + ", scaled"));
      if (masks) {
        out.add(new ColumnInfo(filledColumn(futureColumn(c)), "list<bool>", future, "true where the gap policy filled the point"));
      }
    }
    return out;
  }

  public static String shardPath(String split, long batch) {
    return String.format("%s/batch-%06d.parquet", split, batch);
  }
}
