using PartnerMesh.Coupons.Api.Campaigns;
using PartnerMesh.Coupons.Api.Checkout;
using PartnerMesh.Coupons.Api.Codes;
using Xunit;

namespace PartnerMesh.Coupons.UnitTests;

/// <summary>A queued use is either taken by the lane's worker or cancelled by its caller, never both.</summary>
public sealed class PendingUseTests
{
    [Fact]
    public void CancelledWhileQueued_CannotBeClaimed_AndItsCallerSeesTheCancellation()
    {
        var pending = new PendingUse(Request());

        pending.TryCancel();

        Assert.False(pending.TryClaim());
        Assert.True(pending.Completion.Task.IsCanceled);
    }

    [Fact]
    public void Claimed_IgnoresALaterCancellation()
    {
        var pending = new PendingUse(Request());

        Assert.True(pending.TryClaim());
        pending.TryCancel();

        Assert.False(pending.Completion.Task.IsCompleted);
        Assert.False(pending.TryClaim());
    }

    private static RedeemUse Request()
    {
        var now = DateTimeOffset.UnixEpoch;
        var campaign = new Campaign { Id = Guid.NewGuid(), Name = "c", PromotionId = Guid.NewGuid(), CreatedAt = now, CreatedBy = "test" };
        var code = new CouponCode { Id = Guid.NewGuid(), CampaignId = campaign.Id, Code = "CODE", Source = CodeSources.Manual, CreatedAt = now };
        return new RedeemUse(code, campaign, CounterClaim.For(campaign, code, null, null), now, "order", CustomerIdentity.None, null, null, 10m, "EUR", null, null);
    }
}
