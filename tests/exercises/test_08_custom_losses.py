"""Wrong answers to 08's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

GRAD = "np.sign(prediction - target) / (np.abs(target) * target.size)"
SHAPE_6 = "mape_grad for arrays of shape (6,) (targets of both signs) is wrong"
SHAPE_2D = "mape_grad for arrays of shape (2, 3) (targets of both signs) is wrong"
TIE = "mape_grad([2, 1], [2, -4]), where the first prediction is exact, is wrong"
FIRST = "best_constant_mape([8.0, 1.0, 100.0, 4.0, 2.0])"
SECOND = "best_constant_mape([50.0, 2.5, 60.0, 2.0, 3.0])"
MIDDLE = "ordered[np.searchsorted(cumulative, cumulative[-1] / 2)]"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "08_custom_losses"
    wrong = {
        "08-mape-grad": [
            Wrong("divides by the target, not its size: wrong sign for negative targets", edit(GRAD, "np.sign(prediction - target) / (target * target.size)"), SHAPE_6),
            Wrong("divides by the prediction instead of the target", edit(GRAD, "np.sign(prediction - target) / (np.abs(prediction) * target.size)"), SHAPE_6),
            Wrong("forgets the 1/N of the mean", edit(GRAD, "np.sign(prediction - target) / np.abs(target)"), SHAPE_6),
            Wrong("sign slip: target - prediction", edit(GRAD, "np.sign(target - prediction) / (np.abs(target) * target.size)"), SHAPE_6),
            Wrong("in percent: 100 times too large", edit(GRAD, "100 * np.sign(prediction - target) / (np.abs(target) * target.size)"), SHAPE_6),
            Wrong("ignores the target's scale: the MAE's gradient", edit(GRAD, "np.sign(prediction - target) / target.size"), SHAPE_6),
            Wrong("divides by the target squared", edit(GRAD, "np.sign(prediction - target) / (target**2 * target.size)"), SHAPE_6),
            Wrong("N from len(), the rows, not the elements", edit(GRAD, "np.sign(prediction - target) / (np.abs(target) * len(target))"), SHAPE_2D),
            Wrong("+1 at a tie: np.where(d >= 0, 1, -1)", edit(GRAD, "np.where(prediction >= target, 1.0, -1.0) / (np.abs(target) * target.size)"), TIE),
        ],
        "08-best-constant": [
            Wrong("the median", "return np.median(target)", f"{FIRST} = 4: the targets below it carry 80% of the total weight 1/y"),
            Wrong("the mean", "return np.mean(target)", f"{FIRST} = 23: the targets below it carry 99% of the total weight 1/y"),
            Wrong("weights y instead of 1/y", edit("cumulative = np.cumsum(1 / ordered)", "cumulative = np.cumsum(ordered)"), f"{FIRST} = 100: the targets below it carry 99%"),
            Wrong("the weighted mean with weights 1/y", edit(MIDDLE, "np.sum(ordered / ordered) / np.sum(1 / ordered)"), f"{FIRST} = 2.65252: the targets below it carry 80%"),
            Wrong("forgets to sort", edit("np.sort(np.asarray(target, dtype=float))", "np.asarray(target, dtype=float)"), f"{SECOND} = 2: the targets above it carry 61%"),
            Wrong("the smallest target", edit(MIDDLE, "ordered[0]"), f"{SECOND} = 2: the targets above it carry 61%"),
            Wrong("returns every target, not one number", edit(MIDDLE, "ordered"), "must return one number"),
        ],
    }
