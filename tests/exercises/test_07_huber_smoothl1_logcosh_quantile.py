"""Wrong answers to 07's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

HUBER_1 = "huber_grad(prediction, target, delta=1.0) for arrays of shape (6,) is wrong"
HUBER_03 = "huber_grad(prediction, target, delta=0.3) for arrays of shape (2, 3) is wrong"
CLIP = "np.clip(error, -delta, delta) / error.size"
SMALL = "log_cosh_stable([0.001, 0.5, 1.0, 20.0]) is wrong"
LARGE = "log_cosh_stable([-800.0, 800.0]) is wrong"
NEGATIVE = "log_cosh_stable([-1.0, -0.001, 0.0]) is wrong"
PINBALL_09 = "pinball_grad(prediction, target, tau=0.9) for arrays of shape (6,) is wrong"
PINBALL_02 = "pinball_grad(prediction, target, tau=0.2) for arrays of shape (2, 3) is wrong"
PINBALL_TIE = "pinball_grad([1, 0, 2], [1, 1, 0], tau=0.9), where the first is a tie, is wrong"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "07_huber_smoothl1_logcosh_quantile"
    wrong = {
        "07-huber-grad": [
            Wrong("Smooth L1's slope outside: sign(d) without delta", edit(CLIP, "np.where(np.abs(error) < delta, error, np.sign(error)) / error.size"), HUBER_03),
            Wrong("Smooth L1's slope with beta = delta: d / delta inside", edit(CLIP, "np.clip(error / delta, -1, 1) / error.size"), HUBER_03),
            Wrong("ignores delta: clips at 1", edit(CLIP, "np.clip(error, -1, 1) / error.size"), HUBER_03),
            Wrong("forgets the 1/N of the mean", edit(CLIP, "np.clip(error, -delta, delta)"), HUBER_1),
            Wrong("sign slip: target - prediction", edit(CLIP, "np.clip(-error, -delta, delta) / error.size"), HUBER_1),
            Wrong("never clips: half the MSE's gradient", edit(CLIP, "error / error.size"), HUBER_1),
            Wrong("N from len(), the rows, not the elements", edit(CLIP, "np.clip(error, -delta, delta) / len(error)"), HUBER_03),
            Wrong("abs of the signed slope", edit(CLIP, "np.abs(np.clip(error, -delta, delta)) / error.size"), HUBER_1),
        ],
        "07-log-cosh": [
            Wrong("np.log(np.cosh(d)): overflows", "return np.log(np.cosh(d))", LARGE),
            Wrong("exponentials without factoring: overflows", "return np.log((np.exp(d) + np.exp(-d)) / 2)", LARGE),
            Wrong("forgets the abs: overflows for negative d", "d = np.asarray(d, dtype=float)\nreturn d + np.log1p(np.exp(-2 * d)) - np.log(2)", LARGE),
            Wrong("the far approximation |d| - log 2 everywhere", "return np.abs(d) - np.log(2)", SMALL),
            Wrong("the near approximation d^2 / 2 everywhere", "return np.asarray(d, dtype=float) ** 2 / 2", SMALL),
            Wrong("forgets the - log 2", edit(" - np.log(2)", ""), SMALL),
            Wrong("log 2 added instead of subtracted", edit(" - np.log(2)", " + np.log(2)"), SMALL),
        ],
        "07-pinball-grad": [
            Wrong("the slopes swapped: 1 - tau below, -tau above", edit("np.where(r > 0, -tau, np.where(r < 0, 1 - tau, 0.0))", "np.where(r > 0, -(1 - tau), np.where(r < 0, tau, 0.0))"), PINBALL_09),
            Wrong("sign slip: +tau where the target is above", edit("np.where(r > 0, -tau, np.where(r < 0, 1 - tau, 0.0))", "np.where(r > 0, tau, np.where(r < 0, -(1 - tau), 0.0))"), PINBALL_09),
            Wrong("ignores tau: half the MAE's gradient", edit("np.where(r > 0, -tau, np.where(r < 0, 1 - tau, 0.0))", "np.where(r > 0, -0.5, np.where(r < 0, 0.5, 0.0))"), PINBALL_09),
            Wrong("forgets the 1/N of the mean", edit("return slope / r.size", "return slope"), PINBALL_09),
            Wrong("1 - tau at a tie: np.where(r > 0, -tau, 1 - tau)", edit("np.where(r > 0, -tau, np.where(r < 0, 1 - tau, 0.0))", "np.where(r > 0, -tau, 1 - tau)"), PINBALL_TIE),
            Wrong("N from len(), the rows, not the elements", edit("return slope / r.size", "return slope / len(r)"), PINBALL_02),
            Wrong("abs of the signed slope", edit("return slope / r.size", "return np.abs(slope) / r.size"), PINBALL_09),
        ],
    }
