"""Wrong answers to 15's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

GRADCHECK = "gradcheck FAILED"
BETWEEN = "is not between W0 and the bisector"
LOGITS = "at the boundary they are equal"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "15_metric_learning"
    wrong = {
        "15-triplet-anchor-grad": [
            Wrong("sums instead of averaging", edit(" / len(anchor)", ""), GRADCHECK),
            Wrong(
                "sign slip: the negative's pull minus the positive's",
                edit("(to_positive / d_positive - to_negative / d_negative)", "(to_negative / d_negative - to_positive / d_positive)"),
                GRADCHECK,
            ),
            Wrong("ignores the hinge: easy triplets get a gradient too", edit("return active * (", "return ("), GRADCHECK),
            Wrong(
                "drops the margin from the hinge",
                edit("active = (margin + d_positive - d_negative) > 0", "active = (d_positive - d_negative) > 0"),
                GRADCHECK,
            ),
            Wrong(
                "differentiates squared distances (no division by the distance)",
                edit("(to_positive / d_positive - to_negative / d_negative)", "(to_positive - to_negative)"),
                GRADCHECK,
            ),
            Wrong(
                "divides each difference by the other distance",
                edit("(to_positive / d_positive - to_negative / d_negative)", "(to_positive / d_negative - to_negative / d_positive)"),
                GRADCHECK,
            ),
            Wrong("forgets the negative's term", edit(" - to_negative / d_negative", ""), GRADCHECK),
            Wrong(
                "one norm over the whole batch instead of one per triplet",
                edit("d_positive = np.linalg.norm(to_positive, axis=1, keepdims=True)", "d_positive = np.linalg.norm(to_positive)"),
                GRADCHECK,
            ),
            Wrong(
                "returns the gradient transposed",
                edit(
                    "return active * (to_positive / d_positive - to_negative / d_negative) / len(anchor)",
                    "return (active * (to_positive / d_positive - to_negative / d_negative) / len(anchor)).T",
                ),
                "grad must have the shape of x (6, 3), got (3, 6)",
                ValueError,
            ),
        ],
        "15-cosface-boundary": [
            Wrong(
                "drops the 2 of the sum-to-product formula",
                edit("np.arcsin(margin / (2 * np.sin(spread / 2)))", "np.arcsin(margin / np.sin(spread / 2))"),
                LOGITS,
            ),
            Wrong(
                "cos instead of sin of half the spread",
                edit("np.arcsin(margin / (2 * np.sin(spread / 2)))", "np.arcsin(margin / (2 * np.cos(spread / 2)))"),
                "so a boundary exists; got nan",
            ),
            Wrong("treats m as an angle, as ArcFace does", edit("return spread / 2 - np.arcsin(margin / (2 * np.sin(spread / 2)))", "return (spread - margin) / 2"), LOGITS),
            Wrong(
                "returns the gap between the classes, not the boundary",
                edit("return spread / 2 - np.arcsin(margin / (2 * np.sin(spread / 2)))", "return 2 * np.arcsin(margin / (2 * np.sin(spread / 2)))"),
                LOGITS,
            ),
            Wrong("the other side of the bisector", edit("return spread / 2 - np.arcsin", "return spread / 2 + np.arcsin"), BETWEEN),
            Wrong(
                "answers in degrees",
                edit("return spread / 2 - np.arcsin(margin / (2 * np.sin(spread / 2)))", "return np.degrees(spread / 2 - np.arcsin(margin / (2 * np.sin(spread / 2))))"),
                BETWEEN,
            ),
            Wrong("never returns nan", edit("    if 1 - margin <= np.cos(spread):\n        return np.nan\n", ""), "expected nan"),
            Wrong(
                "tests only the arcsin's domain for nan",
                edit("if 1 - margin <= np.cos(spread):", "if margin > 2 * np.sin(spread / 2):"),
                "expected nan",
            ),
            Wrong("returns None when there is no boundary", edit("return np.nan", "return None"), "expected nan, got None"),
        ],
    }
