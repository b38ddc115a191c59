"""Wrong answers to 16's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

GRADCHECK = "gradcheck FAILED"
SLOPE = "the mean Poisson loss still has slope"
RETURN = "return 0.5 * (1 - (target - mean) ** 2 * np.exp(-log_var)) / log_var.size"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "16_probabilistic_regression"
    wrong = {
        "16-logvar-grad": [
            Wrong(
                "the gradient with respect to v, not log v",
                edit(RETURN, "var = np.exp(log_var)\n    return 0.5 * (1 / var - (target - mean) ** 2 / var**2) / log_var.size"),
                GRADCHECK,
            ),
            Wrong("drops the 1/2", edit("return 0.5 * (", "return ("), GRADCHECK),
            Wrong("sums instead of averaging", edit(" / log_var.size", ""), GRADCHECK),
            Wrong("sign slip", edit("(1 - (target - mean) ** 2 * np.exp(-log_var))", "((target - mean) ** 2 * np.exp(-log_var) - 1)"), GRADCHECK),
            Wrong("the residual, not its square", edit("(target - mean) ** 2", "np.abs(target - mean)"), GRADCHECK),
            Wrong("forgets the log v term's 1", edit("(1 - (target - mean) ** 2 * np.exp(-log_var))", "(-(target - mean) ** 2 * np.exp(-log_var))"), GRADCHECK),
            Wrong("exp(s) instead of exp(-s)", edit("np.exp(-log_var)", "np.exp(log_var)"), GRADCHECK),
            Wrong(
                "the gradient with respect to the mean",
                edit(RETURN, "return (mean - target) * np.exp(-log_var) / log_var.size"),
                GRADCHECK,
            ),
        ],
        "16-best-log-rate": [
            Wrong("the mean of the log counts", "return float(np.mean(np.log(counts)))", "must be one finite number, got -inf"),
            Wrong("the log of the median", "return float(np.log(np.median(counts)))", SLOPE),
            Wrong("the rate, not its log", "return float(np.mean(counts))", SLOPE),
            Wrong("the log of the sum", "return float(np.log(np.sum(counts)))", SLOPE),
            Wrong("adds 1 to keep the log finite", "return float(np.log(np.mean(counts) + 1))", SLOPE),
            Wrong("leaves out the zero counts", "counts = np.asarray(counts)\nreturn float(np.log(np.mean(counts[counts > 0])))", SLOPE),
            Wrong("one log-rate per count", "return np.log(np.asarray(counts, dtype=float) + 1e-12)", "must be one finite number"),
            Wrong("forgets to return", "np.log(np.mean(counts))", "must be one finite number, got None"),
        ],
    }
