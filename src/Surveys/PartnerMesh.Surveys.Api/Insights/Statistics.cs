namespace PartnerMesh.Surveys.Api.Insights;

/// <summary>A share with its 95 % Wilson score interval.</summary>
public sealed record Proportion(int Successes, int Total, double Value, double Low, double High);

/// <summary>NPS (−100…100) with its 95 % interval; promoters 9–10, passives 7–8, detractors 0–6.</summary>
public sealed record NpsFigure(int Responses, int Promoters, int Passives, int Detractors, double Score, double Low, double High);

/// <summary>CSAT on 1–5: the mean with a 95 % normal interval, and the satisfied share (4–5) with its Wilson interval.</summary>
public sealed record CsatFigure(int Responses, double Mean, double MeanLow, double MeanHigh, Proportion Satisfied);

/// <summary>
/// The interval methods (docs/surveys.md): Wilson score intervals for proportions (response rate, CSAT satisfied share),
/// which stay inside [0, 1] and behave for small samples; for NPS, the normal approximation of a difference of two
/// proportions of one multinomial sample, Var(p₊ − p₋) = (p₊ + p₋ − (p₊ − p₋)²) / n; for the CSAT mean, mean ± z·s/√n.
/// All at 95 % (z = 1.96), clamped to the scale.
/// </summary>
public static class Statistics
{
    public const double Z = 1.959963984540054;

    public static Proportion? Wilson(int successes, int total)
    {
        if (total <= 0)
        {
            return null;
        }

        successes = Math.Clamp(successes, 0, total);
        double n = total;
        var p = successes / n;
        var z2 = Z * Z;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2 * n))) / denominator;
        var half = Z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n))) / denominator;
        return new Proportion(successes, total, Round(p), Round(Math.Max(0, centre - half)), Round(Math.Min(1, centre + half)));
    }

    public static NpsFigure? Nps(IEnumerable<int> scores)
    {
        int promoters = 0, passives = 0, detractors = 0;
        foreach (var score in scores)
        {
            if (score >= 9)
            {
                promoters++;
            }
            else if (score >= 7)
            {
                passives++;
            }
            else
            {
                detractors++;
            }
        }

        var n = promoters + passives + detractors;
        if (n == 0)
        {
            return null;
        }

        var pPlus = promoters / (double)n;
        var pMinus = detractors / (double)n;
        var difference = pPlus - pMinus;
        var half = Z * Math.Sqrt(Math.Max(0, pPlus + pMinus - (difference * difference)) / n);
        return new NpsFigure(n, promoters, passives, detractors, Round(100 * difference),
            Round(Math.Max(-100, 100 * (difference - half))), Round(Math.Min(100, 100 * (difference + half))));
    }

    public static CsatFigure? Csat(IReadOnlyCollection<int> scores)
    {
        var n = scores.Count;
        if (n == 0)
        {
            return null;
        }

        var mean = scores.Average();
        var variance = n > 1 ? scores.Sum(score => (score - mean) * (score - mean)) / (n - 1) : 0;
        var half = Z * Math.Sqrt(variance / n);
        return new CsatFigure(n, Round(mean), Round(Math.Max(1, mean - half)), Round(Math.Min(5, mean + half)),
            Wilson(scores.Count(score => score >= 4), n)!);
    }

    private static double Round(double value) => Math.Round(value, 4, MidpointRounding.AwayFromZero);
}
