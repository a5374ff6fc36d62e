package io.sparkinception.jobs;

import io.sparkinception.common.Settings;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Parsed command-line arguments: {@code --config FILE}, {@code --help}, and {@code --key value} (or
 * {@code --key=value}) for every key of the command's namespace. A boolean key given without a value means true.
 *
 * @param configFile the HOCON file, or null
 * @param overrides  flag values by key
 * @param help       whether --help was given
 */
record Arguments(String configFile, Map<String, String> overrides, boolean help) {

    /** Parses the flags of every namespace (a key of an earlier namespace wins). */
    static Arguments parse(String[] args, List<String> namespaces) {
        Map<String, Settings.KeyDoc> byKey = new LinkedHashMap<>();
        for (String ns : namespaces) {
            for (Settings.KeyDoc d : Settings.documentation(ns)) {
                byKey.putIfAbsent(d.key(), d);
            }
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        String config = null;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                help = true;
                continue;
            }
            if (!a.startsWith("--") || a.length() == 2) {
                throw new IllegalArgumentException("unexpected argument '" + a + "' (flags look like --key value; see --help)");
            }
            String key = a.substring(2);
            String value = null;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            if (key.equals("config")) {
                if (value == null) {
                    value = next(args, ++i, key);
                }
                config = value;
                continue;
            }
            Settings.KeyDoc doc = byKey.get(key);
            if (doc == null) {
                throw new IllegalArgumentException("unknown flag --" + key + " (known: " + known(byKey.keySet()) + ")");
            }
            if (value == null) {
                boolean bool = doc.defaultValue().equals("true") || doc.defaultValue().equals("false");
                if (bool && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
                    value = "true";
                } else {
                    value = next(args, ++i, key);
                }
            }
            overrides.put(key, value);
        }
        return new Arguments(config, overrides, help);
    }

    /** The flags that are keys of {@code namespace}. */
    Map<String, String> overridesIn(String namespace) {
        return overrides(namespace, true);
    }

    /** The flags that are not keys of {@code namespace} (they belong to the command's other namespaces). */
    Map<String, String> overridesNotIn(String namespace) {
        return overrides(namespace, false);
    }

    private Map<String, String> overrides(String namespace, boolean in) {
        Set<String> keys = Settings.documentation(namespace).stream().map(Settings.KeyDoc::key).collect(Collectors.toSet());
        Map<String, String> selected = new LinkedHashMap<>();
        overrides.forEach((k, v) -> {
            if (keys.contains(k) == in) {
                selected.put(k, v);
            }
        });
        return selected;
    }

    private static String next(String[] args, int i, String key) {
        if (i >= args.length) {
            throw new IllegalArgumentException("flag --" + key + " needs a value");
        }
        return args[i];
    }

    private static String known(Set<String> keys) {
        return keys.stream().sorted().map(k -> "--" + k).collect(Collectors.joining(" "));
    }

    /** The --help text: every flag with its default and its description from reference.conf. */
    static String usage(Command command) {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: spark-submit spark-inception.jar ").append(command.name())
                .append(" [--config FILE] [--key value ...]\n").append(command.summary()).append("\n\n");
        sb.append("  --config FILE  HOCON file with settings under ").append(String.join(" and ", command.namespaces()))
                .append(" (flags override it)\n");
        Set<String> seen = new HashSet<>();
        for (String ns : command.namespaces()) {
            if (command.namespaces().size() > 1) {
                sb.append("\n ").append(ns).append(":\n");
            }
            for (Settings.KeyDoc d : Settings.documentation(ns)) {
                if (!seen.add(d.key())) {
                    continue;
                }
                String req = command.required().contains(d.key()) ? " (required)" : "";
                // An optional key (null in reference.conf) has no default value: omitting it selects the default behaviour.
                String def = d.defaultValue().equals("null") ? "optional" : "default " + d.defaultValue();
                sb.append("  --").append(d.key()).append(" (").append(def).append(")").append(req)
                        .append("\n      ").append(d.comment()).append('\n');
            }
        }
        return sb.toString();
    }
}
