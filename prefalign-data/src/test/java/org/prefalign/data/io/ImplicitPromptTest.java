package org.prefalign.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.prefalign.data.Fixtures.text;

import org.junit.jupiter.api.Test;
import org.prefalign.data.record.Content;
import org.prefalign.data.record.Message;
import org.prefalign.data.record.PreferencePair;

class ImplicitPromptTest {

    @Test
    void hhTextCutsAtTheLastAssistantMarkerNotInsideTheResponses() {
        // The responses share "I " after the marker; the prompt still ends at the marker.
        String history = "\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Is it raining?\n\nAssistant:";
        PreferencePair p = ImplicitPrompt.split(text(history + " I think so."), text(history + " I doubt it."));
        assertEquals(new PreferencePair(text(history), text(" I think so."), text(" I doubt it.")), p);
    }

    @Test
    void textWithoutMarkerGivesTheTrailingSpaceToTheCompletions() {
        assertEquals(new PreferencePair(text("The sky is"), text(" blue."), text(" green.")),
                ImplicitPrompt.split(text("The sky is blue."), text("The sky is green.")));
        assertEquals(new PreferencePair(text(""), text("abc"), text("xyz")),
                ImplicitPrompt.split(text("abc"), text("xyz")));
        // One is a prefix of the other: the shorter has an empty completion.
        assertEquals(new PreferencePair(text("same"), text(""), text(" more")),
                ImplicitPrompt.split(text("same"), text("same more")));
    }

    @Test
    void textNeverSplitsASurrogatePair() {
        // U+1F600 and U+1F601 share their high surrogate.
        String a = "x\uD83D\uDE00";
        String b = "x\uD83D\uDE01";
        assertEquals(new PreferencePair(text("x"), text("\uD83D\uDE00"), text("\uD83D\uDE01")),
                ImplicitPrompt.split(text(a), text(b)));
    }

    @Test
    void chatPromptIsTheLongestCommonPrefixOfWholeMessages() {
        Message u1 = Message.user("What color is the sky?");
        Message a1 = Message.assistant("Blue.");
        Message u2 = Message.user("And grass?");
        PreferencePair p = ImplicitPrompt.split(
                Content.chat(u1, a1, u2, Message.assistant("Green.")),
                Content.chat(u1, a1, u2, Message.assistant("Greenish.")));
        assertEquals(new PreferencePair(Content.chat(u1, a1, u2), Content.chat(Message.assistant("Green.")),
                Content.chat(Message.assistant("Greenish."))), p);
        // Different from the first message: empty prompt.
        PreferencePair none = ImplicitPrompt.split(Content.chat(u1), Content.chat(u2));
        assertEquals(Content.chat(), none.prompt());
    }

    @Test
    void mixedKindsAreRejected() {
        assertEquals("chosen is text but rejected is chat; an implicit prompt needs both plain text or both chat "
                + "messages", assertThrows(IllegalArgumentException.class,
                () -> ImplicitPrompt.split(text("a"), Content.chat(Message.user("a")))).getMessage());
    }
}
