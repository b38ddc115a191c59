"""Wrong answers to 18's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

KINK = "elu_grad at x = 0 with alpha = 2: expected 2, got 1 (at the kink"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "18_relu_family"
    wrong = {
        "18-prelu-weight-grad": [
            Wrong("the positive entries instead of the negative ones", edit("np.minimum(input, 0)", "np.maximum(input, 0)"), "gradcheck FAILED"),
            Wrong("no mask: every entry teaches the slope", edit("np.minimum(input, 0)", "input"), "gradcheck FAILED"),
            Wrong("ignores grad_output", "return np.sum(np.minimum(input, 0), axis=0)", "gradcheck FAILED"),
            Wrong("sums over the channels instead of the batch", edit("axis=0", "axis=1"), "prelu_weight_grad returned shape (5,), expected (3,)"),
            Wrong("no sum: one number per entry", "return grad_output * np.minimum(input, 0)", "prelu_weight_grad returned shape (5, 3), expected (3,)"),
            Wrong("the mean over the batch instead of the sum", edit("np.sum(", "np.mean("), "gradcheck FAILED"),
            Wrong("multiplies by the slope too", edit("np.minimum(input, 0)", "weight * np.minimum(input, 0)"), "gradcheck FAILED"),
            Wrong(
                "the gradient for the input, summed",
                "return np.sum(np.where(input > 0, 1.0, weight) * grad_output, axis=0)",
                "gradcheck FAILED",
            ),
        ],
        "18-elu-grad": [
            Wrong("the right side's slope at 0", edit("x > 0", "x >= 0"), KINK),
            Wrong("alpha e^x on both sides", "return alpha * np.exp(np.asarray(x, dtype=float))", "elu_grad at x = 0.5 with alpha = 2: expected 1, got 3.29744"),
            Wrong("ignores alpha", edit("alpha * np.exp", "np.exp"), "elu_grad at x = -3 with alpha = 2: expected 0.0995741, got 0.0497871"),
            Wrong(
                "the function instead of its slope",
                "x = np.asarray(x, dtype=float)\nreturn np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))",
                "elu_grad at x = -3 with alpha = 2: expected 0.0995741, got -1.90043",
            ),
            Wrong(
                "elu(x) + alpha on both sides",
                "x = np.asarray(x, dtype=float)\nreturn np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))) + alpha",
                "elu_grad at x = 0.5 with alpha = 2: expected 1, got 2.5",
            ),
            Wrong("sign slip: -alpha e^x", edit("alpha * np.exp", "-alpha * np.exp"), "elu_grad at x = -3 with alpha = 2: expected 0.0995741, got -0.0995741"),
            Wrong("slope 0 on the negative side, as ReLU", "x = np.asarray(x, dtype=float)\nreturn (x > 0) * 1.0", "elu_grad at x = -3 with alpha = 2: expected 0.0995741, got 0"),
        ],
    }
