package org.nioftpd.session;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The commands a server knows, by verb and alias. FEAT and HELP are read from
 * it, so they can never drift from what the dispatcher does. Immutable once
 * built; shared by every session of every loop.
 */
public final class CommandTable {

    private final Map<String, Command> byVerb = new HashMap<>();
    private final List<Command> commands = new ArrayList<>();

    public CommandTable(List<Command> rows) {
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
}
