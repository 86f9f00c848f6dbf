package dev.shardcast.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.recurrent.LSTM;
import java.util.List;

/**
 * The core models with calendar features (windowing.time_features). Their input is the window
 * [B, channels, past] and the calendar [B, 2 * features, past + future] ({@link
 * dev.shardcast.training.data.CalendarFeatures}), the raw sin/cos values (the {@link WindowNormBlock}
 * centres and scales the window only):
 *
 * <ul>
 *   <li>linear: DLinear on the window plus a Linear map of the flattened calendar (past and future
 *       points) — the same as one linear map of the window and the calendar side by side. The
 *       ridge start ({@link LinearInit}) zeroes that map, so the first forecast is the ridge's.
 *   <li>mlp: the flattened window and the flattened calendar, concatenated, into the hidden layers.
 *   <li>lstm: the past calendar as extra channels of the sequence; the future calendar, flattened,
 *       joins the encoding (the last step's output) before the head.
 * </ul>
 */
final class CalendarModels {
  private CalendarModels() {}

  static Block build(ModelSpec spec) {
    return switch (spec.type()) {
      case LINEAR -> linear(spec);
      case MLP -> mlp(spec);
      case LSTM -> lstm(spec);
      case AUTO, ENSEMBLE -> throw new IllegalArgumentException(spec.type().yaml() + " is no single model");
    };
  }

  private static Block linear(ModelSpec spec) {
    int targets = spec.outputs(); // a quantile model: each quantile of each target
    int future = spec.future();
    SequentialBlock window = new SequentialBlock();
    window.add((NDList in) -> new NDList(in.get(0)), "window");
    window.add(DLinear.build(spec));
    SequentialBlock calendar = new SequentialBlock();
    calendar.add((NDList in) -> new NDList(flat(in.get(1))), "calendar");
    calendar.add(Linear.builder().setUnits((long) targets * future).build());
    calendar.add((NDList in) -> new NDList(in.singletonOrThrow().reshape(-1, targets, future)), "to_targets_future");
    return new ParallelBlock(CalendarModels::sum, List.of(window, calendar));
  }

  private static Block mlp(ModelSpec spec) {
    SequentialBlock net = new SequentialBlock();
    net.add((NDList in) -> new NDList(flat(in.get(0)).concat(flat(in.get(1)), 1)), "flatten_with_calendar");
    for (int units : spec.hidden()) {
      net.add(Linear.builder().setUnits(units).build());
      net.add(Activation.reluBlock());
      if (spec.dropout() > 0) {
        net.add(Dropout.builder().optRate((float) spec.dropout()).build());
      }
    }
    ModelFactory.addHead(net, spec);
    return net;
  }

  private static Block lstm(ModelSpec spec) {
    int past = spec.past();
    SequentialBlock encoder = new SequentialBlock();
    // [B, channels + calendar, past] -> [B, past, channels + calendar], as the LSTM wants
    encoder.add((NDList in) -> new NDList(
        in.get(0).concat(in.get(1).get(new NDIndex(":, :, :{}", past)), 1).transpose(0, 2, 1)), "with_calendar");
    encoder.add(new GradModeRecurrentBlock(
        LSTM.builder()
            .setStateSize(spec.lstmHidden())
            .setNumLayers(spec.lstmLayers())
            .optDropRate(spec.lstmLayers() > 1 ? (float) spec.dropout() : 0f)
            .optBatchFirst(true)
            .optReturnState(false)
            .build()));
    encoder.addSingleton(x -> x.get(new NDIndex(":, -1, :")), "last_step");
    if (spec.dropout() > 0) {
      encoder.add(Dropout.builder().optRate((float) spec.dropout()).build());
    }
    SequentialBlock futureCalendar = new SequentialBlock();
    futureCalendar.add((NDList in) -> new NDList(flat(in.get(1).get(new NDIndex(":, :, {}:", past)))), "future_calendar");
    SequentialBlock net = new SequentialBlock();
    net.add(new ParallelBlock(parts -> new NDList(NDArrays.concat(
        new NDList(parts.get(0).singletonOrThrow(), parts.get(1).singletonOrThrow()), 1)), List.of(encoder, futureCalendar)));
    ModelFactory.addHead(net, spec);
    return net;
  }

  private static NDArray flat(NDArray x) {
    return x.reshape(x.getShape().get(0), -1);
  }

  private static NDList sum(List<NDList> parts) {
    return new NDList(parts.get(0).singletonOrThrow().add(parts.get(1).singletonOrThrow()));
  }
}
