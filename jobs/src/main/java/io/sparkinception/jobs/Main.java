package io.sparkinception.jobs;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The jar's main class: {@code spark-submit spark-inception.jar <command> [flags]}. Exit codes: 0 success,
 * 1 failure while running, 2 bad arguments or settings (with a one-line reason).
 */
public final class Main {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : new Command[] {new QuickstartJob(), new PreprocessJob(), new TrainJob(), new EnsembleJob(), new EvaluateJob(), new PredictJob(), new ModelsJob(), new BenchJob()}) {
            COMMANDS.put(c.name(), c);
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs a command and returns its exit code (tests call this instead of {@link #main}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(commandList());
            return args.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            err.println("error: unknown command '" + args[0] + "' (known: " + String.join(", ", COMMANDS.keySet()) + ")");
            return 2;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        try {
            Arguments parsed = Arguments.parse(rest, command.namespaces());
            if (parsed.help()) {
                out.print(Arguments.usage(command));
                return 0;
            }
            return command.run(parsed, out);
        } catch (IllegalArgumentException e) {
            err.println("error: " + command.name() + ": " + oneLine(e.getMessage()));
            return 2;
        } catch (Exception e) {
            err.println("error: " + command.name() + " failed: " + oneLine(String.valueOf(e.getMessage())));
            e.printStackTrace(err);
            return 1;
        }
    }

    static String commandList() {
        StringBuilder sb = new StringBuilder("usage: spark-submit spark-inception.jar <command> [--config FILE] [flags]\n\ncommands:\n");
        COMMANDS.values().forEach(c -> sb.append(String.format("  %-12s %s%n", c.name(), c.summary())));
        sb.append("\n'<command> --help' lists the command's flags and their defaults.\n");
        return sb.toString();
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ');
    }
}
