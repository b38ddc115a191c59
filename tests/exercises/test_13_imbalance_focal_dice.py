"""Wrong answers to 13's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

SWAPPED = """
p, y = np.asarray(input, dtype=float), np.asarray(target, dtype=float)
tp, fp, fn = np.sum(p * y), np.sum(p * (1 - y)), np.sum((1 - p) * y)
denominator = tp + beta * fp + alpha * fn + smooth
d_denominator = y + beta * (1 - y) - alpha * y
return -(y * denominator - (tp + smooth) * d_denominator) / denominator**2
"""
PREFERRED = "the preferred constant prediction is wrong"
AVERAGE = "the average weight per training example is wrong"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "13_imbalance_focal_dice"
    wrong = {
        "13-tversky-grad": [
            Wrong("drops the smoothing from the numerator", edit("numerator = tp + smooth", "numerator = tp"), "gradcheck FAILED"),
            Wrong("swaps alpha and beta", SWAPPED, "gradcheck FAILED"),
            Wrong("treats FN as a constant", edit("- beta * y", ""), "gradcheck FAILED"),
            Wrong("forgets that TP sits in the denominator too", edit("d_denominator = y + alpha", "d_denominator = alpha"), "gradcheck FAILED"),
            Wrong("quotient rule with a plus", edit("denominator - numerator * d_denominator", "denominator + numerator * d_denominator"), "gradcheck FAILED"),
            Wrong("the gradient of the index, not of the loss", edit("return -(d_numerator", "return (d_numerator"), "gradcheck FAILED"),
            Wrong("divides by the denominator, not its square", edit("/ denominator**2", "/ denominator"), "gradcheck FAILED"),
        ],
        "13-prior-shift-weights": [
            Wrong("ignores the training counts", "return np.asarray(deployment, dtype=float)", PREFERRED),
            Wrong("balances the classes, ignoring the deployment frequencies", "counts = np.asarray(counts, dtype=float)\nreturn counts.sum() / (len(counts) * counts)", PREFERRED),
            Wrong("inverted: counts over deployment", "counts = np.asarray(counts, dtype=float)\nreturn counts / np.asarray(deployment) / counts.sum()", PREFERRED),
            Wrong("forgets the total count", edit(" * counts.sum() / counts", " / counts"), AVERAGE),
            Wrong("normalises the weights to sum to 1", "weights = np.asarray(deployment) / np.asarray(counts, dtype=float)\nreturn weights / weights.sum()", AVERAGE),
            Wrong("one weight per example, not per class", "counts = np.asarray(counts)\nreturn np.repeat(np.asarray(deployment) * counts.sum() / counts, counts.astype(int))", "return one weight per class"),
        ],
    }
