package org.prefalign.feedback.human;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Nominal ratings of units by coders — the "reliability data" of agreement statistics
 * (Krippendorff 2004, Content Analysis, ch. 11): {@code value(u, c)} is the category coder c gave
 * unit u, or null when c did not rate u. For human preference labels a unit is an item (a prompt
 * with two answers), a coder an annotator, and the categories are {@code A}, {@code B}, {@code TIE}.
 */
public final class RatingTable {

    private final List<String> units;
    private final List<String> coders;
    private final String[][] values;

    private RatingTable(List<String> units, List<String> coders, String[][] values) {
        this.units = List.copyOf(units);
        this.coders = List.copyOf(coders);
        this.values = values;
    }

    /** A table built rating by rating. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A table from rows of values, one row per unit and one column per coder (null for missing);
     * units and coders are named by their index.
     */
    public static RatingTable of(String[][] rows) {
        Builder b = builder();
        for (int u = 0; u < rows.length; u++) {
            for (int c = 0; c < rows[u].length; c++) {
                if (rows[u][c] != null) {
                    b.add(Integer.toString(u), Integer.toString(c), rows[u][c]);
                }
            }
        }
        return b.build();
    }

    /** Number of units. */
    public int units() {
        return units.size();
    }

    /** Number of coders. */
    public int coders() {
        return coders.size();
    }

    /** The unit names, in the order first seen. */
    public List<String> unitNames() {
        return units;
    }

    /** The coder names, in the order first seen. */
    public List<String> coderNames() {
        return coders;
    }

    /** The category coder {@code c} gave unit {@code u}, or null. */
    public String value(int u, int c) {
        return values[u][c];
    }

    /** The categories used anywhere, sorted. */
    public Set<String> categories() {
        Set<String> out = new TreeSet<>();
        for (String[] row : values) {
            for (String v : row) {
                if (v != null) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    /** The values unit {@code u} received (missing ones left out). */
    List<String> ratingsOf(int u) {
        List<String> out = new ArrayList<>();
        for (String v : values[u]) {
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** The index of coder {@code name}, or an error listing the coders. */
    int coder(String name) {
        int i = coders.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no annotator '" + name + "'; annotators are " + coders);
        }
        return i;
    }

    /** Collects ratings; each (unit, coder) at most once. */
    public static final class Builder {
        private final Map<String, Integer> units = new LinkedHashMap<>();
        private final Map<String, Integer> coders = new LinkedHashMap<>();
        private final Map<Long, String> cells = new HashMap<>();

        /** Adds coder {@code coder}'s {@code value} for {@code unit}. */
        public Builder add(String unit, String coder, String value) {
            Objects.requireNonNull(value, "value");
            int u = units.computeIfAbsent(Objects.requireNonNull(unit, "unit"), k -> units.size());
            int c = coders.computeIfAbsent(Objects.requireNonNull(coder, "coder"), k -> coders.size());
            if (cells.putIfAbsent(((long) u << 32) | c, value) != null) {
                throw new IllegalArgumentException("coder '" + coder + "' rated unit '" + unit + "' twice");
            }
            return this;
        }

        public RatingTable build() {
            String[][] values = new String[units.size()][coders.size()];
            cells.forEach((cell, v) -> values[(int) (cell >>> 32)][(int) (long) cell] = v);
            return new RatingTable(new ArrayList<>(units.keySet()), new ArrayList<>(coders.keySet()), values);
        }
    }
}
