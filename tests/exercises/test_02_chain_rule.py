"""Wrong answers to 02's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

STABLE = "largest_stable_lr(1.5)"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "02_chain_rule"
    wrong = {
        "02-sigmoid-bias-grad": [
            Wrong("forgets dz/dw = x", edit("* a * (1 - a) * x", "* a * (1 - a)"), "gradcheck FAILED"),
            Wrong("forgets sigma'(z)", edit("* a * (1 - a) * x", "* x"), "gradcheck FAILED"),
            Wrong("takes sigma' to be sigma itself", edit("* a * (1 - a) * x", "* a * x"), "gradcheck FAILED"),
            Wrong("drops the 2 of the square", edit("return 2 * (a - y)", "return (a - y)"), "gradcheck FAILED"),
            Wrong("sign slip: y - a", edit("(a - y)", "(y - a)"), "gradcheck FAILED"),
            Wrong("ignores the bias b", edit("sigmoid(w * x + b)", "sigmoid(w * x)"), "gradcheck FAILED"),
            Wrong("differentiates by x instead of w", edit("* a * (1 - a) * x", "* a * (1 - a) * w"), "gradcheck FAILED"),
        ],
        "02-critical-lr": [
            Wrong("1.5 % too high", "return 1.015 / x**2", f"{STABLE} = 0.451111 is too large"),
            Wrong("1.5 % too low", "return 0.985 / x**2", f"{STABLE} = 0.437778 is too small"),
            Wrong("the one-step rate 1/(2x^2)", "return 1 / (2 * x**2)", f"{STABLE} = 0.222222 is too small"),
            Wrong("2/a with a = x^2 instead of 2x^2", "return 2 / x**2", f"{STABLE} = 0.888889 is too large"),
            Wrong("1/x instead of 1/x^2", "return 1 / x", f"{STABLE} = 0.666667 is too large"),
            Wrong("a negative rate", "return -1 / x**2", f"{STABLE} must be a positive number"),
        ],
    }
