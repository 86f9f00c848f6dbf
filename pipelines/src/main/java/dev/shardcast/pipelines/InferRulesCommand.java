package dev.shardcast.pipelines;

import dev.shardcast.transforms.quality.InferredRules;
import dev.shardcast.transforms.quality.RuleInference;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shardcast infer-rules data.csv [-o rules.yaml]}: a starting {@code quality:} section to review. */
@Command(name = "infer-rules", mixinStandardHelpOptions = true,
    description = "Propose a quality: section (types, nulls, observed ranges, value sets) from a CSV file."
        + " The ranges are what the file held, not limits: review them before use.")
public final class InferRulesCommand implements Callable<Integer> {
  /** The exit code main() gives a config error: the user's input is wrong, not the program. */
  static final int BAD_INPUT = 2;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "<file.csv>", description = "CSV file with a header row")
  Path file;

  @Option(names = "--max-categories", paramLabel = "N", defaultValue = "" + RuleInference.DEFAULT_MAX_CATEGORIES,
      description = "a text column with at most N distinct values gets an allowed: list (default: ${DEFAULT-VALUE})")
  int maxCategories;

  @Option(names = "--max-rows", paramLabel = "N", description = "read only the first N data rows (default: all)")
  Long maxRows;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write the YAML here (default: stdout)")
  Path output;

  @Override
  public Integer call() throws IOException {
    if (maxCategories < 0 || (maxRows != null && maxRows <= 0)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--max-categories must be 0 or more and --max-rows 1 or more");
    }
    if (!Files.isRegularFile(file)) {
      return fail(Files.isDirectory(file) ? file + " is a folder, not a CSV file" : "input file not found: " + file);
    }
    InferredRules rules;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      rules = new RuleInference(maxCategories, maxRows == null ? 0 : maxRows).infer(file.toString(), in);
    } catch (IllegalArgumentException e) {
      return fail(e.getMessage());
    }
    String yaml = rules.toYaml();
    if (output == null) {
      spec.commandLine().getOut().print(yaml);
      spec.commandLine().getOut().flush();
    } else {
      Files.writeString(output, yaml, StandardCharsets.UTF_8);
      spec.commandLine().getErr().println("wrote rules for " + rules.quality().columns().size() + " columns to "
          + output + "; review the ranges before use");
    }
    return 0;
  }

  private int fail(String message) {
    spec.commandLine().getErr().println("error: " + message);
    return BAD_INPUT;
  }
}
