package dev.shardcast.pipelines;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shardcast.transforms.beam.OutputFiles;
import dev.shardcast.transforms.beam.WriteSpanTail;
import dev.shardcast.transforms.config.ConfigException;
import dev.shardcast.transforms.config.ConfigLoader;
import dev.shardcast.transforms.config.IncrementalConfig;
import dev.shardcast.transforms.config.JobConfig;
import dev.shardcast.transforms.core.SpanTail;
import dev.shardcast.transforms.shard.ShardManifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code incremental.enabled}: prepare as spans. The first run (or one after the config that shapes
 * the shards changed) prepares every input file into {@code spans/0/}; a later run prepares only the
 * files no span has read, with each series' tail of the span before as context and span 0's scaler,
 * into {@code spans/<n>/}, which holds exactly the windows a full rebuild would add for the new rows.
 * The top-level {@code manifest.json} lists every span's shards, so train reads the union unchanged;
 * {@value #STATE} (written last) records which files each span read (size, SHA-256 or last-modified).
 */
final class IncrementalPrepare {
  private static final Logger LOG = LoggerFactory.getLogger(IncrementalPrepare.class);
  static final String STATE = "incremental-state.json";
  static final String SPANS = "spans";
  private static final ObjectMapper JSON = new ObjectMapper();

  private IncrementalPrepare() {}

  /** What the spans are made of; {@code configDigest} as {@link InputState}'s. */
  record State(@JsonProperty("config_digest") String configDigest, List<Span> spans) {}

  /** One span: its folder under the output and the input files it read. */
  record Span(int index, String folder, @JsonProperty("finished_at") String finishedAt, List<InputState.FileState> files) {}

  /** The merged manifest; {@code nothingNew}: no input file was new, nothing was prepared. */
  record Outcome(ShardManifest manifest, boolean nothingNew, String message) {}

  static Outcome run(JobConfig config, List<String> beamArgs, Duration progressEvery,
      Consumer<JobProgress.Report> listener) throws IOException {
    String root = config.shards().output();
    if (!dev.shardcast.transforms.config.PrepareChecks.allLocal(config)) {
      org.apache.beam.sdk.io.FileSystems.setDefaultPipelineOptions(PrepareJob.options(config, beamArgs));
    }
    State state = read(root);
    List<InputState.FileState> known = new ArrayList<>();
    if (state != null) {
      state.spans().forEach(s -> known.addAll(s.files()));
    }
    InputState now = InputState.of(config, known);
    String rebuild = null;
    if (state == null) {
      rebuild = "no earlier span at " + root;
    } else if (!state.configDigest().equals(now.configDigest())) {
      rebuild = "the config that shapes the shards changed since span " + last(state).index();
    }
    Map<String, InputState.FileState> seen = new LinkedHashMap<>();
    if (rebuild == null) {
      state.spans().forEach(s -> s.files().forEach(f -> seen.put(f.path(), f)));
      List<String> changed = changed(seen, now);
      if (!changed.isEmpty()) {
        if (config.incremental().onChangeOrDefault() == IncrementalConfig.OnChange.REFUSE) {
          throw new ConfigException("incremental: input files that earlier spans were made from changed or are gone: "
              + String.join("; ", changed) + ". Restore them, or set 'incremental.on_change: rebuild' to prepare "
              + "everything again");
        }
        rebuild = "input files of earlier spans changed (incremental.on_change: rebuild): " + String.join("; ", changed);
      }
    }
    if (rebuild != null) {
      LOG.info("incremental: preparing every input file as span 0: {}", rebuild);
      clear(root, state);
      return new Outcome(prepareSpan(config, root, 0, now.files(), null, null, beamArgs, progressEvery, listener,
          new State(now.configDigest(), new ArrayList<>())), false, "span 0 from " + now.files().size() + " file(s): " + rebuild);
    }
    List<InputState.FileState> added = now.files().stream().filter(f -> !seen.containsKey(f.path())).toList();
    if (added.isEmpty()) {
      String msg = "no new input file since span " + last(state).index() + " (" + seen.size()
          + " file(s) unchanged): nothing to prepare";
      LOG.info("incremental: {}", msg);
      return new Outcome(ShardManifest.fromJson(OutputFiles.read(root, ShardManifest.FILE_NAME)), true, msg);
    }
    Span previous = last(state);
    int index = previous.index() + 1;
    List<SpanTail> tails = tails(root, previous);
    LOG.info("incremental: span {} from {} new file(s), with the last rows of {} series from span {}", index,
        added.size(), tails.size(), previous.index());
    String previousReport = previous.folder() + "/" + PrepareJob.BASELINE;
    PreparePipeline.Baseline baseline = OutputFiles.exists(root, previousReport)
        ? new PreparePipeline.Baseline(new String(OutputFiles.read(root, previousReport), StandardCharsets.UTF_8),
            OutputFiles.resolve(root, previousReport).toString())
        : PreparePipeline.Baseline.NONE;
    ShardManifest m = prepareSpan(config, root, index, added, tails, baseline, beamArgs, progressEvery, listener, state);
    return new Outcome(m, false, "span " + index + " from " + added.size() + " new file(s)");
  }

  /** Prepares one span into its folder, then writes the merged manifest and the state (in that order). */
  private static ShardManifest prepareSpan(JobConfig config, String root, int index, List<InputState.FileState> files,
      List<SpanTail> tails, PreparePipeline.Baseline baseline, List<String> beamArgs, Duration progressEvery,
      Consumer<JobProgress.Report> listener, State state) throws IOException {
    String folder = SPANS + "/" + index;
    List<String> overrides = new ArrayList<>();
    overrides.add("shards.output=" + join(root, folder));
    if (index > 0) {
      // every span in span 0's units, whatever scaler.from says now (retrain's keep_scaler moves it)
      overrides.add("scaler.from=" + join(root, SPANS + "/0"));
    }
    JobConfig spanConfig = ConfigLoader.loadYaml(ConfigLoader.toYaml(config), overrides);
    PreparePipeline.Span span = index == 0 ? null
        : new PreparePipeline.Span(files.stream().map(InputState.FileState::path).toList(), tails);
    PrepareJob.run(spanConfig, beamArgs, progressEvery, listener, span, baseline);
    List<Span> spans = new ArrayList<>(state.spans());
    spans.add(new Span(index, folder, Instant.now().toString(), files));
    List<ShardManifest> manifests = new ArrayList<>();
    for (Span s : spans) {
      manifests.add(ShardManifest.fromJson(OutputFiles.read(root, s.folder() + "/" + ShardManifest.FILE_NAME)));
    }
    ShardManifest merged = dev.shardcast.transforms.shard.SpanManifests.merge(manifests, spans.stream().map(Span::folder).toList());
    OutputFiles.writeAtomically(root, ShardManifest.FILE_NAME, merged.toJson());
    OutputFiles.writeAtomically(root, STATE,
        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new State(state.configDigest(), spans)));
    return merged;
  }

  /** Each series' tail as the span before left it. */
  private static List<SpanTail> tails(String root, Span previous) throws IOException {
    List<SpanTail> out = new ArrayList<>();
    String file = previous.folder() + "/" + WriteSpanTail.FILE;
    try (BufferedReader r = OutputFiles.reader(root, file)) {
      for (String line; (line = r.readLine()) != null; ) {
        if (!line.isBlank()) {
          out.add(SpanTail.fromJsonLine(line));
        }
      }
    }
    return out;
  }

  /** Earlier spans' files that changed (size, checksum, last-modified) or are gone. */
  private static List<String> changed(Map<String, InputState.FileState> seen, InputState now) {
    Map<String, InputState.FileState> current = new LinkedHashMap<>();
    now.files().forEach(f -> current.put(f.path(), f));
    List<String> out = new ArrayList<>();
    for (InputState.FileState old : seen.values()) {
      InputState.FileState f = current.get(old.path());
      if (f == null) {
        out.add(old.path() + " is gone");
      } else if (!f.sameAs(old)) {
        out.add(old.path() + " changed (" + old.bytes() + " -> " + f.bytes() + " bytes"
            + (f.sha256() != null && !f.sha256().equals(old.sha256()) ? ", other SHA-256" : "") + ")");
      }
    }
    return out;
  }

  /** Before a rebuild: the manifest first (a folder without one is unfinished), the state, every span's files. */
  private static void clear(String root, State state) throws IOException {
    OutputFiles.deleteMatching(root, ShardManifest.FILE_NAME);
    OutputFiles.deleteMatching(root, STATE);
    TreeSet<String> folders = new TreeSet<>();
    if (state != null) {
      state.spans().forEach(s -> folders.add(s.folder()));
    }
    for (String folder : folders) {
      if (!folder.equals(SPANS + "/0")) { // span 0 is cleared by its own prepare
        PrepareJob.clearOutput(join(root, folder));
        OutputFiles.deleteMatching(join(root, folder), WriteSpanTail.FILE);
      }
    }
  }

  static State read(String root) throws IOException {
    if (!OutputFiles.exists(root, STATE) || !OutputFiles.exists(root, ShardManifest.FILE_NAME)) {
      return null;
    }
    try {
      State s = JSON.readValue(OutputFiles.read(root, STATE), State.class);
      return s.spans() == null || s.spans().isEmpty() ? null : s;
    } catch (IOException e) {
      LOG.warn("incremental: {} is unreadable ({}): preparing everything again", STATE, e.getMessage());
      return null;
    }
  }

  private static Span last(State s) {
    return s.spans().get(s.spans().size() - 1);
  }

  private static String join(String root, String rel) {
    return root.endsWith("/") ? root + rel : root + "/" + rel;
  }
}
