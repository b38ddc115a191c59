"""Wrong answers to 06's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

SHAPE_6 = "mae_grad for arrays of shape (6,) is wrong"
SHAPE_2D = "mae_grad for arrays of shape (2, 3) is wrong"
TIE = "mae_grad([1, 2, 3], [1, 0, 5]), where the first prediction is exact, is wrong"
ODD = "best_constant_l1([7.0, 1.0, 100.0, 4.0, 2.0])"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "06_mae_l1"
    wrong = {
        "06-mae-grad": [
            Wrong("sign slip: target - prediction", edit("np.sign(error) / error.size", "-np.sign(error) / error.size"), SHAPE_6),
            Wrong("forgets the 1/N of the mean", edit("np.sign(error) / error.size", "np.sign(error)"), SHAPE_6),
            Wrong("+1 at a tie: np.where(d >= 0, 1, -1)", edit("np.sign(error) / error.size", "np.where(error >= 0, 1.0, -1.0) / error.size"), TIE),
            Wrong("d / |d|: NaN at a tie", edit("np.sign(error) / error.size", "error / np.abs(error) / error.size"), TIE),
            Wrong("abs of the signed gradient", edit("np.sign(error) / error.size", "np.abs(np.sign(error)) / error.size"), SHAPE_6),
            Wrong("the MSE's gradient 2 d / N", edit("np.sign(error) / error.size", "2 * error / error.size"), SHAPE_6),
            Wrong("N from len(), the rows, not the elements", edit("np.sign(error) / error.size", "np.sign(error) / len(error)"), SHAPE_2D),
        ],
        "06-best-constant": [
            Wrong("the mean", "return np.mean(target)", f"{ODD} = 22.8: 4 of the 5 targets lie below it"),
            Wrong("the middle entry without sorting", "return target[len(target) // 2]", f"{ODD} = 100: 4 of the 5 targets lie below it"),
            Wrong("off by one: the entry below the middle", edit("ordered[(ordered.size - 1) // 2]", "ordered[(ordered.size - 1) // 2 - 1]"), f"{ODD} = 2: 3 of the 5 targets lie above it"),
            Wrong("the smallest target", edit("ordered[(ordered.size - 1) // 2]", "ordered[0]"), f"{ODD} = 1: 4 of the 5 targets lie above it"),
            Wrong("the midrange (min + max) / 2", edit("ordered[(ordered.size - 1) // 2]", "(ordered[0] + ordered[-1]) / 2"), f"{ODD} = 50.5: 4 of the 5 targets lie below it"),
            Wrong("returns the sorted targets, not one number", edit("ordered[(ordered.size - 1) // 2]", "ordered"), "must return one number"),
        ],
    }
