/**
 * One user's view of the disk: {@code FileSystemView} confines every path in two steps (as text, then after links),
 * plus listing formats and wildcards; its calls block as page-cached disk I/O does, on the loop.
 */
package org.nioftpd.fs;
