using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Contracts.Attribution;
using PartnerMesh.Outbox;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.ServiceSkeleton.Testing;

/// <summary>
/// What every service built on the skeleton must do, through its real HTTP pipeline, database and broker: report health,
/// admit only admins, keep a replica of registered partners through the inbox, and report its outbox.
/// A service's functional tests derive from this with its factory and route prefix (<c>/api/{service}</c>).
/// </summary>
public abstract class ServiceSkeletonTests<TProgram, TDbContext>(
    ServiceFactory<TProgram, TDbContext> factory, string routePrefix, string serviceName)
    where TProgram : class
    where TDbContext : DbContext
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Admin => factory.CreateClientWithScopes(PartnerMeshScopes.Admin);

    [Fact]
    public async Task Health_WithDatabaseUp_Returns200()
    {
        using var client = factory.CreateAnonymousClient();
        // The bus connects in the background; /health turns healthy once it has.
        await Eventually.UntilAsync(async () => (await client.GetAsync("/health", Ct)).StatusCode == HttpStatusCode.OK);
    }

    [Fact]
    public async Task OpenApi_WithoutToken_Returns200()
    {
        using var client = factory.CreateAnonymousClient();
        var response = await client.GetAsync("/openapi/v1.json", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"{routePrefix}/partners", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("partners")]
    [InlineData("partners/5d7b4f0e-7a38-4b68-9d0e-2f4b3c1a9e10")]
    [InlineData("status")]
    public async Task Endpoint_WithoutToken_Returns401(string path)
    {
        using var client = factory.CreateAnonymousClient();
        await (await client.GetAsync($"{routePrefix}/{path}", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("partners")]
    [InlineData("partners/5d7b4f0e-7a38-4b68-9d0e-2f4b3c1a9e10")]
    [InlineData("status")]
    public async Task Endpoint_WithStorefrontScope_Returns403(string path)
    {
        using var client = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
        await (await client.GetAsync($"{routePrefix}/{path}", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ListPartners_AsPartner_Returns403()
    {
        using var client = factory.CreatePartnerClient(Guid.NewGuid());
        await (await client.GetAsync($"{routePrefix}/partners", Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    /// <summary>
    /// Every way to present an admin token without holding the gateway's key: signed by a key nobody trusts, expired,
    /// meant for another service, unsigned, signed by the portal (which may grant only <c>partner</c>), or not a JWT.
    /// </summary>
    [Theory]
    [InlineData("unknown-key")]
    [InlineData("expired")]
    [InlineData("other-audience")]
    [InlineData("alg-none")]
    [InlineData("portal-minted-admin")]
    [InlineData("garbage")]
    public async Task AdminToken_NotVouchedForByTheGateway_Returns401(string kind)
    {
        var token = kind switch
        {
            "unknown-key" => factory.Tokens.SignedWithUnknownKey(PartnerMeshScopes.Admin),
            "expired" => factory.Tokens.Expired(PartnerMeshScopes.Admin),
            "other-audience" => factory.Tokens.ForAudience(serviceName == ResourceNames.CouponsApi ? ResourceNames.SurveysApi : ResourceNames.CouponsApi, PartnerMeshScopes.Admin),
            "alg-none" => factory.Tokens.WithoutSignature(PartnerMeshScopes.Admin),
            "portal-minted-admin" => factory.Tokens.FromIssuer(ServiceTokenIssuers.PartnerPortal, PartnerMeshScopes.Admin),
            _ => "not.a.token",
        };
        using var client = factory.CreateClientWithToken(token);
        await (await client.GetAsync($"{routePrefix}/partners", Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PartnerRegistered_WhenPublished_PartnerIsListed()
    {
        var registered = NewPartnerRegistered();
        await factory.PublishAsync(registered);

        using var admin = Admin;
        var partner = await WaitForPartnerAsync(admin, registered.PartnerId);
        Assert.Equal(new PartnerView(registered.PartnerId, registered.Name, registered.Kind, registered.OccurredAt), partner);
    }

    [Fact]
    public async Task PartnerRegistered_WhenRedelivered_IsStoredOnce()
    {
        using var duplicates = new InboxDuplicates(factory.Services);
        var registered = NewPartnerRegistered();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => factory.PublishAsync(registered)));
        using var admin = Admin;
        await WaitForPartnerAsync(admin, registered.PartnerId);

        await factory.PublishAsync(registered with { Name = "Renamed by a redelivery" });
        // Four deliveries of one event id: the first is applied, the inbox counts the other three as duplicates.
        await duplicates.WaitForAsync(3);

        Assert.Equal(1, await factory.QueryDbAsync(db => db.Set<InboxMessage>().CountAsync(m => m.MessageId == registered.EventId, Ct)));
        Assert.Equal(1, await PartnerRowCountAsync(registered.PartnerId));
        Assert.Equal(registered.Name, (await GetPartnerAsync(admin, registered.PartnerId))!.Name);
    }

    [Fact]
    public async Task PartnerRegistered_AgainUnderNewEventId_UpdatesTheCopyInPlace()
    {
        var first = NewPartnerRegistered();
        await factory.PublishAsync(first);
        using var admin = Admin;
        await WaitForPartnerAsync(admin, first.PartnerId);

        var again = first with { EventId = Guid.CreateVersion7(), Name = "Corrected name", OccurredAt = first.OccurredAt.AddMinutes(5) };
        await factory.PublishAsync(again);
        await Eventually.UntilAsync(async () =>
            await factory.QueryDbAsync(db => db.Set<InboxMessage>().AnyAsync(m => m.MessageId == again.EventId, Ct)));

        Assert.Equal(1, await PartnerRowCountAsync(first.PartnerId));
        var partner = await GetPartnerAsync(admin, first.PartnerId);
        Assert.Equal("Corrected name", partner!.Name);
        Assert.Equal(first.OccurredAt, partner.RegisteredAt);
    }

    [Fact]
    public async Task GetPartner_WhenUnknown_Returns404Problem()
    {
        using var admin = Admin;
        await (await admin.GetAsync($"{routePrefix}/partners/{Guid.NewGuid()}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("partners/not-a-guid")]
    [InlineData("no-such-route")]
    public async Task UnknownRoute_AsAdmin_Returns404Problem(string path)
    {
        using var admin = Admin;
        await (await admin.GetAsync($"{routePrefix}/{path}", Ct)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=-1")]
    [InlineData("limit=201")]
    [InlineData("limit=abc")]
    [InlineData("limit=99999999999")]
    [InlineData("after=not-a-guid")]
    public async Task ListPartners_WithBadPaging_Returns400Problem(string query)
    {
        using var admin = Admin;
        await (await admin.GetAsync($"{routePrefix}/partners?{query}", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ListPartners_FollowingNext_ReturnsEveryPartnerOnce()
    {
        var registrations = Enumerable.Range(0, 3).Select(_ => NewPartnerRegistered()).ToList();
        foreach (var registered in registrations)
        {
            await factory.PublishAsync(registered);
        }

        using var admin = Admin;
        foreach (var registered in registrations)
        {
            await WaitForPartnerAsync(admin, registered.PartnerId);
        }

        var seen = new List<PartnerView>();
        string? after = null;
        do
        {
            var page = await (await admin.GetAsync($"{routePrefix}/partners?limit=2{(after is null ? "" : "&after=" + after)}", Ct))
                .ShouldBeAsync<PageView>(HttpStatusCode.OK);
            Assert.InRange(page.Items.Count, 0, 2);
            seen.AddRange(page.Items);
            after = page.NextCursor;
        }
        while (after is not null);

        Assert.Equal(seen.Count, seen.Select(p => p.Id).Distinct().Count());
        Assert.All(registrations, registered => Assert.Contains(seen, p => p.Id == registered.PartnerId));
        Assert.Equal(seen.OrderBy(p => p.Id.ToString(), StringComparer.Ordinal).Select(p => p.Id), seen.Select(p => p.Id));
    }

    [Fact]
    public async Task ListPartners_WithACursorItDidNotReturn_Returns400NamingAfter()
    {
        var registrations = Enumerable.Range(0, 2).Select(_ => NewPartnerRegistered()).ToList();
        foreach (var registered in registrations)
        {
            await factory.PublishAsync(registered);
        }

        using var admin = Admin;
        foreach (var registered in registrations)
        {
            await WaitForPartnerAsync(admin, registered.PartnerId);
        }

        var own = await CursorPaging.FirstCursorAsync(admin, $"{routePrefix}/partners", Ct);
        await CursorPaging.AssertForgeriesRefusedAsync(
            admin, $"{routePrefix}/partners", own, Paging.EncodeCursor("another.list", registrations[0].PartnerId), cancellationToken: Ct);
    }

    [Fact]
    public async Task Status_AsAdmin_ReportsPartnersAndOutbox()
    {
        var registered = NewPartnerRegistered();
        await factory.PublishAsync(registered);
        using var admin = Admin;
        await WaitForPartnerAsync(admin, registered.PartnerId);

        // Rows the relay leaves alone: one not due for an hour, one parked.
        var now = DateTimeOffset.UtcNow;
        await factory.QueryDbAsync(async db =>
        {
            db.Set<OutboxMessage>().AddRange(
                OutboxRow(occurredAt: now.AddHours(-1), nextAttemptAt: now.AddHours(1), parkedAt: null),
                OutboxRow(occurredAt: now.AddHours(-2), nextAttemptAt: now.AddHours(-2), parkedAt: now));
            return await db.SaveChangesAsync(Ct);
        });

        var status = await (await admin.GetAsync($"{routePrefix}/status", Ct)).ShouldBeAsync<StatusView>(HttpStatusCode.OK);

        Assert.Equal(serviceName, status.Service);
        Assert.Equal(await factory.QueryDbAsync(db => db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM partners").SingleAsync(Ct)),
            status.KnownPartners);
        Assert.Equal(1, status.Outbox.Pending);
        Assert.Equal(1, status.Outbox.Parked);
        Assert.InRange(status.Outbox.OldestPendingAgeSeconds ?? 0, 3600, 3600 + 300);
    }

    [Fact]
    public async Task RedriveParkedOutbox_AsAdmin_RedrivesEveryParkedRowAndTheRelayPublishesIt()
    {
        var parked = await AddParkedEventAsync();
        var parkedBefore = await ParkedCountAsync();

        using var admin = Admin;
        var result = await (await admin.PostAsync($"{routePrefix}/outbox/parked/redrive", null, Ct)).ShouldBeAsync<RedriveView>(HttpStatusCode.OK);

        Assert.Equal(parkedBefore, result.Redriven);
        Assert.Equal(0, await ParkedCountAsync());
        await WaitForPublishedAsync(parked.EventId);
    }

    [Fact]
    public async Task RedriveParkedOutbox_WithoutAdminScope_IsRefused()
    {
        using var anonymous = factory.CreateAnonymousClient();
        using var storefront = factory.CreateClientWithScopes(PartnerMeshScopes.Storefront);
        var path = $"{routePrefix}/outbox/parked/redrive";

        await (await anonymous.PostAsync(path, null, Ct)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await storefront.PostAsync(path, null, Ct)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task RedriveParkedOutboxCommand_PrintsTheCountAndTheRunningRelayPublishes()
    {
        var parked = await AddParkedEventAsync();
        var parkedBefore = await ParkedCountAsync();

        // The built service, started the way the AppHost runs its one-shot steps, beside the running instance.
        var result = await HostCommandRunner.RunAsync(typeof(TProgram).Assembly, factory.EnvironmentVariables, HostCommands.RedriveParkedOutbox);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal([$"{HostCommands.RedrivenLinePrefix}{parkedBefore}"], result.Lines);
        await WaitForPublishedAsync(parked.EventId);
    }

    /// <summary>Commits a valid event as a row the relay has given up on, as if its publishes had kept failing.</summary>
    private async Task<PartnerRegistered> AddParkedEventAsync()
    {
        var evt = NewPartnerRegistered();
        await factory.QueryDbAsync(async db =>
        {
            db.AddIntegrationEvent(evt);
            var row = db.Set<OutboxMessage>().Local.Single(message => message.Id == evt.EventId);
            row.ParkedAt = DateTimeOffset.UtcNow;
            row.Attempts = 10;
            row.LastError = "broker unreachable";
            return await db.SaveChangesAsync(Ct);
        });
        return evt;
    }

    private Task<int> ParkedCountAsync() =>
        factory.QueryDbAsync(db => db.Set<OutboxMessage>().CountAsync(message => message.ParkedAt != null && message.PublishedAt == null, Ct));

    private Task WaitForPublishedAsync(Guid messageId) =>
        Eventually.UntilAsync(
            async () => await factory.QueryDbAsync(db => db.Set<OutboxMessage>().AnyAsync(message => message.Id == messageId && message.PublishedAt != null, Ct)),
            because: "the relay should publish the re-driven message");

    private static PartnerRegistered NewPartnerRegistered() => TestEvents.PartnerRegistered(
        name: $"Partner {Guid.NewGuid():N}"[..16],
        // Whole milliseconds survive PostgreSQL's microsecond timestamps unchanged.
        occurredAt: DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddMinutes(-Random.Shared.Next(0, 1000)).ToUnixTimeMilliseconds()));

    private static OutboxMessage OutboxRow(DateTimeOffset occurredAt, DateTimeOffset nextAttemptAt, DateTimeOffset? parkedAt) => new()
    {
        Id = Guid.CreateVersion7(),
        MessageUrn = "urn:message:partnermesh:attribution:partner-registered:v1",
        Payload = "{}",
        OccurredAt = occurredAt,
        NextAttemptAt = nextAttemptAt,
        ParkedAt = parkedAt,
        Attempts = parkedAt is null ? 0 : 10,
    };

    private async Task<PartnerView?> GetPartnerAsync(HttpClient admin, Guid partnerId)
    {
        var response = await admin.GetAsync($"{routePrefix}/partners/{partnerId}", Ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.ShouldBeAsync<PartnerView>(HttpStatusCode.OK);
    }

    private Task<PartnerView> WaitForPartnerAsync(HttpClient admin, Guid partnerId) =>
        Eventually.GetAsync(() => GetPartnerAsync(admin, partnerId), because: $"partner {partnerId} should be registered");

    private Task<int> PartnerRowCountAsync(Guid partnerId) =>
        factory.QueryDbAsync(db => db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM partners WHERE id = {partnerId}").SingleAsync(Ct));

    private sealed record PartnerView(Guid Id, string Name, string Kind, DateTimeOffset RegisteredAt);

    private sealed record PageView(IReadOnlyList<PartnerView> Items, string? NextCursor);

    private sealed record StatusView(string Service, int KnownPartners, OutboxView Outbox);

    private sealed record OutboxView(int Pending, int Parked, double? OldestPendingAgeSeconds);

    private sealed record RedriveView(int Redriven);
}
