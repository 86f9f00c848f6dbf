package dev.shardcast.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shardcast.terraform.Finding.Rule;
import dev.shardcast.terraform.HclFolders.Parsed;
import dev.shardcast.terraform.Modules.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * EventBridge (Scheduler) cron expressions: {@code cron(minutes hours day-of-month month
 * day-of-week year)}, as the EventBridge Scheduler user guide defines them: six fields; {@code , -
 * * /} everywhere; {@code ?} in exactly one of the two day fields; {@code L W} in day-of-month;
 * {@code L #} in day-of-week; months JAN-DEC, days SUN-SAT (1 = Sunday); years 1970-2199.
 */
final class Cron {
  private static final String[] MONTHS = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

  private Cron() {}

  /** Why the expression is invalid, or empty when it is valid. */
  static Optional<String> problem(String expression) {
    if (!expression.startsWith("cron(") || !expression.endsWith(")")) return Optional.of("not cron(...)");
    String[] f = expression.substring(5, expression.length() - 1).split(" ", -1);
    if (f.length != 6) return Optional.of("6 fields separated by single spaces expected, got " + f.length);
    boolean domAny = f[2].equals("?");
    boolean dowAny = f[4].equals("?");
    if (domAny == dowAny) return Optional.of("exactly one of day-of-month and day-of-week must be '?'");
    List<String> problems = new ArrayList<>();
    field("minutes", f[0], 0, 59, null, problems);
    field("hours", f[1], 0, 23, null, problems);
    if (!domAny && !f[2].matches("L|LW|([1-9]|[12][0-9]|3[01])W")) field("day-of-month", f[2], 1, 31, null, problems);
    field("month", f[3], 1, 12, MONTHS, problems);
    if (!dowAny && !f[4].matches("L|[1-7]L|(" + String.join("|", DAYS) + ")L|([1-7]|" + String.join("|", DAYS) + ")#[1-5]")) {
      field("day-of-week", f[4], 1, 7, DAYS, problems);
    }
    field("year", f[5], 1970, 2199, null, problems);
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  /** A comma list of *, v, a-b, each optionally /step. */
  private static void field(String name, String text, int min, int max, String[] names, List<String> problems) {
    for (String item : text.split(",", -1)) {
      String range = item;
      if (item.contains("/")) {
        String[] s = item.split("/", -1);
        Integer step = value(s[1], 1, max, null);
        if (s.length != 2 || step == null) {
          problems.add(name + ": bad step in '" + item + "'");
          continue;
        }
        range = s[0];
      }
      if (range.equals("*")) continue;
      String[] ab = range.split("-", -1);
      Integer a = ab.length >= 1 ? value(ab[0], min, max, names) : null;
      Integer b = ab.length == 2 ? value(ab[1], min, max, names) : a;
      if (ab.length > 2 || a == null || b == null) {
        problems.add(name + ": '" + item + "' is not a value or range within " + min + "-" + max);
      } else if (a > b) {
        problems.add(name + ": range '" + range + "' runs backwards");
      }
    }
  }

  private static Integer value(String s, int min, int max, String[] names) {
    if (names != null) {
      for (int i = 0; i < names.length; i++) if (names[i].equals(s.toUpperCase(Locale.ROOT))) return i + 1;
    }
    if (!s.matches("[0-9]{1,4}")) return null;
    int v = Integer.parseInt(s);
    return v >= min && v <= max ? v : null;
  }

  /** The cron strings of the configuration: variable defaults, literal schedule_expression
   *  arguments, and terraform.tfvars.example values. */
  static void check(Parsed parsed, Module root, List<Finding> out) {
    List<String[]> found = new ArrayList<>(); // where, expression
    for (var e : parsed.files().entrySet()) {
      if (e.getKey().endsWith(".tfvars.example")) {
        e.getValue().fields().forEachRemaining(v -> found.add(new String[] {e.getKey() + " " + v.getKey(), v.getValue().asText("")}));
      } else {
        e.getValue().path("variable").fields().forEachRemaining(v ->
            found.add(new String[] {e.getKey() + " variable " + v.getKey() + " default", v.getValue().path(0).path("default").asText("")}));
        collect(e.getKey(), "", e.getValue().path("resource"), found);
      }
    }
    for (String[] f : found) {
      if (f[1].startsWith("cron(") || f[1].startsWith("cron ")) {
        problem(f[1]).ifPresent(p -> out.add(new Finding(Rule.CRON, f[0], f[1] + ": " + p)));
      }
    }
  }

  private static void collect(String file, String pointer, JsonNode node, List<String[]> found) {
    if (node.isObject()) {
      node.fields().forEachRemaining(x -> {
        if (x.getKey().equals("schedule_expression") && x.getValue().isTextual()) {
          found.add(new String[] {file + " " + pointer + "/" + x.getKey(), x.getValue().asText()});
        }
        collect(file, pointer + "/" + x.getKey(), x.getValue(), found);
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) collect(file, pointer + "/" + i, node.get(i), found);
    }
  }
}
