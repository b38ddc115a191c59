"""Wrong answers to 12's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

NO_LABEL = """
gap = margin - label * score
if gap > 0:
    return (-1.0, -1.0)
if gap < 0:
    return (0.0, 0.0)
return (-1.0, 0.0)
"""
SIGN_SLIP = """
gap = margin - label * score
if gap > 0:
    return (label, label)
if gap < 0:
    return (0.0, 0.0)
return (min(label, 0.0), max(label, 0.0))
"""
ONE_NUMBER = """
return -label if margin - label * score > 0 else 0.0
"""
SMOOTH = "at a smooth point"
KINK = "at the kink"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "12_hinge_margin"
    wrong = {
        "12-squared-multiclass-grad": [
            Wrong("drops the 2 of the square", edit("slope = 2 * np.maximum", "slope = np.maximum"), "gradcheck FAILED"),
            Wrong("forgets torch's division by C", edit("np.maximum(gap, 0.0) / c", "np.maximum(gap, 0.0)"), "gradcheck FAILED"),
            Wrong("the true class's slope with a plus sign", edit("= -slope.sum(axis=1)", "= slope.sum(axis=1)"), "gradcheck FAILED"),
            Wrong("counts the true class as its own rival", edit("gap[rows, target] = 0.0", "pass"), "gradcheck FAILED"),
            Wrong("the unsquared hinge's slope (p = 1)", edit("2 * np.maximum(gap, 0.0) / c", "(gap > 0) / c"), "gradcheck FAILED"),
            Wrong("ignores the margin argument", edit("gap = margin - z", "gap = 1.0 - z"), "gradcheck FAILED"),
            Wrong("only the strongest rival pushes the true class", edit("-slope.sum(axis=1)", "-slope.max(axis=1)"), "gradcheck FAILED"),
            Wrong("the mean over examples, not the sum", edit("np.maximum(gap, 0.0) / c", "np.maximum(gap, 0.0) / (c * n)"), "gradcheck FAILED"),
        ],
        "12-hinge-subgradients": [
            Wrong("at the kink only relu's choice, 0", edit("return (min(-label, 0.0), max(-label, 0.0))", "return (0.0, 0.0)"), KINK),
            Wrong("the interval at the kink as (0, -y), not ordered", edit("return (min(-label, 0.0), max(-label, 0.0))", "return (0.0, -label)"), KINK),
            Wrong("ignores the label: slope -1 on the active side", NO_LABEL, "hinge_subgradients(-1.0, -1, margin=1.0)"),
            Wrong("sign slip: slope +y on the active side", SIGN_SLIP, SMOOTH),
            Wrong("ignores the margin argument", edit("gap = margin - label * score", "gap = 1 - label * score"), "margin=2.0"),
            Wrong("the two sides swapped", edit("if gap > 0:\n        return (-label, -label)\n    if gap < 0:", "if gap < 0:\n        return (-label, -label)\n    if gap > 0:"), SMOOTH),
            Wrong("returns one slope, not the pair (low, high)", ONE_NUMBER, "must return (low, high)"),
        ],
    }
