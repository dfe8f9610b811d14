namespace PartnerMesh.Promotions.Domain.Experiments;

/// <summary>
/// The significance tests experiment results report, from counts kept incrementally: a two-proportion z-test for
/// conversion rates (pooled standard error for the test, unpooled for the 95 % interval of the difference) and Welch's
/// t-test for average order values (from each group's count, sum and sum of squares; Welch–Satterthwaite degrees of
/// freedom). Both two-sided.
/// </summary>
public static class ExperimentStatistics
{
    public const double Confidence = 0.95;

    /// <summary>Variant against baseline; null when either group has no one (nothing to compare) or the pooled rate is 0 or 1 —
    /// no conversions in either group, or everyone converted: no spread to judge a difference by, so the test is undefined,
    /// never significant, as <see cref="CompareMeans"/> is for equal order values.</summary>
    public static ProportionTest? CompareProportions(long variantSuccesses, long variantTrials, long baselineSuccesses, long baselineTrials)
    {
        if (variantTrials <= 0 || baselineTrials <= 0)
        {
            return null;
        }

        var p1 = (double)variantSuccesses / variantTrials;
        var p2 = (double)baselineSuccesses / baselineTrials;
        var pooled = (double)(variantSuccesses + baselineSuccesses) / (variantTrials + baselineTrials);
        var pooledError = Math.Sqrt(pooled * (1 - pooled) * (1.0 / variantTrials + 1.0 / baselineTrials));
        if (pooledError == 0)
        {
            return null;
        }

        var z = (p1 - p2) / pooledError;
        var pValue = 2 * (1 - NormalCdf(Math.Abs(z)));
        var error = Math.Sqrt(p1 * (1 - p1) / variantTrials + p2 * (1 - p2) / baselineTrials);
        var margin = NormalQuantile(1 - (1 - Confidence) / 2) * error;
        var difference = p1 - p2;
        return new ProportionTest(difference, z, pValue, difference - margin, difference + margin);
    }

    /// <summary>Variant against baseline from (count, sum, sum of squares); null when a group has fewer than two values or
    /// neither group varies (no spread to judge a difference by: the test is undefined, never significant).</summary>
    public static MeanTest? CompareMeans(SampleMoments variant, SampleMoments baseline)
    {
        if (variant.Count < 2 || baseline.Count < 2)
        {
            return null;
        }

        var v1 = variant.Variance / variant.Count;
        var v2 = baseline.Variance / baseline.Count;
        var difference = variant.Mean - baseline.Mean;
        var error = Math.Sqrt(v1 + v2);
        if (error == 0)
        {
            return null; // every order of both groups has the same value: nothing to test
        }

        var degrees = (v1 + v2) * (v1 + v2) / (v1 * v1 / (variant.Count - 1) + v2 * v2 / (baseline.Count - 1));
        var t = difference / error;
        var pValue = 2 * (1 - StudentCdf(Math.Abs(t), degrees));
        var margin = StudentQuantile(1 - (1 - Confidence) / 2, degrees) * error;
        return new MeanTest(difference, t, degrees, pValue, difference - margin, difference + margin);
    }

    /// <summary>Φ(x), from the complementary error function (Numerical Recipes' Chebyshev fit, |error| &lt; 1.2e-7).</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>Φ⁻¹(p) by bisection on <see cref="NormalCdf"/>: a handful of calls per result, not a hot path.</summary>
    public static double NormalQuantile(double p) => Bisect(x => NormalCdf(x), p, -40, 40);

    /// <summary>The CDF of Student's t with <paramref name="degrees"/> (possibly fractional) degrees of freedom.</summary>
    public static double StudentCdf(double t, double degrees)
    {
        var x = degrees / (degrees + t * t);
        var tail = 0.5 * RegularizedIncompleteBeta(degrees / 2, 0.5, x);
        return t >= 0 ? 1 - tail : tail;
    }

    public static double StudentQuantile(double p, double degrees) => Bisect(t => StudentCdf(t, degrees), p, -1e6, 1e6);

    private static double Bisect(Func<double, double> cdf, double p, double low, double high)
    {
        for (var i = 0; i < 200 && high - low > 1e-12; i++)
        {
            var middle = (low + high) / 2;
            if (cdf(middle) < p)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return (low + high) / 2;
    }

    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /// <summary>I_x(a, b) by its continued fraction (modified Lentz), using the symmetry that keeps it converging fast.</summary>
    private static double RegularizedIncompleteBeta(double a, double b, double x)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x));
        return x < (a + 1) / (a + b + 2)
            ? front * BetaContinuedFraction(a, b, x) / a
            : 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
    }

    private static double BetaContinuedFraction(double a, double b, double x)
    {
        const double Tiny = 1e-300;
        var c = 1.0;
        var d = 1 - (a + b) * x / (a + 1);
        d = Math.Abs(d) < Tiny ? Tiny : d;
        d = 1 / d;
        var result = d;
        for (var m = 1; m <= 300; m++)
        {
            var m2 = 2 * m;
            var even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + even * d;
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + even / c;
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            result *= d * c;
            var odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + odd * d;
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + odd / c;
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            var step = d * c;
            result *= step;
            if (Math.Abs(step - 1) < 1e-14)
            {
                break;
            }
        }

        return result;
    }

    /// <summary>ln Γ(x), Lanczos approximation (g = 7, 9 coefficients).</summary>
    private static double LogGamma(double x)
    {
        double[] coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = coefficients[0];
        for (var i = 1; i < coefficients.Length; i++)
        {
            sum += coefficients[i] / (x + i);
        }

        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}

/// <summary>Count, sum and sum of squares of a group's values (order totals): enough for its mean and variance.</summary>
public sealed record SampleMoments(long Count, decimal Sum, decimal SumOfSquares)
{
    public double Mean => Count == 0 ? 0 : (double)Sum / Count;

    /// <summary>
    /// The unbiased sample variance, (nΣx² − (Σx)²) / (n(n − 1)). The numerator is computed exactly in decimal — order
    /// totals are decimals, so equal values give exactly 0 — since in double the difference of two large, nearly equal
    /// sums is rounding noise that a t-test would read as a real difference (falls back to double only on overflow).
    /// </summary>
    public double Variance
    {
        get
        {
            if (Count < 2)
            {
                return 0;
            }

            try
            {
                return Math.Max(0, (double)((Count * SumOfSquares - Sum * Sum) / Count) / (Count - 1));
            }
            catch (OverflowException)
            {
                return Math.Max(0, ((double)SumOfSquares - Count * Mean * Mean) / (Count - 1));
            }
        }
    }
}

public sealed record ProportionTest(double Difference, double Z, double PValue, double LowerBound, double UpperBound)
{
    public bool IsSignificant => PValue < 1 - ExperimentStatistics.Confidence;
}

public sealed record MeanTest(double Difference, double T, double DegreesOfFreedom, double PValue, double LowerBound, double UpperBound)
{
    public bool IsSignificant => PValue < 1 - ExperimentStatistics.Confidence;
}
