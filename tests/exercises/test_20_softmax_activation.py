"""Wrong answers to 20's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

LOGITS = "stable_log_softmax for "


class TestWrongAnswers(WrongAnswerTests):
    notebook = "20_softmax_activation"
    wrong = {
        "20-softmax-backward": [
            Wrong("the diagonal of the Jacobian only: p * g", "return softmax(z, dim=1) * grad_output", "gradcheck FAILED"),
            Wrong("forgets the p factor", edit("return p * (grad_output - ", "return (grad_output - "), "gradcheck FAILED"),
            Wrong("sign slip", edit("p * (grad_output - np.sum", "p * (-grad_output + np.sum"), "gradcheck FAILED"),
            Wrong("unweighted sum of g instead of g . p", edit("np.sum(grad_output * p, axis=1", "np.sum(grad_output, axis=1"), "gradcheck FAILED"),
            Wrong("sums over the batch (axis 0) instead of the classes", edit("axis=1, keepdims", "axis=0, keepdims"), "gradcheck FAILED"),
            Wrong(
                "no keepdims: the row sums broadcast along the wrong axis",
                edit(", axis=1, keepdims=True)", ", axis=1)"),
                "operands could not be broadcast",
                ValueError,
            ),
            Wrong("log-softmax's backward g - p sum(g)", "return grad_output - softmax(z, dim=1) * grad_output.sum(axis=1, keepdims=True)", "gradcheck FAILED"),
            Wrong("returns the upstream gradient unchanged", "return grad_output", "gradcheck FAILED"),
        ],
        "20-stable-log-softmax": [
            Wrong("log of the plain softmax", "e = np.exp(np.asarray(z, dtype=float))\nreturn np.log(e / e.sum(axis=1, keepdims=True))", "stable_log_softmax warned for logits in the thousands: overflow"),
            Wrong("log of a shifted softmax: log 0 far below", "z = np.asarray(z, dtype=float)\ne = np.exp(z - z.max(axis=1, keepdims=True))\nreturn np.log(e / e.sum(axis=1, keepdims=True))", "stable_log_softmax warned for a logit 800 below the largest: divide by zero"),
            Wrong("no shift: log-sum-exp overflows", edit("shifted = z - z.max(axis=1, keepdims=True)", "shifted = z"), "stable_log_softmax warned for logits in the thousands: overflow"),
            Wrong("shifts but forgets the log-sum-exp", edit("return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))", "return shifted"), f"{LOGITS}the tutorial's logits is wrong"),
            Wrong("the max of each row instead of the log-sum-exp", "z = np.asarray(z, dtype=float)\nreturn z - z.max(axis=1, keepdims=True)", f"{LOGITS}the tutorial's logits is wrong"),
            Wrong("normalises over the batch (axis 0)", edit("np.sum(np.exp(shifted), axis=1", "np.sum(np.exp(shifted), axis=0"), f"{LOGITS}the tutorial's logits is wrong"),
            Wrong("log-sum-exp without the sum: log of the largest exp only", edit("np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))", "np.log(np.max(np.exp(shifted), axis=1, keepdims=True))"), f"{LOGITS}the tutorial's logits is wrong"),
            Wrong("the softmax itself, not its log", edit("return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))", "return np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)"), f"{LOGITS}the tutorial's logits is wrong"),
        ],
    }
