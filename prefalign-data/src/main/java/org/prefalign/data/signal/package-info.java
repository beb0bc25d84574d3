/**
 * Conversions between feedback signals (DESIGN.md): rankings and scores → pairs
 * ({@link org.prefalign.data.signal.RankingToPairs}, {@link org.prefalign.data.signal.ScoredGroups}),
 * pairs → unpaired labels ({@link org.prefalign.data.signal.Unpairing}). All are deterministic and
 * lazy where the input is an iterator, and count what they drop.
 */
package org.prefalign.data.signal;
