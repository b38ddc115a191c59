"""Wrong answers to 10's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

EPS_0 = "wrong for epsilon = 0.0"
EPS_02 = "wrong for epsilon = 0.2"


def weighted(case: str) -> str:
    return f"weighted_cross_entropy ({case}) is wrong"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "10_softmax_cross_entropy"
    wrong = {
        "10-smoothing-grad": [
            Wrong(
                "ignores the smoothing: p - onehot",
                edit("q = np.full((n, c), epsilon / c)\n    q[np.arange(n), target] += 1 - epsilon", "q = np.eye(c)[target]"),
                EPS_02,
            ),
            Wrong("spreads epsilon over the C - 1 other classes", edit("np.full((n, c), epsilon / c)", "np.full((n, c), epsilon / (c - 1))"), EPS_02),
            Wrong("forgets the epsilon / C share of the true class", edit("+= 1 - epsilon", "= 1 - epsilon"), EPS_02),
            Wrong("the sum, not the mean: no division by N", edit("return (p - q) / n", "return p - q"), EPS_0),
            Wrong("sign slip: q - p", edit("return (p - q) / n", "return (q - p) / n"), EPS_0),
            Wrong("softmax not normalised: exp(z) - q", edit("p = e / e.sum(axis=1, keepdims=True)", "p = e"), EPS_0),
            Wrong("softmax over the batch axis", edit("p = e / e.sum(axis=1, keepdims=True)", "p = e / e.sum(axis=0, keepdims=True)"), EPS_0),
            Wrong("transposed result", edit("return (p - q) / n", "return ((p - q) / n).T"), "has shape (3, 4)"),
        ],
        "10-weighted-ce": [
            Wrong("divides by N, not by the sum of the weights", edit("/ np.sum(w)", "/ len(y)"), weighted("class weights")),
            Wrong(
                "counts ignored targets in the denominator",
                edit("/ np.sum(w)", "/ (np.sum(w) + np.sum(~keep))"),
                weighted("ignored target"),
            ),
            Wrong("ignores the class weights", edit("w = weight[y]", "w = np.ones(len(y))"), weighted("class weights")),
            Wrong(
                "no max subtraction: overflows for large logits",
                edit("m = z.max(axis=1, keepdims=True)", "m = 0.0"),
                weighted("large logits"),
            ),
            Wrong(
                "weights of the predicted class, not the true one",
                edit("w = weight[y]", "w = weight[z.argmax(axis=1)]"),
                weighted("class weights"),
            ),
            Wrong("the sum, not the mean", edit("/ np.sum(w)", ""), weighted("no weights")),
            Wrong("forgets the minus sign", edit("return -np.sum(", "return np.sum("), weighted("no weights")),
            Wrong(
                "probabilities where log-probabilities belong",
                edit("log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))", "log_p = np.exp(z - m) / np.exp(z - m).sum(axis=1, keepdims=True)"),
                weighted("no weights"),
            ),
        ],
    }
