"""Wrong answers to 17's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit



class TestWrongAnswers(WrongAnswerTests):
    notebook = "17_sigmoid_tanh"
    wrong = {
        "17-scaled-tanh-grad": [
            Wrong("drops the inner factor k", edit("s * k * (1 - ", "s * (1 - "), "gradcheck FAILED"),
            Wrong("drops the outer factor s", edit("s * k * (1 - ", "k * (1 - "), "gradcheck FAILED"),
            Wrong("1 - tanh without the square", edit("np.asarray(x, dtype=float)) ** 2)", "np.asarray(x, dtype=float)))"), "gradcheck FAILED"),
            Wrong("sign slip: 1 + tanh^2", edit("(1 - np.tanh", "(1 + np.tanh"), "gradcheck FAILED"),
            Wrong("the slope taken at x, not at k x", edit("np.tanh(k * np.asarray", "np.tanh(np.asarray"), "gradcheck FAILED"),
            Wrong(
                "the sigmoid's pattern t (1 - t) for tanh",
                "t = np.tanh(k * np.asarray(x, dtype=float))\nreturn s * k * t * (1 - t)",
                "gradcheck FAILED",
            ),
            Wrong("k squared", edit("s * k * (1 - ", "s * k**2 * (1 - "), "gradcheck FAILED"),
            Wrong("returns the function, not its slope", "return s * np.tanh(k * np.asarray(x, dtype=float))", "gradcheck FAILED"),
        ],
        "17-sigmoid-slope": [
            Wrong(
                "the sigmoid itself (the slogan 'its derivative is itself')",
                "t = np.exp(-np.abs(np.asarray(x, dtype=float)))\nreturn np.where(np.asarray(x) >= 0, 1 / (1 + t), t / (1 + t))",
                "sigmoid_slope(0) = 0.5, expected 0.25",
            ),
            Wrong(
                "the plain sigma (1 - sigma): 1 - sigma is 0 in the tail",
                "s = 1 / (1 + np.exp(-np.asarray(x, dtype=float)))\nreturn s * (1 - s)",
                "sigmoid_slope(40) = 0, expected 4.248354e-18 (far out, 1 - sigma rounds to 0",
            ),
            Wrong(
                "a stable sigma, but 1 - sigma cancels to 0 in the tail",
                "t = np.exp(-np.abs(np.asarray(x, dtype=float)))\n"
                "s = np.where(np.asarray(x) >= 0, 1 / (1 + t), t / (1 + t))\nreturn s * (1 - s)",
                "sigmoid_slope(40) = 0, expected 4.248354e-18 (far out, 1 - sigma rounds to 0",
            ),
            Wrong(
                "the completed square 1/4 - (sigma - 1/2)^2, which cancels in the tail",
                "t = np.exp(-np.abs(np.asarray(x, dtype=float)))\n"
                "s = np.where(np.asarray(x) >= 0, 1 / (1 + t), t / (1 + t))\nreturn 0.25 - (s - 0.5) ** 2",
                "sigmoid_slope(40) = 0, expected 4.248354e-18 (far out, 1 - sigma rounds to 0",
            ),
            Wrong(
                "e^-x / (1 + e^-x)^2 without the absolute value: overflows for x = -700",
                "t = np.exp(-np.asarray(x, dtype=float))\nreturn t / (1 + t) ** 2",
                "sigmoid_slope warned for x in [-700, 700]: overflow",
            ),
            Wrong(
                "cosh of x instead of x/2",
                "return 1 / (4 * np.cosh(np.asarray(x, dtype=float)) ** 2)",
                "sigmoid_slope(-1) = 0.1049936, expected 0.1966119",
            ),
            Wrong("2 % too large", edit("return t / (1 + t) ** 2", "return 1.02 * t / (1 + t) ** 2"), "sigmoid_slope(0) = 0.255, expected 0.25"),
            Wrong("the tanh pattern 1 - t^2", edit("return t / (1 + t) ** 2", "return 1 - t**2"), "sigmoid_slope(0) = 0, expected 0.25"),
        ],
    }
