using PartnerMesh.Attribution.Api.Conversions;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

public class AttributionModelTests
{
    private static readonly DateTimeOffset OrderedAt = new(2025, 6, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid PartnerA = Guid.Parse("00000000-0000-0000-0000-0000000000aa");
    private static readonly Guid PartnerB = Guid.Parse("00000000-0000-0000-0000-0000000000bb");
    private static readonly Guid PartnerC = Guid.Parse("00000000-0000-0000-0000-0000000000cc");

    private static AttributionTerms Terms(string model = AttributionTerms.LastClickModel, int windowDays = 30, bool couponPrecedence = true, bool customerCredit = true) =>
        new(model, TimeSpan.FromDays(windowDays), couponPrecedence, customerCredit);

    private static CandidateClick Click(Guid partner, double daysBefore) =>
        new(Guid.CreateVersion7(), partner, OrderedAt.AddDays(-daysBefore));

    [Fact]
    public void LastClick_CreditsTheLatestClickInsideTheWindow()
    {
        var first = Click(PartnerA, 10);
        var last = Click(PartnerB, 1);

        var result = AttributionDecision.Decide(Terms(), null, null, [last, first], OrderedAt);

        Assert.Equal((PartnerB, last.Id, AttributionDecision.LastClick), (result.PartnerId, result.ClickId, result.Reason));
    }

    [Fact]
    public void LastClick_ARepeatCollapsedIntoAnEarlierClick_MakesItTheLatest_FirstClickKeepsItsFirstTime()
    {
        var returnedTo = Click(PartnerA, 10) with { LastSeenAt = OrderedAt.AddDays(-0.5) };
        var between = Click(PartnerB, 1);

        var last = AttributionDecision.Decide(Terms(), null, null, [between, returnedTo], OrderedAt);
        var first = AttributionDecision.Decide(Terms(AttributionTerms.FirstClickModel), null, null, [returnedTo, between with { LastSeenAt = OrderedAt.AddDays(-0.1) }], OrderedAt);

        Assert.Equal((PartnerA, returnedTo.Id), (last.PartnerId, last.ClickId));
        Assert.Equal(PartnerA, first.PartnerId);
    }

    [Fact]
    public void LastClick_ARepeatAfterTheOrder_DoesNotCount()
    {
        var repeatedLater = Click(PartnerA, 10) with { LastSeenAt = OrderedAt.AddHours(1) };
        var between = Click(PartnerB, 1);

        var result = AttributionDecision.Decide(Terms(), null, null, [repeatedLater, between], OrderedAt);

        Assert.Equal(PartnerB, result.PartnerId);
    }

    [Fact]
    public void FirstClick_CreditsTheEarliestClickInsideTheWindow()
    {
        var first = Click(PartnerA, 10);
        var last = Click(PartnerB, 1);

        var result = AttributionDecision.Decide(Terms(AttributionTerms.FirstClickModel), null, null, [last, first], OrderedAt);

        Assert.Equal((PartnerA, first.Id, AttributionDecision.FirstClick), (result.PartnerId, result.ClickId, result.Reason));
    }

    [Fact]
    public void FirstClick_IgnoresClicksOlderThanTheWindow()
    {
        var tooOld = Click(PartnerA, 8);
        var inside = Click(PartnerB, 3);

        var result = AttributionDecision.Decide(Terms(AttributionTerms.FirstClickModel, windowDays: 7), null, null, [tooOld, inside], OrderedAt);

        Assert.Equal(PartnerB, result.PartnerId);
    }

    [Fact]
    public void CouponCode_BeatsAnotherPartnersClick()
    {
        var click = Click(PartnerB, 1);

        var result = AttributionDecision.Decide(Terms(), PartnerA, null, [click], OrderedAt);

        Assert.Equal((PartnerA, (Guid?)null, AttributionDecision.CouponCode), (result.PartnerId, result.ClickId, result.Reason));
    }

    [Fact]
    public void CouponCode_KeepsTheCodePartnersOwnClick()
    {
        var own = Click(PartnerA, 2);
        var other = Click(PartnerB, 1);

        var result = AttributionDecision.Decide(Terms(), PartnerA, null, [own, other], OrderedAt);

        Assert.Equal((PartnerA, own.Id), (result.PartnerId, result.ClickId));
    }

    [Fact]
    public void CouponCode_WithoutPrecedence_LosesToAClickButStillCreditsWithoutOne()
    {
        var click = Click(PartnerB, 1);

        Assert.Equal(PartnerB, AttributionDecision.Decide(Terms(couponPrecedence: false), PartnerA, null, [click], OrderedAt).PartnerId);
        Assert.Equal(PartnerA, AttributionDecision.Decide(Terms(couponPrecedence: false), PartnerA, null, [], OrderedAt).PartnerId);
    }

    [Fact]
    public void CustomerCredit_BeatsANewClick_WhenTheCustomerCarriesTheCredit()
    {
        var click = Click(PartnerB, 1);

        var carried = AttributionDecision.Decide(Terms(), null, PartnerC, [click], OrderedAt);
        var notCarried = AttributionDecision.Decide(Terms(customerCredit: false), null, PartnerC, [click], OrderedAt);

        Assert.Equal((PartnerC, AttributionDecision.CustomerCredit), (carried.PartnerId, carried.Reason));
        Assert.Equal(PartnerB, notCarried.PartnerId);
    }

    [Fact]
    public void CouponCode_BeatsCustomerCredit()
    {
        var result = AttributionDecision.Decide(Terms(), PartnerA, PartnerC, [], OrderedAt);

        Assert.Equal(PartnerA, result.PartnerId);
    }

    [Fact]
    public void NoCandidates_ExplainWhy()
    {
        Assert.Equal(AttributionDecision.NoClick, AttributionDecision.Decide(Terms(), null, null, [], OrderedAt).Reason);
        Assert.Equal(AttributionDecision.OutsideWindow, AttributionDecision.Decide(Terms(), null, null, [Click(PartnerA, 31)], OrderedAt).Reason);
        Assert.Equal(AttributionDecision.ClickAfterOrder, AttributionDecision.Decide(Terms(), null, null, [Click(PartnerA, -1)], OrderedAt).Reason);
    }

    [Fact]
    public void WindowBoundary_ExactlyTheWindowStillCredits()
    {
        var result = AttributionDecision.Decide(Terms(windowDays: 30), null, null, [Click(PartnerA, 30)], OrderedAt);

        Assert.Equal(PartnerA, result.PartnerId);
    }
}
