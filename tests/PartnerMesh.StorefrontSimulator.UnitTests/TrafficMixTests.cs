using PartnerMesh.StorefrontSimulator.Gateway;
using PartnerMesh.StorefrontSimulator.Simulation;
using Xunit;

namespace PartnerMesh.StorefrontSimulator.UnitTests;

public class TrafficMixTests
{
    [Fact]
    public void Next_SameSeed_SameTraffic()
    {
        SimulatedPartner[] partners = [new("1", "sim-a", "a@example.com", "a"), new("2", "sim-b", "b@example.com", "b")];
        var first = new TrafficMix(new Random(7), 0.3, 0.1);
        var second = new TrafficMix(new Random(7), 0.3, 0.1);

        for (var i = 0; i < 50; i++)
        {
            var a = first.Next(partners);
            var b = second.Next(partners);
            Assert.Equal(a.Partner, b.Partner);
            Assert.Equal(a.Utm, b.Utm);
            Assert.Equal(a.Shopper, b.Shopper);
            Assert.Equal((a.Converts, a.Amount, a.Replays), (b.Converts, b.Amount, b.Replays));
        }
    }

    [Fact]
    public void Next_ManyVisits_MatchesRatesAndFavoursTopPartner()
    {
        SimulatedPartner[] partners = [.. Enumerable.Range(1, 5).Select(i => new SimulatedPartner($"{i}", $"sim-{i}", $"{i}@example.com", $"c{i}"))];
        var mix = new TrafficMix(new Random(99), 0.2, 0.5);

        var visits = Enumerable.Range(0, 10_000).Select(_ => mix.Next(partners)).ToList();

        Assert.InRange(visits.Count(v => v.Converts) / 10_000.0, 0.18, 0.22);
        Assert.True(visits.Where(v => v.Replays).All(v => v.Converts), "only orders are replayed");
        var byPartner = visits.GroupBy(v => v.Partner.Id).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(byPartner["1"] > byPartner["5"] * 3, "1/rank weights: the first partner gets about 5x the last's traffic");
        Assert.All(visits, v => Assert.Contains(v.Utm, pair => pair.Key == "utm_source"));
        Assert.True(visits.Select(v => v.Shopper.VisitorId).Distinct().Count() > 9_990, "visitor ids are random");
        Assert.All(visits, v => Assert.Matches("^[0-9a-f]{32}$", v.Shopper.VisitorId)); // the form attribution's pm_vid takes
    }

    [Fact]
    public void ShopperContext_SameValues_AreEqual()
    {
        Assert.Equal(new ShopperContext("v", "ua", null), new ShopperContext("v", "ua", null));
    }
}
