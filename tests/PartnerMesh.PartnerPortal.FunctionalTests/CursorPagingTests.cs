using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Every cursor list pages with the cursors it returns and refuses any other (<see cref="CursorPaging"/>), the portal's
/// own <c>/portal/api/webhooks</c> included (the lists it passes on to attribution are checked there).
/// </summary>
public sealed class CursorPagingTests(PortalApiFactory factory) : IClassFixture<PortalApiFactory>, IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly HttpClient _admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
    private WebhookReceiver _receiver = null!;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    [Theory]
    [InlineData("webhooks", "deliveries")]
    [InlineData("deliveries", "webhooks")]
    [InlineData("accounts", "webhooks")]
    [InlineData("portal-webhooks", "accounts")]
    public async Task List_WalksEveryItemOnce_AndRefusesAnotherListsTamperedAndMadeUpCursors(string list, string other)
    {
        var partner = await factory.SignInNewPartnerAsync();
        using var api = factory.CreatePartnerClient(partner.PartnerId);
        var subscriptions = new List<Guid>();
        for (var index = 0; index < 3; index++)
        {
            subscriptions.Add((await (await api.PostAsJsonAsync("/api/portal/webhooks", new JsonObject
            {
                ["url"] = _receiver.Url.ToString(), ["eventTypes"] = new JsonArray("attribution.conversion-attributed"),
            }, Ct)).ShouldBeAsync<JsonObject>(HttpStatusCode.Created))["webhook"]!["id"]!.GetValue<Guid>());
        }

        for (var index = 0; index < 2; index++)
        {
            await factory.CreateAccountAsync(partner.PartnerId, AdminApi.NewEmail());
            await factory.PublishAsync(WebhookTests.Conversion(partner.PartnerId));
        }

        await factory.PublishAsync(WebhookTests.Conversion(partner.PartnerId));
        var deliveries = $"/api/portal/webhooks/{subscriptions[0]}/deliveries";
        await Eventually.GetAsync(async () =>
            (await api.GetFromJsonAsync<JsonObject>(deliveries, Ct))!["items"]!.AsArray().Count == 3 ? "delivered" : null);

        (HttpClient Client, string Path) Of(string name) => name switch
        {
            "webhooks" => (api, "/api/portal/webhooks"),
            "portal-webhooks" => (partner.Browser.Http, "/portal/api/webhooks"),
            "deliveries" => (api, deliveries),
            _ => (_admin, $"/api/portal/accounts?partnerId={partner.PartnerId}"),
        };

        var (client, path) = Of(list);
        var items = await CursorPaging.WalkAsync(client, path, cancellationToken: Ct);
        Assert.Equal(3, items.Count);

        var own = await CursorPaging.FirstCursorAsync(client, path, Ct);
        var foreign = await CursorPaging.FirstCursorAsync(Of(other).Client, Of(other).Path, Ct);
        await CursorPaging.AssertForgeriesRefusedAsync(client, path, own, foreign, cancellationToken: Ct);
    }
}
