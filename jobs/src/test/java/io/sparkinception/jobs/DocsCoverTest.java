package io.sparkinception.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation keeps up with the settings: every key of every {@code reference.conf} (every flag of a command)
 * is named on its command's page under {@code docs/}, and every relative link in README.md and docs/ leads to a file
 * that exists (and, with a {@code #fragment}, to a heading of that file). Reads files only: no Spark.
 */
class DocsCoverTest {

    /** The page of each command: {@code spark-inception.<command>} keys are documented there. */
    private static final Map<String, String> PAGES = Map.of(
            "quickstart", "docs/quickstart.md",
            "preprocess", "docs/preprocess.md",
            "models", "docs/models.md",
            "train", "docs/train.md",
            "ensemble", "docs/ensemble.md",
            "evaluate", "docs/evaluate.md",
            "predict", "docs/predict.md",
            "bench", "docs/bench.md");

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    private static Path root() {
        String prop = System.getProperty("spark.inception.root");
        return (prop != null ? Path.of(prop) : Path.of("..")).toAbsolutePath().normalize();
    }

    private static List<Path> referenceConfs() throws IOException {
        Path root = root();
        List<Path> confs = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
                Path conf = module.resolve("src/main/resources/reference.conf");
                if (Files.isRegularFile(conf)) {
                    confs.add(conf);
                }
            }
        }
        return confs;
    }

    private static List<Path> markdownPages() throws IOException {
        Path root = root();
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The text outside fenced code blocks (links and headings inside them are not links or headings). */
    private static List<String> proseLines(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.stripLeading().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (!fenced) {
                out.add(line);
            }
        }
        return out;
    }

    /** A key counts as documented when the page names it in backticks ({@code `key`}) or as a flag ({@code --key}). */
    private static boolean names(String text, String key) {
        String k = Pattern.quote(key);
        return Pattern.compile("`" + k + "`").matcher(text).find()
                || Pattern.compile("--" + k + "(?![A-Za-z0-9.-])").matcher(text).find();
    }

    @Test
    void everySettingIsDocumentedOnItsCommandsPage() throws IOException {
        Path root = root();
        List<Path> confs = referenceConfs();
        assertTrue(confs.size() >= 2, "reference.conf files under */src/main/resources (preprocessing, trainer): " + confs);
        String allDocs;
        try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
            StringBuilder sb = new StringBuilder();
            for (Path p : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                sb.append(Files.readString(p, StandardCharsets.UTF_8)).append('\n');
            }
            allDocs = sb.toString();
        }
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Path conf : confs) {
            Config ns = ConfigFactory.parseFile(conf.toFile()).getConfig("spark-inception");
            for (String command : new TreeSet<>(ns.root().keySet())) {
                String page = PAGES.get(command);
                String text = page != null && Files.isRegularFile(root.resolve(page))
                        ? Files.readString(root.resolve(page), StandardCharsets.UTF_8) : allDocs;
                String where = page != null ? page : "docs/ (no page is assigned to '" + command + "')";
                if (page != null && !Files.isRegularFile(root.resolve(page))) {
                    missing.add(page + " does not exist (the page of spark-inception." + command + ")");
                    continue;
                }
                for (Map.Entry<String, ConfigValue> e : ns.getConfig(command).entrySet()) {
                    String key = e.getKey();
                    checked++;
                    if (!names(text, key)) {
                        missing.add("spark-inception." + command + "." + key + " (--" + key + ", "
                                + root.relativize(conf) + ") is not named in " + where);
                    }
                }
            }
        }
        assertTrue(checked > 100, "only " + checked + " keys found: is the reference.conf layout still spark-inception.<command>?");
        assertTrue(missing.isEmpty(), missing.size() + " setting(s) undocumented:\n  " + String.join("\n  ", missing));
    }

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() throws IOException {
        Path root = root();
        List<String> broken = new ArrayList<>();
        for (Path page : markdownPages()) {
            Matcher m = LINK.matcher(String.join("\n", proseLines(page))); // link texts may span lines
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    continue; // http:, https:, mailto:
                }
                int hash = target.indexOf('#');
                String file = hash >= 0 ? target.substring(0, hash) : target;
                String fragment = hash >= 0 ? target.substring(hash + 1) : "";
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String from = root.relativize(page).toString();
                if (!Files.exists(resolved)) {
                    broken.add(from + ": " + target + " (no file " + root.relativize(resolved) + ")");
                } else if (!fragment.isEmpty() && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(fragment)) {
                    broken.add(from + ": " + target + " (no heading #" + fragment + " in " + root.relativize(resolved) + ")");
                }
            }
        }
        assertTrue(broken.isEmpty(), broken.size() + " broken link(s):\n  " + String.join("\n  ", broken));
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
    private static Set<String> anchors(Path md) throws IOException {
        Set<String> out = new TreeSet<>();
        Map<String, Integer> seen = new java.util.HashMap<>();
        for (String line : proseLines(md)) {
            Matcher h = HEADING.matcher(line);
            if (!h.matches()) {
                continue;
            }
            String slug = h.group(1).toLowerCase(java.util.Locale.ROOT).codePoints()
                    .filter(c -> Character.isLetterOrDigit(c) || c == ' ' || c == '-' || c == '_')
                    .mapToObj(Character::toString).collect(Collectors.joining()).replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            out.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return out;
    }
}
