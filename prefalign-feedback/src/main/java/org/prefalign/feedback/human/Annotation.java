package org.prefalign.feedback.human;

import java.util.Objects;
import org.prefalign.data.record.Content;
import org.prefalign.feedback.Choice;

/**
 * One annotator's choice between two answers to a prompt, as read from line {@code line} of an
 * annotation file.
 *
 * @param item      the item's id (the file's {@code id}, or one derived from prompt and answers)
 * @param prompt    the prompt
 * @param a         the first answer, shown as A
 * @param b         the second answer, shown as B
 * @param annotator who chose
 * @param choice    A, B or TIE
 * @param line      the 1-based line in the file
 */
public record Annotation(String item, Content prompt, Content a, Content b, String annotator, Choice choice, int line) {

    public Annotation {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(annotator, "annotator");
        Objects.requireNonNull(choice, "choice");
    }
}
