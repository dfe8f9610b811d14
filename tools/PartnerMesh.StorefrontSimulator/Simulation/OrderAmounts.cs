namespace PartnerMesh.StorefrontSimulator.Simulation;

/// <summary>Order totals drawn from a log-normal distribution: most baskets near the median, a long tail of big ones.</summary>
public static class OrderAmounts
{
    public const double MedianEuros = 60;
    public const double Sigma = 0.6;
    public const decimal Smallest = 5m;
    public const decimal Largest = 2_500m;

    public static decimal Next(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return FromStandardNormal(StandardNormal(random));
    }

    /// <summary>exp(ln(median) + sigma * z), rounded to cents and clamped to [<see cref="Smallest"/>, <see cref="Largest"/>].</summary>
    public static decimal FromStandardNormal(double z)
    {
        var amount = Math.Exp(Math.Log(MedianEuros) + (Sigma * z));
        var rounded = Math.Round((decimal)Math.Clamp(amount, (double)Smallest, (double)Largest), 2, MidpointRounding.AwayFromZero);
        return Math.Clamp(rounded, Smallest, Largest);
    }

    /// <summary>Box–Muller.</summary>
    public static double StandardNormal(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var u1 = 1.0 - random.NextDouble(); // (0, 1]: log(0) is not allowed
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
