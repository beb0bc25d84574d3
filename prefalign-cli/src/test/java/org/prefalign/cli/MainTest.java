package org.prefalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void helpListsTheSubcommands() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("objectives"), r.out());
    }

    @Test
    void objectivesListsEveryRegisteredPairwiseType() {
        CliRun r = CliRun.of("objectives");
        assertEquals(0, r.status(), r.err());
        for (String t : new String[] {"sigmoid", "ipo", "simpo", "orpo", "kto", "bradley_terry"}) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(t + " ")), t + " missing from:\n" + r.out());
        }
    }

    @Test
    void aValidConfigIsDescribed() {
        CliRun r = CliRun.of("objectives", "{\"type\": \"sigmoid\", \"beta\": 0.2}");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("sigmoid: pairwise"), r.out());
    }

    @Test
    void aBadConfigIsOneLineNamingTheParameter() {
        CliRun r = CliRun.of("objectives", "{\"type\": \"sigmoid\", \"beta\": -1}");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("'beta' must be > 0, got -1.0"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void anUnknownSubcommandIsAUsageErrorOfTwoLines() {
        CliRun r = CliRun.of("no-such-command");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("prefalign: Unmatched argument at index 0: 'no-such-command'"), r.err());
        assertEquals(2, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("Try 'prefalign --help'"), r.err());
    }
}
