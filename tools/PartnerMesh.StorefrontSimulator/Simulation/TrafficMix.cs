using PartnerMesh.StorefrontSimulator.Gateway;

namespace PartnerMesh.StorefrontSimulator.Simulation;

/// <summary>
/// Draws shopper visits: partners by popularity (the first partner gets the most traffic, 1/rank weights), a traffic
/// source with its UTM tags and referrer, a browser, a visitor id, and whether and how much the shopper orders.
/// Not thread-safe: one scheduler draws every plan, in order, so a seed reproduces the traffic.
/// </summary>
public sealed class TrafficMix(Random random, double conversionRate, double replayRate)
{
    private static readonly (string Source, string Medium, string? Referrer)[] Sources =
    [
        ("newsletter", "email", null),
        ("instagram", "social", "https://l.instagram.com/"),
        ("blog", "referral", "https://blog.example.com/best-picks-this-season"),
        ("youtube", "video", "https://www.youtube.com/"),
        ("tiktok", "social", "https://www.tiktok.com/"),
        ("podcast", "audio", null),
    ];

    private static readonly string[] Campaigns = ["spring-sale", "summer-drop", "back-to-school", "black-friday", "evergreen"];

    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    ];

    public VisitPlan Next(IReadOnlyList<SimulatedPartner> partners)
    {
        ArgumentNullException.ThrowIfNull(partners);
        if (partners.Count == 0)
        {
            throw new ArgumentException("at least one partner is needed", nameof(partners));
        }

        var partner = partners[PickByRank(partners.Count)];
        var (source, medium, referrer) = Sources[random.Next(Sources.Length)];
        var utm = new List<KeyValuePair<string, string>>
        {
            new("utm_source", source),
            new("utm_medium", medium),
            new("utm_campaign", Campaigns[random.Next(Campaigns.Length)]),
        };
        Span<byte> visitorBytes = stackalloc byte[16];
        random.NextBytes(visitorBytes);
        var visitorId = new Guid(visitorBytes).ToString("N");
        var shopper = new ShopperContext(visitorId, UserAgents[random.Next(UserAgents.Length)], referrer);
        var converts = random.NextDouble() < conversionRate;
        var amount = OrderAmounts.Next(random);
        var thinkTime = TimeSpan.FromMilliseconds(random.Next(0, 1_000));
        var replays = converts && random.NextDouble() < replayRate;
        var replayDelay = TimeSpan.FromMilliseconds(random.Next(0, 2_000));
        return new VisitPlan(partner, utm, shopper, converts, amount, thinkTime, replays, replayDelay);
    }

    /// <summary>Index with probability proportional to 1/(index+1).</summary>
    private int PickByRank(int count)
    {
        var total = 0.0;
        for (var i = 1; i <= count; i++)
        {
            total += 1.0 / i;
        }

        var draw = random.NextDouble() * total;
        for (var i = 0; i < count; i++)
        {
            draw -= 1.0 / (i + 1);
            if (draw < 0)
            {
                return i;
            }
        }

        return count - 1;
    }
}
