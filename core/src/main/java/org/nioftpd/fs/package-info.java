/**
 * One user's view of the disk: {@code FileSystemView} confines every path in two steps (as text, then after links),
 * per mount (virtual folders), checks the user's rights for the command's {@code Op} on every path it resolves (the one
 * decision point), and counts quotas ({@code QuotaUsage}, {@code QuotaCharge}); plus listing formats and wildcards, and
 * what each store can do ({@code StoreCapabilities}). On the local disk its calls block as page-cached disk I/O does,
 * on the loop, and on any other store (the root's or a mount's) they run on the storage pool. Reads the policy types of
 * {@code auth}.
 */
package org.nioftpd.fs;
