package dev.shardcast.training.io;

import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.store.S3Clients;
import dev.shardcast.transforms.store.S3Location;
import dev.shardcast.transforms.store.S3Objects;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awssdk.services.s3.S3Client;

/** Local folders and files for what predict reads and writes, wherever it lives (a path or s3://). */
public final class Locations {
  private Locations() {}

  /** A folder as a local path: itself, or a fresh local copy of an S3 prefix. */
  public static Path fetchFolder(String location, JobConfig.S3 s3) throws IOException {
    if (!S3Location.isS3(location)) {
      return Path.of(location);
    }
    Path local = Files.createTempDirectory("shardcast-fetched-");
    try (S3Client client = S3Clients.create(s3)) {
      if (S3Objects.download(client, S3Location.parse(location), local) == 0) {
        throw new FileNotFoundException("nothing under " + location);
      }
    }
    return local;
  }

  /** Where to write a file that belongs at {@code location}: itself, or a local file to publish later. */
  public static Path localFor(String location) throws IOException {
    if (!S3Location.isS3(location)) {
      return Path.of(location);
    }
    String name = location.substring(location.lastIndexOf('/') + 1);
    return Files.createTempDirectory("shardcast-out-").resolve(name);
  }

  /**
   * Uploads the files written beside {@code local} whose names start with its name (the forecasts,
   * their quarantine and report) to the folder of {@code location}; nothing for a local location.
   */
  public static void publish(Path local, String location, JobConfig.S3 s3) throws IOException {
    if (!S3Location.isS3(location)) {
      return;
    }
    S3Location target = S3Location.parse(location);
    String folder = target.key().contains("/") ? target.key().substring(0, target.key().lastIndexOf('/') + 1) : "";
    String base = local.getFileName().toString();
    List<Path> files;
    try (var s = Files.list(local.getParent())) {
      files = s.filter(p -> p.getFileName().toString().startsWith(base)).sorted().toList();
    }
    try (S3Client client = S3Clients.create(s3)) {
      for (Path f : files) {
        S3Objects.put(client, new S3Location(target.bucket(), folder + f.getFileName()), f);
      }
    }
  }
}
