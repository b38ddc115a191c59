"""Wrong answers to 21's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

RATES_10 = "calibrated_probability(best logits, pos_weight=10.0) vs the rates is wrong"
RATES_HALF = "calibrated_probability(best logits, pos_weight=0.5) vs the rates is wrong"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "21_choosing_a_loss"
    wrong = {
        "21-quantile-for-costs": [
            Wrong("swaps the two costs", "return cost_over / (cost_under + cost_over)", "quantile_for_costs(4.0, 1.0) = 0.2:"),
            Wrong("the ratio of the costs", "return cost_under / cost_over", "must be a number in (0, 1), got 4.0"),
            Wrong("the median, whatever the costs", "return 0.5", "quantile_for_costs(4.0, 1.0) = 0.5:"),
            Wrong("ignores cost_over", "return cost_under / (cost_under + 1)", "quantile_for_costs(1.0, 3.0) = 0.5:"),
            Wrong("3 % off", edit("return cost_under / (cost_under + cost_over)", "return 0.97 * cost_under / (cost_under + cost_over)"), "quantile_for_costs(4.0, 1.0) = 0.776:"),
            Wrong("the odds instead of the share", "return cost_over / cost_under", "quantile_for_costs(4.0, 1.0) = 0.25:"),
        ],
        "21-calibrated-probability": [
            Wrong("adds log w instead of subtracting it", edit("- np.log(pos_weight)", "+ np.log(pos_weight)"), RATES_10),
            Wrong("forgets the log: subtracts w", edit("- np.log(pos_weight)", "- pos_weight"), RATES_10),
            Wrong("divides the probability by w", "return 1 / (1 + np.exp(-np.asarray(logits, dtype=float))) / pos_weight", RATES_10),
            Wrong("ignores pos_weight", "return 1 / (1 + np.exp(-np.asarray(logits, dtype=float)))", RATES_10),
            Wrong("returns the corrected logits, not probabilities", "return np.asarray(logits, dtype=float) - np.log(pos_weight)", RATES_10),
            Wrong("divides the logits by w", "return 1 / (1 + np.exp(-np.asarray(logits, dtype=float) / pos_weight))", RATES_10),
            Wrong("log base 10", edit("np.log(pos_weight)", "np.log10(pos_weight)"), RATES_10),
            Wrong("right only for w > 1: the log of |w|'s reciprocal", edit("- np.log(pos_weight)", "- abs(np.log(pos_weight))"), RATES_HALF),
        ],
        "21-recalibration-grad": [
            Wrong("sign slip: y - p", edit("return np.array([np.mean((p - target) * logits), np.mean(p - target)])", "return np.array([np.mean((target - p) * logits), np.mean(target - p)])"), "gradcheck FAILED"),
            Wrong("forgets the factor z in dL/da", edit("np.mean((p - target) * logits)", "np.mean(p - target)"), "gradcheck FAILED"),
            Wrong("sums instead of averaging", edit("return np.array([np.mean((p - target) * logits), np.mean(p - target)])", "return np.array([np.sum((p - target) * logits), np.sum(p - target)])"), "gradcheck FAILED"),
            Wrong("returns (dL/dc, dL/da)", edit("return np.array([np.mean((p - target) * logits), np.mean(p - target)])", "return np.array([np.mean(p - target), np.mean((p - target) * logits)])"), "gradcheck FAILED"),
            Wrong("ignores the parameters: p = sigmoid(z)", edit("p = 1 / (1 + np.exp(-(a * logits + c)))", "p = 1 / (1 + np.exp(-logits))"), "gradcheck FAILED"),
            Wrong("multiplies by sigma' once more", edit("return np.array([np.mean((p - target) * logits), np.mean(p - target)])", "return np.array([np.mean((p - target) * p * (1 - p) * logits), np.mean((p - target) * p * (1 - p))])"), "gradcheck FAILED"),
        ],
    }
