package dev.shardcast.transforms.beam;

import dev.shardcast.transforms.quality.DatasetProfile;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * {@link DatasetProfile} as length-prefixed {@link DatasetProfile#toBytes()}: the prefix lets it sit
 * inside other coders (KV, accumulators) without reading past its own bytes.
 */
public final class DatasetProfileCoder extends CustomCoder<DatasetProfile> {
  private static final DatasetProfileCoder INSTANCE = new DatasetProfileCoder();

  public static DatasetProfileCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(DatasetProfile profile, OutputStream os) throws IOException {
    byte[] bytes = profile.toBytes();
    DataOutputStream out = new DataOutputStream(os);
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
  }

  @Override
  public DatasetProfile decode(InputStream is) throws IOException {
    DataInputStream in = new DataInputStream(is);
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return DatasetProfile.fromBytes(bytes);
  }
}
