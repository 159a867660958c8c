package dev.cairn.server.store;

/**
 * Counters of an {@link EventStore} since it was opened.
 *
 * @param commits append transactions committed
 * @param eventsAppended events written by those transactions
 */
public record StoreStats(long commits, long eventsAppended) {}
