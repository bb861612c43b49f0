package io.denalij.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The `denali` command: one subcommand per way of running guests. */
@Command(name = "denali",
        mixinStandardHelpOptions = true,
        versionProvider = DenaliMain.Version.class,
        subcommands = {PcCommand.class, RunCommand.class, SwarmCommand.class, CommandLine.HelpCommand.class},
        description = {
                "Denali-J: a full-system x86 emulator for the JVM, with the virtual",
                "architecture of the Denali isolation kernel.",
                "",
                "Run `denali COMMAND --help` for a command's options."},
        footer = {"",
                "Exit status: the guest's own (for `pc`, QEMU isa-debug-exit style:",
                "(v << 1) | 1; for `run`, its TERMINATE status, or 128 + exception",
                "vector when it faulted), 2 for bad usage or input, 3 when the guest",
                "stopped abnormally (triple fault, hang, unimplemented instruction,",
                "time limit)."})
public final class DenaliMain implements Runnable {
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_GUEST_ABNORMAL = 3;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try `denali pc`)");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the process exit status; never throws. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new DenaliMain());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            // One clear line, never a Java stack trace, for anything the user can fix.
            if (ex instanceof UserError || ex instanceof IllegalArgumentException || ex instanceof java.io.IOException) {
                commandLine.getErr().println("denali: " + ex.getMessage());
                return EXIT_USAGE;
            }
            commandLine.getErr().println("denali: internal error: " + ex);
            if (System.getenv("DENALI_DEBUG") != null) ex.printStackTrace(commandLine.getErr());
            else commandLine.getErr().println("denali: (set DENALI_DEBUG=1 for the stack trace, and please report it)");
            return 70;
        });
        cl.setParameterExceptionHandler((ex, argv) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("denali: " + ex.getMessage());
            c.getErr().println("Try `" + c.getCommandSpec().qualifiedName() + " --help`.");
            return EXIT_USAGE;
        });
        return cl.execute(args);
    }

    /** A problem with the user's input (a missing file, a bad image): reported as one line, exit status 2. */
    public static final class UserError extends RuntimeException {
        public UserError(String message) { super(message); }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override public String[] getVersion() {
            String v = DenaliMain.class.getPackage().getImplementationVersion();
            return new String[] {"Denali-J " + (v == null ? "0.1.0-SNAPSHOT" : v),
                    "JVM: " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
