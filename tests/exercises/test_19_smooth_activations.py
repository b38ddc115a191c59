"""Wrong answers to 19's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

ARGMIN = "swish_argmin(4) = "


class TestWrongAnswers(WrongAnswerTests):
    notebook = "19_smooth_activations"
    wrong = {
        "19-swish-grad": [
            Wrong("beta missing in the second term", edit("(1 + beta * x * (1 - gate))", "(1 + x * (1 - gate))"), "gradcheck FAILED"),
            Wrong("no product rule: only the gate", edit("return gate * (1 + beta * x * (1 - gate))", "return gate"), "gradcheck FAILED"),
            Wrong("takes sigma' to be sigma", edit("(1 + beta * x * (1 - gate))", "(1 + beta * x)"), "gradcheck FAILED"),
            Wrong("sign slip in the second term", edit("(1 + beta * x * (1 - gate))", "(1 - beta * x * (1 - gate))"), "gradcheck FAILED"),
            Wrong("ignores beta: SiLU's slope", edit("sigmoid(beta * x)", "sigmoid(x)"), "gradcheck FAILED"),
            Wrong("beta squared", edit("(1 + beta * x * (1 - gate))", "(1 + beta**2 * x * (1 - gate))"), "gradcheck FAILED"),
            Wrong("returns the function, not its slope", edit("return gate * (1 + beta * x * (1 - gate))", "return x * gate"), "gradcheck FAILED"),
        ],
        "19-swish-argmin": [
            Wrong("ignores beta", edit("return (-1 - w) / beta", "return -1 - w"), f"{ARGMIN}-1.27846454: the slope there is -0.0244, not 0; the minimum is to the right"),
            Wrong("multiplies by beta", edit("return (-1 - w) / beta", "return (-1 - w) * beta"), f"{ARGMIN}-5.11385817: the slope there is -2."),
            Wrong("the minimum's value, not its place", edit("return (-1 - w) / beta", "return -w / beta"), "swish_argmin(1) = -0.278464543: the slope there is 0.363, not 0; the minimum is to the left"),
            Wrong("-1 + W(1/e): a sign slip", edit("return (-1 - w) / beta", "return (-1 + w) / beta"), "the minimum is to the left"),
            Wrong("the rough guess x = -1/beta", edit("return (-1 - w) / beta", "return -1 / beta"), "swish_argmin(1) = -1: the slope there is 0.0723, not 0; the minimum is to the left"),
            Wrong("2 % off", edit("return (-1 - w) / beta", "return 1.02 * (-1 - w) / beta"), "swish_argmin(1) = -1.30403383: the slope there is -0.00547, not 0; the minimum is to the right"),
            Wrong("Newton stopped after 1 step", edit("range(50)", "range(1)"), "swish_argmin(1) = "),
            Wrong("W(1/e) replaced by 1/e", edit("return (-1 - w) / beta", "return (-1 - np.exp(-1)) / beta"), "the minimum is to the right"),
        ],
    }
