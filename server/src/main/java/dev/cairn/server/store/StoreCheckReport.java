package dev.cairn.server.store;

import java.util.List;

/**
 * What an offline check of a store found.
 *
 * @param damage each finding, in the order found; empty when the store is sound
 * @param notes what the check could not cover, which is not damage
 * @param eventsIntact whether every event was read back whole and in sequence, so the rest of the
 *     store can be rebuilt from them
 * @param events how many events were read
 * @param runs how many runs the events hold
 */
public record StoreCheckReport(
    List<String> damage, List<String> notes, boolean eventsIntact, long events, long runs) {

  /** Copies the lists so the report stays immutable. */
  public StoreCheckReport {
    damage = List.copyOf(damage);
    notes = List.copyOf(notes);
  }

  /** Whether nothing was found damaged. */
  public boolean clean() {
    return damage.isEmpty();
  }
}
