package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.quality.DatasetProfile;
import org.apache.beam.sdk.transforms.Combine;

/** Merging of per-worker {@link DatasetProfile}s, for {@code Combine.globally(new MergeProfiles.MergeFn())}. */
public final class MergeProfiles {
  private MergeProfiles() {}

  public static final class MergeFn extends Combine.BinaryCombineFn<DatasetProfile> {
    /**
     * Merges into a fresh profile: Beam hands the first input in as the accumulator, and inputs must
     * not be mutated (the direct runner checks). Profiles are small (sketches of a few KiB per
     * column), so the copy is cheap next to building them.
     */
    @Override
    public DatasetProfile apply(DatasetProfile left, DatasetProfile right) {
      return new DatasetProfile().merge(left).merge(right);
    }

    /** An empty input gives an empty profile rather than null. */
    @Override
    public DatasetProfile identity() {
      return new DatasetProfile();
    }
  }
}
