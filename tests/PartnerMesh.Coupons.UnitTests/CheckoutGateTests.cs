using PartnerMesh.Coupons.Api.Checkout;
using Xunit;

namespace PartnerMesh.Coupons.UnitTests;

/// <summary>The gate in front of the checkout's database work: slots, a queue in arrival order, a bound on the queue.</summary>
public sealed class CheckoutGateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Enter_NoSlotFree_WaitsInArrivalOrderUntilOneIsGivenBack()
    {
        using var gate = new CheckoutGate(slots: 1, queueLimit: 10);
        var first = await gate.EnterAsync(Ct);

        var second = gate.EnterAsync(Ct).AsTask();
        var third = gate.EnterAsync(Ct).AsTask();
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second).Dispose();
        (await third).Dispose();
    }

    [Fact]
    public async Task Leave_Twice_GivesTheSlotBackOnce()
    {
        using var gate = new CheckoutGate(slots: 1, queueLimit: 10);
        var slot = await gate.EnterAsync(Ct);
        slot.Dispose();
        var next = await gate.EnterAsync(Ct);

        slot.Dispose();

        var third = gate.EnterAsync(Ct).AsTask();
        Assert.False(third.IsCompleted);
        next.Dispose();
        (await third).Dispose();
    }

    [Fact]
    public async Task Enter_QueueFull_Throws()
    {
        using var gate = new CheckoutGate(slots: 1, queueLimit: 1);
        var held = await gate.EnterAsync(Ct);
        var queued = gate.EnterAsync(Ct).AsTask();

        await Assert.ThrowsAsync<CheckoutGateFullException>(() => gate.EnterAsync(Ct).AsTask());
        held.Dispose();
        (await queued).Dispose();
    }

    [Theory]
    [InlineData("Host=db;Database=couponsdb", null, 50)]
    [InlineData("Host=db;Database=couponsdb;Maximum Pool Size=20", null, 10)]
    [InlineData("Host=db;Database=couponsdb;Maximum Pool Size=20", 4, 4)]
    public void SlotsFor_HalfThePoolUnlessConfigured(string connectionString, int? configured, int expected) =>
        Assert.Equal(expected, CheckoutGate.SlotsFor(connectionString, configured));
}
