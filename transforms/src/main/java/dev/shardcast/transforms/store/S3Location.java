package dev.shardcast.transforms.store;

import java.io.Serializable;

/** {@code s3://bucket/key}: a bucket and a key (a prefix for a folder, no leading slash). */
public record S3Location(String bucket, String key) implements Serializable {
  public static final String SCHEME = "s3://";

  public static boolean isS3(String location) {
    return location != null && location.startsWith(SCHEME);
  }

  /** @throws IllegalArgumentException when {@code uri} is not {@code s3://bucket[/key]} */
  public static S3Location parse(String uri) {
    if (!isS3(uri)) {
      throw new IllegalArgumentException("not an s3:// location: " + uri);
    }
    String rest = uri.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("no bucket in " + uri);
    }
    return new S3Location(bucket, key);
  }

  /** The location {@code relative} below this one, read as a folder. */
  public S3Location resolve(String relative) {
    String base = key.isEmpty() || key.endsWith("/") ? key : key + "/";
    return new S3Location(bucket, base + relative);
  }

  /** This location as a folder prefix ({@code a/b/}), or "" for the bucket's root. */
  public String prefix() {
    return key.isEmpty() || key.endsWith("/") ? key : key + "/";
  }

  @Override
  public String toString() {
    return SCHEME + bucket + "/" + key;
  }
}
