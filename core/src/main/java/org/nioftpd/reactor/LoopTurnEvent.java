package org.nioftpd.reactor;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JDK Flight Recorder: one turn of an event loop that worked longer than
 * {@link EventLoop#SLOW_TURN_NANOS} (dispatch, timers, tasks; not the wait in
 * select). Every other session of that loop waited that long: this is the
 * event that finds a blocking call on a loop. Only such turns are even
 * considered, so a healthy loop pays one comparison per turn.
 */
@Name("org.nioftpd.SlowLoopTurn")
@Label("Slow Event-Loop Turn")
@Category({"nioftpd"})
@Description("An event-loop turn that worked longer than 10 ms: its other sessions waited that long")
@StackTrace(false)
final class LoopTurnEvent extends jdk.jfr.Event {

    @Label("Loop")
    String loop;

    @Label("Work Time")
    @Timespan(Timespan.NANOSECONDS)
    long workNanos;

    @Label("Keys Registered")
    int keys;

    static void emit(String loopName, long nanos, int registeredKeys) {
        LoopTurnEvent e = new LoopTurnEvent();
        if (e.shouldCommit()) {
            e.loop = loopName;
            e.workNanos = nanos;
            e.keys = registeredKeys;
            e.commit();
        }
    }
}
