/**
 * Checking a data file before training on it: format, problems with their line numbers, and
 * length statistics ({@link org.prefalign.data.inspect.DatasetInspector}), what
 * {@code prefalign data inspect} prints.
 */
package org.prefalign.data.inspect;
