/**
 * The event loops: one thread each, with a Selector, a task queue and a timer heap, that owns what is registered
 * with it. Other threads reach a loop only through {@code EventLoop.execute}; this package uses no other of nioftpd.
 */
package org.nioftpd.reactor;
