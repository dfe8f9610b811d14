using System.Net;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Coupons.FunctionalTests;

/// <summary>Every cursor list pages with the cursors it returns and refuses any other (<see cref="CursorPaging"/>).</summary>
public sealed class CursorPagingTests(CouponsApiFactory factory) : IClassFixture<CouponsApiFactory>
{
    private readonly HttpClient _admin = factory.Admin();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("campaigns", "partners")]
    [InlineData("partners", "campaigns")]
    public async Task List_WalksEveryItemOnce_AndRefusesAnotherListsTamperedAndMadeUpCursors(string list, string other)
    {
        var partners = Enumerable.Range(0, 3).Select(_ => TestEvents.PartnerRegistered(name: $"Partner {Guid.NewGuid():N}"[..16])).ToList();
        foreach (var registered in partners)
        {
            await _admin.CreateCampaignAsync();
            await factory.PublishAsync(registered);
        }

        foreach (var registered in partners)
        {
            await Eventually.GetAsync(async () =>
                (await _admin.GetAsync($"/api/coupons/partners/{registered.PartnerId}", Ct)).StatusCode == HttpStatusCode.OK ? "registered" : null);
        }

        var items = await CursorPaging.WalkAsync(_admin, $"/api/coupons/{list}", cancellationToken: Ct);
        Assert.True(items.Count >= 3, $"{items.Count} items");

        var own = await CursorPaging.FirstCursorAsync(_admin, $"/api/coupons/{list}", Ct);
        var foreign = await CursorPaging.FirstCursorAsync(_admin, $"/api/coupons/{other}", Ct);
        await CursorPaging.AssertForgeriesRefusedAsync(_admin, $"/api/coupons/{list}", own, foreign, cancellationToken: Ct);
    }
}
