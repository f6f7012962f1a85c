package org.nioftpd.session;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nioftpd.extension.CommandHook;

/**
 * The commands a server knows, by verb and alias. FEAT and HELP are read from
 * it, so they can never drift from what the dispatcher does. SITE's
 * sub-commands are a second table of the same rows (SITE HELP reads it), and
 * the command hooks of extensions ride along: together, everything that runs
 * when a line comes. Immutable once built; shared by every session of every loop.
 */
public final class CommandTable {

    private final Map<String, Command> byVerb = new HashMap<>();
    private final List<Command> commands = new ArrayList<>();
    private final Map<String, Command> siteByVerb = new HashMap<>();
    private final List<Command> siteCommands = new ArrayList<>();
    private final List<CommandHook> hooks;
    private final boolean hooksCheap;

    public CommandTable(List<Command> rows) {
        this(rows, List.of(), List.of());
    }

    /**
     * @param rows      the commands
     * @param siteRows  SITE's sub-commands (their handlers get the argument after the sub-command)
     * @param hooks     asked before every command but those that run during a transfer
     */
    public CommandTable(List<Command> rows, List<Command> siteRows, List<CommandHook> hooks) {
        for (Command c : siteRows) {
            if (siteByVerb.putIfAbsent(c.name(), c) != null) {
                throw new IllegalArgumentException("SITE sub-command defined twice: " + c.name());
            }
            siteCommands.add(c);
        }
        this.hooks = List.copyOf(hooks);
        this.hooksCheap = this.hooks.stream().allMatch(CommandHook::isCheap);
        for (Command c : rows) {
            put(c.name(), c);
            for (String alias : c.aliases()) {
                put(alias, c);
            }
            commands.add(c);
        }
    }

    private void put(String verb, Command c) {
        if (byVerb.putIfAbsent(verb, c) != null) {
            throw new IllegalArgumentException("verb defined twice: " + verb);
        }
    }

    /** The command for an upper-case verb, or null. */
    public Command get(String verb) {
        return byVerb.get(verb);
    }

    /** Every command, in table order. */
    public List<Command> all() {
        return Collections.unmodifiableList(commands);
    }

    /** Every verb, aliases included, in table order (HELP). */
    public List<String> verbs() {
        List<String> verbs = new ArrayList<>();
        for (Command c : commands) {
            verbs.add(c.name());
            verbs.addAll(c.aliases());
        }
        return verbs;
    }

    /** The FEAT lines (RFC 2389), each once, in table order. */
    public Set<String> features() {
        Set<String> lines = new LinkedHashSet<>();
        for (Command c : commands) {
            if (c.feat() != null) {
                lines.add(c.feat());
            }
        }
        return lines;
    }

    /** The SITE sub-command for an upper-case name, or null. */
    public Command site(String name) {
        return siteByVerb.get(name);
    }

    /** Every SITE sub-command, in table order (SITE HELP). */
    public List<Command> siteCommands() {
        return Collections.unmodifiableList(siteCommands);
    }

    /** The extensions' command hooks, in order. */
    public List<CommandHook> hooks() {
        return hooks;
    }

    /** Whether every hook is cheap (they may all run on the loop). */
    boolean hooksCheap() {
        return hooksCheap;
    }
}
