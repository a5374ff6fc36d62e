package io.sparkinception.jobs;

import java.io.PrintStream;
import java.util.List;

/** One subcommand of the spark-inception jar. */
interface Command {
    /** The name users type: {@code preprocess}, {@code train}, ... */
    String name();

    /** One line for the command list. */
    String summary();

    /** The config namespace whose keys are this command's flags, e.g. {@code spark-inception.preprocess}. */
    String namespace();

    /** Every namespace whose keys are flags of this command (the first wins where keys overlap). */
    default List<String> namespaces() {
        return List.of(namespace());
    }

    /** Flags (keys of the namespace) that must be set; listed first in --help. */
    default List<String> required() {
        return List.of();
    }

    /**
     * Runs the command.
     *
     * @return the process exit code
     * @throws IllegalArgumentException for bad arguments or settings (exit code 2, one-line message)
     */
    int run(Arguments args, PrintStream out) throws Exception;
}
