package dev.shardcast.transforms.core;

import java.io.Serializable;

/**
 * First and last step and time of a series (or of the whole data set). {@code contextUntil}: in an
 * incremental span, the series' last step of the earlier spans (its rows up to there are context that
 * earlier spans already windowed and counted); {@link Long#MIN_VALUE} otherwise.
 */
public record SeriesExtent(long firstStep, long lastStep, long firstTime, long lastTime, long contextUntil)
    implements Serializable {

  public SeriesExtent(long firstStep, long lastStep, long firstTime, long lastTime) {
    this(firstStep, lastStep, firstTime, lastTime, Long.MIN_VALUE);
  }

  public static SeriesExtent of(RowChunk c) {
    long fs = Long.MAX_VALUE;
    long ls = Long.MIN_VALUE;
    long ft = Long.MAX_VALUE;
    long lt = Long.MIN_VALUE;
    for (int i = 0; i < c.size; i++) {
      fs = Math.min(fs, c.steps[i]);
      ls = Math.max(ls, c.steps[i]);
      ft = Math.min(ft, c.times[i]);
      lt = Math.max(lt, c.times[i]);
    }
    return new SeriesExtent(fs, ls, ft, lt);
  }

  public SeriesExtent merge(SeriesExtent o) {
    return new SeriesExtent(Math.min(firstStep, o.firstStep), Math.max(lastStep, o.lastStep),
        Math.min(firstTime, o.firstTime), Math.max(lastTime, o.lastTime), Math.max(contextUntil, o.contextUntil));
  }

  public long points() {
    return lastStep - firstStep + 1;
  }
}
