package io.sparkinception.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Loads a job's settings: the library's {@code reference.conf} defaults, then a user's HOCON file, then
 * flags, each overriding the one before. Keys under the job's namespace that the reference does not know are
 * errors (a typo must not be silently ignored).
 */
public final class Settings {
    public static final String ROOT = "spark-inception";

    private Settings() {
    }

    /**
     * @param namespace  e.g. {@code spark-inception.preprocess}
     * @param configFile a HOCON file, or null
     * @param overrides  keys relative to the namespace (e.g. {@code image-size}) with string values from flags
     */
    public static Config load(String namespace, String configFile, Map<String, String> overrides) {
        Config reference = ConfigFactory.defaultReference();
        if (!reference.hasPath(namespace)) {
            throw new IllegalStateException("no reference.conf defines " + namespace);
        }
        Config file = ConfigFactory.empty();
        if (configFile != null) {
            File f = new File(configFile);
            if (!f.isFile()) {
                throw new IllegalArgumentException("config file not found: " + configFile);
            }
            try {
                file = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (ConfigException e) {
                throw new IllegalArgumentException("cannot parse " + configFile + ": " + e.getMessage(), e);
            }
        }
        Map<String, String> flagMap = new LinkedHashMap<>();
        overrides.forEach((k, v) -> flagMap.put(namespace + "." + k, v));
        Config flags = ConfigFactory.parseMap(flagMap, "command-line flags");
        Config merged = flags.withFallback(file).withFallback(reference).resolve();
        checkKnown(namespace, merged, reference);
        return merged.getConfig(namespace);
    }

    /** Every key under {@code namespace}, with its default and its reference.conf comment. */
    public static List<KeyDoc> documentation(String namespace) {
        Config ns = ConfigFactory.defaultReference().getConfig(namespace);
        List<KeyDoc> docs = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : leaves(ns).entrySet()) {
            ConfigValue v = e.getValue();
            String comment = v.origin().comments().stream().map(String::trim).collect(Collectors.joining(" "));
            docs.add(new KeyDoc(e.getKey(), v.render(ConfigRenderOptions.concise()), comment, v.origin().lineNumber()));
        }
        docs.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return docs;
    }

    /** One documented key. */
    public record KeyDoc(String key, String defaultValue, String comment, int line) {
    }

    private static void checkKnown(String namespace, Config merged, Config reference) {
        Set<String> known = keys(reference.getConfig(namespace));
        for (String key : keys(merged.getConfig(namespace))) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "' for " + namespace.substring(ROOT.length() + 1)
                        + " (known: " + String.join(", ", known) + ")");
            }
        }
        if (merged.hasPath(ROOT)) {
            for (String top : merged.getConfig(ROOT).root().keySet()) {
                if (!reference.getConfig(ROOT).hasPath(top)) {
                    throw new IllegalArgumentException("unknown section '" + ROOT + "." + top + "' (known: "
                            + String.join(", ", reference.getConfig(ROOT).root().keySet()) + ")");
                }
            }
        }
    }

    private static Set<String> keys(Config c) {
        return new TreeSet<>(leaves(c).keySet());
    }

    /**
     * Every leaf value by path, null ones included ({@code Config.entrySet} leaves those out): an optional key is
     * declared {@code key = null} in reference.conf, and is still a known key.
     */
    private static Map<String, ConfigValue> leaves(Config c) {
        Map<String, ConfigValue> out = new LinkedHashMap<>();
        collect(c.root(), List.of(), out);
        return out;
    }

    private static void collect(ConfigObject o, List<String> path, Map<String, ConfigValue> out) {
        for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            if (e.getValue() instanceof ConfigObject child) {
                collect(child, p, out);
            } else {
                out.put(ConfigUtil.joinPath(p), e.getValue());
            }
        }
    }

    /** Reads a string setting; empty strings mean "not set" and come back as null. */
    public static String optionalString(Config c, String key) {
        String s = c.getString(key);
        return s.isBlank() ? null : s;
    }
}
