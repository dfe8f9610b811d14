using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Attribution.FunctionalTests;

/// <summary>Every cursor list pages with the cursors it returns and refuses any other (<see cref="CursorPaging"/>).</summary>
public class CursorPagingTests(AttributionApiFactory factory) : IClassFixture<AttributionApiFactory>
{
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("partners", "programs", "id")]
    [InlineData("programs", "partners", "id")]
    [InlineData("links", "programs", "id")]
    [InlineData("me/links", "me/codes", "id")]
    [InlineData("me/codes", "me/links", "code")]
    public async Task List_WalksEveryItemOnce_AndRefusesAnotherListsTamperedAndMadeUpCursors(string list, string other, string id)
    {
        var partnerId = (await _admin.CreatePartnerAsync()).Id;
        for (var i = 0; i < 3; i++)
        {
            await _admin.CreatePartnerAsync();
            await _admin.CreateProgramAsync();
            await _admin.CreateLinkAsync(partnerId);
        }

        using var partner = factory.CreatePartnerClient(partnerId);
        string PathOf(string name) => name == "links" ? $"/api/attribution/partners/{partnerId}/links" : $"/api/attribution/{name}";
        HttpClient ClientOf(string name) => name.StartsWith("me/", StringComparison.Ordinal) ? partner : _admin;

        var items = await CursorPaging.WalkAsync(ClientOf(list), PathOf(list), id: id, cancellationToken: Ct);
        Assert.True(list is "partners" or "programs" ? items.Count >= 3 : items.Count == 3, $"{items.Count} items");

        var own = await CursorPaging.FirstCursorAsync(ClientOf(list), PathOf(list), Ct);
        var foreign = await CursorPaging.FirstCursorAsync(ClientOf(other), PathOf(other), Ct);
        await CursorPaging.AssertForgeriesRefusedAsync(ClientOf(list), PathOf(list), own, foreign, cancellationToken: Ct);
    }
}
