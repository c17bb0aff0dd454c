package org.domainguard.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A parsed command line: the command, its {@code --options} and positional arguments. */
record CommandLine(String command, Map<String, String> options, List<String> arguments) {
  /** Options that take no value. */
  private static final Set<String> FLAGS = Set.of("--once", "--help", "--quick");

  static CommandLine parse(String[] args) {
    if (args.length == 0) {
      return new CommandLine("--help", Map.of(), List.of());
    }
    Map<String, String> options = new HashMap<>();
    List<String> arguments = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (FLAGS.contains(a)) {
        options.put(a, "true");
      } else if (a.startsWith("--")) {
        if (i + 1 >= args.length) {
          throw new UsageException("option " + a + " needs a value");
        }
        options.put(a, args[++i]);
      } else {
        arguments.add(a);
      }
    }
    return new CommandLine(args[0], options, arguments);
  }

  void allow(Set<String> allowedOptions, int minArgs, int maxArgs) {
    for (String o : options.keySet()) {
      if (!allowedOptions.contains(o)) {
        throw new UsageException("unknown option " + o + " for '" + command + "'");
      }
    }
    if (arguments.size() < minArgs || arguments.size() > maxArgs) {
      throw new UsageException("'" + command + "' takes " + (minArgs == maxArgs ? String.valueOf(minArgs) : minArgs + " to " + maxArgs) + " argument(s)");
    }
  }

  String option(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  boolean flag(String name) {
    return options.containsKey(name);
  }
}
