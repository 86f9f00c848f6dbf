package dev.shardcast.training.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shardcast.training.model.ModelSpec;
import dev.shardcast.transforms.config.JobConfig;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The trajectory hash: SHA-256 of what decides the sequence of parameter values (model spec,
 * optimizer, grad_clip, seed). A checkpoint from a different trajectory cannot be resumed;
 * settings that only decide when to stop or write (epochs, early stopping, checkpoint_every,
 * prefetch, device, output) may change between a run and its resume.
 */
final class TrainHashes {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private TrainHashes() {}

  static String trajectory(JobConfig.Train cfg, ModelSpec spec) {
    ObjectNode n = JSON.createObjectNode();
    n.set("model", JSON.valueToTree(spec));
    n.set("optimizer", JSON.valueToTree(cfg.optimizer()));
    n.put("grad_clip", cfg.gradClip() == null ? 0 : cfg.gradClip());
    n.put("seed", cfg.seed());
    try {
      byte[] canonical = JSON.writeValueAsBytes(JSON.treeToValue(n, Object.class));
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
