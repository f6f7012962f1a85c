/**
 * One user's view of the disk: {@code FileSystemView} confines every path in two steps (as text, then after links),
 * plus listing formats and wildcards, and what each store can do ({@code StoreCapabilities}); on the local disk its
 * calls block as page-cached disk I/O does, on the loop, and on any other store they run on the storage pool.
 */
package org.nioftpd.fs;
