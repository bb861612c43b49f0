package io.denalij.cli;

import io.denalij.denali.Quantum;
import io.denalij.scheduler.SchedulerStats;
import io.denalij.scheduler.VmSlot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a swarm run did, built from the scheduler's VMs and their console tails: printed at the end
 * of `denali swarm` and written as JSON with --json. The swarm guest's report lines
 * ({@code swarm: vm=N rounds=R checked=C errors=E sum=S ok|FAIL}) are summarised when present;
 * other guests simply have none.
 */
record SwarmSummary(Map<String, Object> fields, List<String> problems) {
    private static final Pattern REPORT = Pattern.compile("swarm: vm=\\d+ rounds=(\\d+) checked=(\\d+) errors=(\\d+) sum=\\S+ (ok|FAIL)");
    static final int MAX_PROBLEMS = 5;

    static SwarmSummary of(Map<String, Object> run, List<VmSlot> vms, List<ConsoleTail> tails, SchedulerStats stats) {
        Map<String, Object> f = new LinkedHashMap<>(run);
        List<String> problems = new ArrayList<>();
        int exitedOk = 0, exitedOther = 0, faulted = 0, crashed = 0, unfinished = 0, reports = 0, reportsOk = 0;
        long minRounds = Long.MAX_VALUE, maxRounds = 0, rounds = 0, checked = 0, checkErrors = 0;
        for (VmSlot vm : vms) {
            Quantum r = vm.result();
            ConsoleTail tail = tails.get(vm.index());
            switch (r) {
                case Quantum.Terminated(int status) when status == 0 -> exitedOk++;
                case Quantum.Terminated(int status) -> {
                    exitedOther++;
                    problem(problems, "VM " + vm.index() + " exited with status " + status + ": " + String.join(" / ", tail.lines()));
                }
                case Quantum.Faulted(var report) -> {
                    faulted++;
                    problem(problems, report.message());
                }
                case null -> {
                    if (vm.crash() != null) {
                        crashed++;
                        problem(problems, "VM " + vm.index() + ": emulator error: " + vm.crash());
                    } else {
                        unfinished++;
                    }
                }
                default -> { }
            }
            for (String line : tail.lines()) {
                Matcher m = REPORT.matcher(line);
                if (!m.find()) continue;
                reports++;
                long n = Long.parseLong(m.group(1));
                rounds += n;
                minRounds = Math.min(minRounds, n);
                maxRounds = Math.max(maxRounds, n);
                checked += Long.parseLong(m.group(2));
                checkErrors += Long.parseLong(m.group(3));
                if (m.group(4).equals("ok")) reportsOk++;
            }
        }
        f.put("vms", vms.size());
        f.put("ran", stats.ran());
        f.put("exited_ok", exitedOk);
        f.put("exited_nonzero", exitedOther);
        f.put("faulted", faulted);
        f.put("crashed", crashed);
        f.put("unfinished", unfinished);
        f.put("instructions", stats.instructions());
        f.put("quanta", stats.quanta());
        f.put("swap_outs", stats.swapOuts());
        f.put("swap_ins", stats.swapIns());
        f.put("reports", reports);
        f.put("reports_ok", reportsOk);
        f.put("rounds_total", rounds);
        f.put("rounds_min", reports == 0 ? 0 : minRounds);
        f.put("rounds_max", maxRounds);
        f.put("words_checked", checked);
        f.put("check_errors", checkErrors);
        return new SwarmSummary(f, problems);
    }

    private static void problem(List<String> problems, String line) {
        if (problems.size() < MAX_PROBLEMS) problems.add(line);
    }

    /** Every VM ran, ended with status 0, and no report found an error. */
    boolean allGood() {
        return num("ran") == num("vms") && num("exited_ok") == num("vms") && num("check_errors") == 0
                && num("reports") == num("reports_ok");
    }

    long num(String key) { return ((Number) fields.get(key)).longValue(); }

    String text() {
        StringBuilder b = new StringBuilder();
        double wall = ((Number) fields.get("wall_seconds")).doubleValue();
        b.append(String.format(Locale.ROOT, "swarm: %d VMs of %s, %d MiB each, %d carriers, quantum %d instructions, engine %s%s%n",
                num("vms"), fields.get("image"), num("mem_mib"), num("carriers"), num("quantum"), fields.get("engine"),
                fields.get("budget_pages") instanceof Number n && n.longValue() > 0
                        ? String.format(Locale.ROOT, ", budget %d pages (%s)", n.longValue(), fields.get("policy")) : ""));
        double allRan = ((Number) fields.get("all_ran_seconds")).doubleValue();
        b.append(String.format(Locale.ROOT, "  boot: %d VMs created in %.1f s, %s; run %.1f s in all%n", num("vms"),
                ((Number) fields.get("boot_seconds")).doubleValue(),
                Double.isNaN(allRan) ? "not every VM ran" : String.format(Locale.ROOT, "every VM had run by %.1f s", allRan), wall));
        b.append(String.format(Locale.ROOT, "  ran: %d of %d VMs ran; exited ok %d, non-zero %d, faulted %d, emulator errors %d, unfinished %d%n",
                num("ran"), num("vms"), num("exited_ok"), num("exited_nonzero"), num("faulted"), num("crashed"), num("unfinished")));
        b.append(String.format(Locale.ROOT, "  guest: %s instructions, %s instr/s on average, %s quanta%n",
                si(num("instructions")), si(num("instructions") / Math.max(wall, 1e-9)), si(num("quanta"))));
        if (num("reports") > 0) {
            b.append(String.format(Locale.ROOT, "  reports: %d (%d ok); rounds min %d max %d total %d; %s words checked, %d errors%n",
                    num("reports"), num("reports_ok"), num("rounds_min"), num("rounds_max"), num("rounds_total"),
                    si(num("words_checked")), num("check_errors")));
        }
        if (num("swap_outs") > 0) {
            b.append(String.format(Locale.ROOT, "  swap: %d VMs swapped out, %d swapped in%n", num("swap_outs"), num("swap_ins")));
        }
        b.append(String.format(Locale.ROOT, "  host: heap peak %.2f GiB of %.2f GiB, %.1f KiB per VM after boot%n",
                ((Number) fields.get("heap_peak_bytes")).doubleValue() / 1073741824.0,
                ((Number) fields.get("heap_max_bytes")).doubleValue() / 1073741824.0,
                ((Number) fields.get("heap_per_vm_bytes")).doubleValue() / 1024.0));
        for (String p : problems) b.append("  problem: ").append(p).append('\n');
        b.append(allGood() ? "  result: every VM ran and ended cleanly\n" : "  result: NOT every VM ran and ended cleanly\n");
        return b.toString();
    }

    String json() {
        StringBuilder b = new StringBuilder("{\n");
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            b.append("  ").append(quote(e.getKey())).append(": ").append(value(e.getValue())).append(",\n");
        }
        b.append("  \"all_good\": ").append(allGood()).append(",\n  \"problems\": [");
        for (int i = 0; i < problems.size(); i++) b.append(i == 0 ? "" : ", ").append(quote(problems.get(i)));
        return b.append("]\n}\n").toString();
    }

    private static String value(Object v) {
        if (v == null) return "null";
        if (v instanceof Double d) return Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null";
        if (v instanceof Number || v instanceof Boolean) return v.toString();
        return quote(v.toString());
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** 1234567 -> "1.23 M". */
    static String si(double v) {
        if (v >= 1e9) return String.format(Locale.ROOT, "%.2f G", v / 1e9);
        if (v >= 1e6) return String.format(Locale.ROOT, "%.2f M", v / 1e6);
        if (v >= 1e3) return String.format(Locale.ROOT, "%.1f k", v / 1e3);
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
