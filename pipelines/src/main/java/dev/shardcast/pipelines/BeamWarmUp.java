package dev.shardcast.pipelines;

import java.util.Set;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Beam's first {@code PipelineOptionsFactory} call finds and checks every options interface and
 * runner on the class path: about a second of one core on a 2-core machine, before any data is read.
 * The commands that run a pipeline start it on a second thread as the JVM starts, while the first
 * parses the command line, loads and checks the job file and picks the runner. The class's own
 * initialisation lock makes the first thread wait if it gets there first; nothing global is set.
 */
final class BeamWarmUp {
  private static final Logger LOG = LoggerFactory.getLogger(BeamWarmUp.class);
  private static final Set<String> PIPELINE_COMMANDS = Set.of("prepare", "run", "retrain", "sweep");

  private BeamWarmUp() {}

  static void startFor(String[] args) {
    if (args.length == 0 || !PIPELINE_COMMANDS.contains(args[0])) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        PipelineOptionsFactory.create();
      } catch (Throwable e) { // the command's own first call reports whatever this was
        LOG.debug("Beam warm-up failed", e);
      }
    }, "beam-warm-up");
    t.setDaemon(true);
    t.start();
  }
}
