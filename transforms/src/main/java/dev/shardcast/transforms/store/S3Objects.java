package dev.shardcast.transforms.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Whole-object puts and gets, and listing, for what shardcast writes outside Beam (models,
 * checkpoints, run logs). A file over {@link #MULTIPART_THRESHOLD} goes up in parts of
 * {@link #PART_SIZE} (S3 takes at most 5 GB in one PUT; parts also survive a flaky link better).
 */
public final class S3Objects {
  public static final long MULTIPART_THRESHOLD = 64L << 20;
  public static final int PART_SIZE = 16 << 20;

  private S3Objects() {}

  public static void put(S3Client client, S3Location to, byte[] bytes) {
    client.putObject(b -> b.bucket(to.bucket()).key(to.key()), RequestBody.fromBytes(bytes));
  }

  public static void put(S3Client client, S3Location to, Path file) throws IOException {
    long size = Files.size(file);
    if (size <= MULTIPART_THRESHOLD) {
      client.putObject(b -> b.bucket(to.bucket()).key(to.key()), RequestBody.fromFile(file));
      return;
    }
    String upload = client.createMultipartUpload(b -> b.bucket(to.bucket()).key(to.key())).uploadId();
    try (InputStream in = Files.newInputStream(file)) {
      List<CompletedPart> parts = new ArrayList<>();
      byte[] buf = new byte[PART_SIZE];
      for (int part = 1; ; part++) {
        int n = in.readNBytes(buf, 0, buf.length);
        if (n == 0) {
          break;
        }
        int number = part;
        String etag = client.uploadPart(b -> b.bucket(to.bucket()).key(to.key()).uploadId(upload).partNumber(number),
            RequestBody.fromBytes(java.util.Arrays.copyOf(buf, n))).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      }
      client.completeMultipartUpload(b -> b.bucket(to.bucket()).key(to.key()).uploadId(upload)
          .multipartUpload(m -> m.parts(parts)));
    } catch (IOException | RuntimeException e) {
      client.abortMultipartUpload(b -> b.bucket(to.bucket()).key(to.key()).uploadId(upload));
      throw e;
    }
  }

  public static byte[] get(S3Client client, S3Location from) {
    return client.getObjectAsBytes(b -> b.bucket(from.bucket()).key(from.key())).asByteArray();
  }

  /** Every object below a folder prefix: key relative to the prefix → size. */
  public static java.util.SortedMap<String, Long> list(S3Client client, S3Location folder) {
    java.util.SortedMap<String, Long> out = new java.util.TreeMap<>();
    String prefix = folder.prefix();
    for (S3Object o : client.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(folder.bucket())
        .prefix(prefix).build()).contents()) {
      out.put(o.key().substring(prefix.length()), o.size());
    }
    return out;
  }

  /** Copies every object below {@code folder} into {@code local}, keeping the relative paths. */
  public static int download(S3Client client, S3Location folder, Path local) throws IOException {
    int n = 0;
    for (String rel : list(client, folder).keySet()) {
      Path target = local.resolve(rel).normalize();
      if (!target.startsWith(local) || rel.isEmpty() || rel.endsWith("/")) {
        continue; // a key that would leave the folder, or a folder marker
      }
      Files.createDirectories(target.getParent());
      Files.write(target, get(client, folder.resolve(rel)));
      n++;
    }
    return n;
  }
}
