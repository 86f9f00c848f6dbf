package dev.shardcast.transforms.quality;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Mergeable profile of a data set: one {@link ColumnProfile} per column, sorted by name so the
 * summary and the serialized bytes do not depend on the order workers saw the columns in. A column's
 * type is fixed by its first value; adding the other kind to it is an error.
 *
 * <p>Serializable through {@link #toBytes()} (a serialization proxy), because Beam serializes a
 * combine's default value ({@code Combine.globally} of an empty input) with the transform.
 */
public final class DatasetProfile implements Serializable {
  private static final long serialVersionUID = 1L;
  /** First int of {@link #toBytes()}: a magic number and format version in one. */
  private static final int FORMAT = 0x53435002; // "SCP" v2: exact log-magnitude bins

  // Never serialized as a field: writeReplace substitutes the byte form.
  private final transient TreeMap<String, ColumnProfile> columns = new TreeMap<>();

  public DatasetProfile addNumber(String column, double v) {
    columns.computeIfAbsent(column, c -> ColumnProfile.numeric()).addNumber(v);
    return this;
  }

  public DatasetProfile addText(String column, String v) {
    columns.computeIfAbsent(column, c -> ColumnProfile.text()).addText(v);
    return this;
  }

  /** The numeric column's profile, made empty when the column has none yet (to add values to it). */
  public ColumnProfile numericColumn(String column) {
    return columns.computeIfAbsent(column, c -> ColumnProfile.numeric());
  }

  /** The text column's profile, made empty when the column has none yet. */
  public ColumnProfile textColumn(String column) {
    return columns.computeIfAbsent(column, c -> ColumnProfile.text());
  }

  /**
   * Merges {@code other} into this profile and returns this; {@code other} is left unchanged and
   * shares nothing with this afterwards (a column only it has is copied, not aliased), so it is safe
   * to merge Beam inputs, which must not be mutated.
   */
  public DatasetProfile merge(DatasetProfile other) {
    if (other == this) {
      throw new IllegalArgumentException("cannot merge a profile into itself");
    }
    // Check every column first so that a type clash leaves this profile as it was.
    for (Map.Entry<String, ColumnProfile> e : other.columns.entrySet()) {
      ColumnProfile mine = columns.get(e.getKey());
      if (mine != null && mine.isText() != e.getValue().isText()) {
        throw new IllegalArgumentException("column '" + e.getKey() + "' is " + mine.type() + " here but "
            + e.getValue().type() + " in the merged profile");
      }
    }
    other.columns.forEach((name, theirs) -> columns.computeIfAbsent(name, c -> theirs.emptyLike()).merge(theirs));
    return this;
  }

  /** A copy of the columns {@code keep} accepts. */
  public DatasetProfile only(java.util.function.Predicate<String> keep) {
    DatasetProfile out = new DatasetProfile();
    columns.forEach((name, p) -> {
      if (keep.test(name)) {
        out.columns.put(name, p.emptyLike().merge(p));
      }
    });
    return out;
  }

  /** Read-only view, sorted by column name. */
  public SortedMap<String, ColumnProfile> columns() {
    return Collections.unmodifiableSortedMap(columns);
  }

  /** The column's profile, or null when no value (not even a null) was added for it. */
  public ColumnProfile column(String name) {
    return columns.get(name);
  }

  /** Report statistics per column, sorted by name; {@code bins} histogram bins per numeric column. */
  public Map<String, QualityReport.ColumnStats> summary(int bins) {
    Map<String, QualityReport.ColumnStats> out = new LinkedHashMap<>();
    columns.forEach((name, profile) -> out.put(name, profile.summary(bins)));
    return out;
  }

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeInt(columns.size());
      for (Map.Entry<String, ColumnProfile> e : columns.entrySet()) {
        out.writeUTF(e.getKey());
        e.getValue().writeTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  public static DatasetProfile fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalArgumentException(String.format("not a dataset profile (format 0x%08x)", format));
      }
      DatasetProfile p = new DatasetProfile();
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        p.columns.put(name, ColumnProfile.readFrom(in));
      }
      return p;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated or corrupt dataset profile", e);
    }
  }

  private Object writeReplace() {
    return new SerializedForm(toBytes());
  }

  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("DatasetProfile is serialized through its SerializedForm");
  }

  private static final class SerializedForm implements Serializable {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    SerializedForm(byte[] bytes) {
      this.bytes = bytes;
    }

    private Object readResolve() {
      return fromBytes(bytes);
    }
  }
}
