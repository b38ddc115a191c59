"""Wrong answers to 11's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

T_1 = "wrong for T = 1.0"
T_4 = "wrong for T = 4.0"


def kl_rows(case: str) -> str:
    return f"kl_divergence ({case}) is wrong"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "11_entropy_kl"
    wrong = {
        "11-distillation-grad": [
            Wrong("forgets the 1/T of the chain rule: T^2 (Q - P) / N", edit("return T * (", "return T**2 * ("), T_4),
            Wrong("forgets the T^2 in front: (Q - P) / (T N)", edit("return T * (", "return 1 / T * ("), T_4),
            Wrong("sign slip: P - Q", edit("(tempered(z) - tempered(t))", "(tempered(t) - tempered(z))"), T_1),
            Wrong("the sum over the batch, not the mean", edit(") / len(z)", ")"), T_1),
            Wrong("the student's softmax without the temperature", edit("(tempered(z) - tempered(t))", "(tempered(z * T) - tempered(t))"), T_4),
            Wrong("divides by the number of classes too", edit(") / len(z)", ") / z.size"), T_1),
            Wrong(
                "transposed result",
                edit("return T * (tempered(z) - tempered(t)) / len(z)", "return (T * (tempered(z) - tempered(t)) / len(z)).T"),
                "has shape (3, 2)",
            ),
        ],
        "11-kl-rows": [
            Wrong("swapped arguments: KL(Q || P)", "return np.sum(probs * np.log(probs / target), axis=1)", kl_rows("no zeros")),
            Wrong("0 log 0 left as NaN", "return np.sum(target * np.log(target / probs), axis=1)", kl_rows("zeros in the target")),
            Wrong("log base 2 (bits, not nats)", edit("np.log(safe / probs)", "np.log2(safe / probs)"), kl_rows("no zeros")),
            Wrong("cross-entropy instead of KL", edit("np.log(safe / probs)", "-np.log(probs)"), kl_rows("no zeros")),
            Wrong("one value per entry, not per row", edit(", 0.0), axis=1)", ", 0.0), axis=None) * np.ones(target.shape)"), "expected one value per row"),
            Wrong("the mean over the classes, not the sum", edit("return np.sum(", "return np.mean("), kl_rows("no zeros")),
            Wrong("abs of each term", edit("target * np.log(safe / probs)", "np.abs(target * np.log(safe / probs))"), kl_rows("no zeros")),
            Wrong("entropy difference H(Q) - H(P)", "return np.sum(np.where(target > 0, target * np.log(np.where(target > 0, target, 1.0)), 0.0) - probs * np.log(probs), axis=1)", kl_rows("no zeros")),
        ],
    }
