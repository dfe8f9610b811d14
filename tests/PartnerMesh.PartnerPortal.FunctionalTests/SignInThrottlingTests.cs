using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerMesh.PartnerPortal.Api.Portal;
using PartnerMesh.PartnerPortal.Api.SignInSecurity;
using PartnerMesh.ServiceDefaults.Security;
using PartnerMesh.ServiceDefaults.WebApi;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.PartnerPortal.FunctionalTests;

/// <summary>
/// Wrong passwords slow down the address that sends them, exponentially, and never lock the partner out of its own
/// address. The portal's clock is the test's (<see cref="FakeClockPortalApiFactory"/>).
/// </summary>
public sealed partial class SignInThrottlingTests(FakeClockPortalApiFactory factory) : IClassFixture<FakeClockPortalApiFactory>
{
    private const string UsualAddress = "198.51.100.10";
    private const string AttackerAddress = "203.0.113.66";
    private static readonly SignInThrottleOptions Defaults = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignIn_AfterAnAttackerAddressIsThrottled_StillWorksAtOnceFromThePartnersUsualAddress()
    {
        var (accountId, email) = await NewAccountAsync();
        await PortalBrowser.At(factory, UsualAddress).SignInSuccessfullyAsync(email, AdminApi.StrongPassword);
        var attacker = PortalBrowser.At(factory, AttackerAddress);
        for (var attempt = 0; attempt < 12; attempt++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.SignInAsync(email, $"guess {attempt}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.SignInAsync(email, AdminApi.StrongPassword)).StatusCode);
        await PortalBrowser.At(factory, UsualAddress).SignInSuccessfullyAsync(email, AdminApi.StrongPassword);

        var attackerRow = await ThrottleAsync(accountId, AttackerAddress);
        Assert.Equal(Defaults.FreeFailuresPerSource, attackerRow.Failures);
        Assert.True(attackerRow.BlockedUntil > factory.Clock.GetUtcNow());
    }

    [Fact]
    public async Task SignIn_UnderGuessingFromManyAddresses_WorksFromTheUsualAddressAndOnlySlowsANewOne()
    {
        var (accountId, email) = await NewAccountAsync();
        await PortalBrowser.At(factory, UsualAddress).SignInSuccessfullyAsync(email, AdminApi.StrongPassword);

        // Below every source's own budget, but past the account's ceiling for unknown sources.
        var perAddress = Defaults.FreeFailuresPerSource - 1;
        for (var address = 1; address <= Defaults.FreeFailuresPerAccount / perAddress + 3; address++)
        {
            var attacker = PortalBrowser.At(factory, $"203.0.113.{address}");
            for (var attempt = 0; attempt < perAddress; attempt++)
            {
                await attacker.SignInAsync(email, $"guess {address}.{attempt}");
            }
        }

        var ceiling = await ThrottleAsync(accountId, SignInThrottle.AccountWide);
        Assert.Equal(Defaults.FreeFailuresPerAccount, ceiling.Failures);
        Assert.InRange(ceiling.BlockedUntil!.Value - factory.Clock.GetUtcNow(), TimeSpan.FromTicks(1), Defaults.MaxAccountBackOff);

        var newAddress = PortalBrowser.At(factory, "192.0.2.44");
        Assert.Equal(HttpStatusCode.Unauthorized, (await newAddress.SignInAsync(email, AdminApi.StrongPassword)).StatusCode);
        await PortalBrowser.At(factory, UsualAddress).SignInSuccessfullyAsync(email, AdminApi.StrongPassword);

        // Slowed, not locked: after the account's (capped) wait a new address gets through.
        factory.Clock.Advance(Defaults.MaxAccountBackOff);
        await newAddress.SignInSuccessfullyAsync(email, AdminApi.StrongPassword);
    }

    [Fact]
    public async Task BackOff_DoublesWithEachFailure_RefusesEvenTheRightPasswordMeanwhile_AndResetsAfterASuccess()
    {
        var (accountId, email) = await NewAccountAsync();
        var browser = PortalBrowser.At(factory, AttackerAddress);
        for (var attempt = 1; attempt < Defaults.FreeFailuresPerSource; attempt++)
        {
            await browser.SignInAsync(email, "wrong password");
            Assert.Null((await ThrottleAsync(accountId, AttackerAddress)).BlockedUntil);
        }

        foreach (var seconds in new[] { 1, 2, 4, 8, 16 })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(email, "wrong password")).StatusCode);
            var row = await ThrottleAsync(accountId, AttackerAddress);
            Assert.Equal(TimeSpan.FromSeconds(seconds), row.BlockedUntil - factory.Clock.GetUtcNow());

            factory.Clock.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(email, AdminApi.StrongPassword)).StatusCode);
            Assert.Equal(row.Failures, (await ThrottleAsync(accountId, AttackerAddress)).Failures);
            factory.Clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        await browser.SignInSuccessfullyAsync(email, AdminApi.StrongPassword);
        var reset = await ThrottleAsync(accountId, AttackerAddress);
        Assert.Equal((0, null), (reset.Failures, reset.BlockedUntil));

        // The count starts again: the next wrong password is a free one.
        await PortalBrowser.At(factory, AttackerAddress).SignInAsync(email, "wrong password");
        Assert.Equal((1, null), ((await ThrottleAsync(accountId, AttackerAddress)).Failures, (await ThrottleAsync(accountId, AttackerAddress)).BlockedUntil));
    }

    [Fact]
    public async Task BackOff_IsCappedAndShorterForAnAddressTheAccountSignedInFrom()
    {
        var (accountId, email) = await NewAccountAsync();
        await PortalBrowser.At(factory, UsualAddress).SignInSuccessfullyAsync(email, AdminApi.StrongPassword);
        var known = PortalBrowser.At(factory, UsualAddress);
        for (var attempt = 0; attempt < Defaults.FreeFailuresPerSource + 10; attempt++)
        {
            await known.SignInAsync(email, "wrong password");
            factory.Clock.Advance(Defaults.MaxBackOffForKnownSource);
        }

        await known.SignInAsync(email, "wrong password");
        Assert.Equal(Defaults.MaxBackOffForKnownSource, (await ThrottleAsync(accountId, UsualAddress)).BlockedUntil - factory.Clock.GetUtcNow());
    }

    [Fact]
    public async Task ParallelWrongGuesses_CannotSlipPastTheCount()
    {
        var (accountId, email) = await NewAccountAsync();
        var browsers = Enumerable.Range(0, 16).Select(_ => PortalBrowser.At(factory, AttackerAddress)).ToList();
        var tokens = await Task.WhenAll(browsers.Select(async browser => PortalBrowser.FormToken(await browser.GetPageAsync("/portal/login"))));

        var answers = await Task.WhenAll(browsers.Select((browser, i) => browser.PostFormAsync(
            "/portal/login", new() { ["email"] = email, ["password"] = $"parallel guess {i}", [PortalBrowser.TokenField] = tokens[i] })));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode));
        var row = await ThrottleAsync(accountId, AttackerAddress);
        Assert.Equal(Defaults.FreeFailuresPerSource, row.Failures);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browsers[0].SignInAsync(email, AdminApi.StrongPassword)).StatusCode);
    }

    [Fact]
    public async Task FailureAnswer_IsTheSameForAnUnknownEmailAWrongPasswordAndAThrottledAttempt()
    {
        var (_, email) = await NewAccountAsync();
        var browser = PortalBrowser.At(factory, AttackerAddress);
        for (var attempt = 0; attempt < Defaults.FreeFailuresPerSource; attempt++)
        {
            await browser.SignInAsync(email, "wrong password");
        }

        var unknownEmail = AdminApi.NewEmail();
        var answers = new[]
        {
            await Answer(PortalBrowser.At(factory, "192.0.2.1"), unknownEmail, AdminApi.StrongPassword, email),
            await Answer(PortalBrowser.At(factory, "192.0.2.2"), email, "wrong password"),
            await Answer(browser, email, AdminApi.StrongPassword),
        };

        Assert.All(answers, answer => Assert.Equal(answers[1], answer));
        Assert.Contains(PortalPages.SignInFailedMessage, answers[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WithAForgedForwardedForFromAPeerOtherThanTheGateway_IsThrottledAtTheRealPeer()
    {
        var (accountId, email) = await NewAccountAsync();
        await PortalBrowser.At(factory, UsualAddress).SignInSuccessfullyAsync(email, AdminApi.StrongPassword);
        var direct = new PortalBrowser(factory.CreateClientFrom(IPAddress.Parse("192.0.2.99")));
        direct.Http.DefaultRequestHeaders.Add("X-Forwarded-For", UsualAddress);

        for (var attempt = 0; attempt < Defaults.FreeFailuresPerSource + 2; attempt++)
        {
            await direct.SignInAsync(email, "wrong password");
        }

        Assert.Equal(Defaults.FreeFailuresPerSource, (await ThrottleAsync(accountId, "192.0.2.99")).Failures);
        Assert.Equal(0, (await ThrottleAsync(accountId, UsualAddress)).Failures);
        await PortalBrowser.At(factory, UsualAddress).SignInSuccessfullyAsync(email, AdminApi.StrongPassword);
    }

    [Fact]
    public async Task Audit_RecordsBackOffThrottledOncePerWaitAndSignInAfterBackOff_ForAdminsOnly()
    {
        var (accountId, email) = await NewAccountAsync();
        var browser = PortalBrowser.At(factory, AttackerAddress);
        for (var attempt = 0; attempt < Defaults.FreeFailuresPerSource; attempt++)
        {
            await browser.SignInAsync(email, "wrong password");
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            await browser.SignInAsync(email, AdminApi.StrongPassword);
        }

        factory.Clock.Advance(Defaults.FirstBackOff);
        await browser.SignInSuccessfullyAsync(email, AdminApi.StrongPassword);

        var admin = factory.CreateClientWithScopes(PartnerMeshScopes.Admin);
        var page = await (await admin.GetAsync($"/api/portal/security/audit?accountId={accountId}", Ct)).ShouldBeAsync<SignInAuditPage>(HttpStatusCode.OK);
        Assert.Equal(
            [SignInAuditKinds.SignedInAfterBackOff, SignInAuditKinds.Throttled, SignInAuditKinds.BackOffStarted],
            page.Items.Select(item => item.Kind));
        Assert.All(page.Items, item => Assert.Equal((SignInAuditScopes.Source, AttackerAddress, false), (item.Scope, item.Source, item.KnownSource)));
        var backOff = page.Items[2];
        Assert.Equal(Defaults.FreeFailuresPerSource, backOff.Failures);
        Assert.Equal(backOff.OccurredAt + Defaults.FirstBackOff, backOff.BlockedUntil);
        Assert.Null(page.NextCursor);

        // Cursor paging, newest first.
        var first = await (await admin.GetAsync($"/api/portal/security/audit?accountId={accountId}&limit=2", Ct)).ShouldBeAsync<SignInAuditPage>(HttpStatusCode.OK);
        var second = await (await admin.GetAsync($"/api/portal/security/audit?accountId={accountId}&limit=2&after={first.NextCursor}", Ct))
            .ShouldBeAsync<SignInAuditPage>(HttpStatusCode.OK);
        Assert.Equal(page.Items.Select(item => item.Id), first.Items.Concat(second.Items).Select(item => item.Id));
        Assert.Null(second.NextCursor);
        await CursorPaging.AssertForgeriesRefusedAsync(admin, $"/api/portal/security/audit?accountId={accountId}", first.NextCursor!,
            Paging.EncodeCursor("portal.accounts", Guid.CreateVersion7()), cancellationToken: Ct);
        await (await admin.GetAsync($"/api/portal/security/audit?accountId={accountId}&after={page.Items[0].Id}", Ct)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var throttled = await (await admin.GetAsync($"/api/portal/security/audit?accountId={accountId}&kind=throttled", Ct))
            .ShouldBeAsync<SignInAuditPage>(HttpStatusCode.OK);
        Assert.Equal(SignInAuditKinds.Throttled, Assert.Single(throttled.Items).Kind);

        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateAnonymousClient().GetAsync("/api/portal/security/audit", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.CreatePartnerClient(Guid.NewGuid()).GetAsync("/api/portal/security/audit", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await factory.CreateClientWithScopes(PartnerMeshScopes.Storefront).GetAsync("/api/portal/security/audit", Ct)).StatusCode);
    }

    [Fact]
    public async Task Cleanup_DeletesThrottleRowsThatNoLongerMatterAndAuditPastRetention_KeepsTheRest()
    {
        var (accountId, email) = await NewAccountAsync();
        await PortalBrowser.At(factory, UsualAddress).SignInSuccessfullyAsync(email, AdminApi.StrongPassword);
        var attacker = PortalBrowser.At(factory, AttackerAddress);
        for (var attempt = 0; attempt < Defaults.FreeFailuresPerSource; attempt++)
        {
            await attacker.SignInAsync(email, "wrong password");
        }

        var cleanup = factory.Services.GetRequiredService<SignInSecurityCleanup>();
        factory.Clock.Advance(Defaults.ForgetFailuresAfter + TimeSpan.FromSeconds(1));
        await cleanup.PurgeAsync(Ct);
        Assert.Equal([UsualAddress], await SourcesAsync(accountId));

        factory.Clock.Advance(Defaults.KnownSourceFor);
        await cleanup.PurgeAsync(Ct);
        Assert.Empty(await SourcesAsync(accountId));
        Assert.Single(await factory.QueryDbAsync(db => db.SignInAudit.Where(entry => entry.AccountId == accountId).ToListAsync()));

        factory.Clock.Advance(Defaults.AuditRetention);
        await cleanup.PurgeAsync(Ct);
        Assert.Empty(await factory.QueryDbAsync(db => db.SignInAudit.Where(entry => entry.AccountId == accountId).ToListAsync()));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("kind=locked")]
    [InlineData("limit=abc")]
    [InlineData("accountId=not-a-guid")]
    public async Task Audit_WithBadQuery_Returns400Problem(string query)
    {
        var response = await factory.CreateClientWithScopes(PartnerMeshScopes.Admin).GetAsync($"/api/portal/security/audit?{query}", Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    public void Source_IsTheAddressOrItsIPv6Slash64(string address, string source) =>
        Assert.Equal(source, SignInSource.Of(IPAddress.Parse(address)));

    private async Task<(Guid AccountId, string Email)> NewAccountAsync()
    {
        var partnerId = await factory.RegisterPartnerAsync();
        var email = AdminApi.NewEmail();
        return ((await factory.CreateAccountAsync(partnerId, email)).Id, email);
    }

    private Task<List<string>> SourcesAsync(Guid accountId) =>
        factory.QueryDbAsync(db => db.SignInThrottles.Where(row => row.AccountId == accountId).Select(row => row.Source).ToListAsync());

    private Task<SignInThrottle> ThrottleAsync(Guid accountId, string source) =>
        factory.QueryDbAsync(db => db.SignInThrottles.AsNoTracking().SingleAsync(row => row.AccountId == accountId && row.Source == source));

    /// <summary>What the browser sees, the per-request antiforgery token aside (the email is shown back as typed).</summary>
    private static async Task<FailureAnswer> Answer(PortalBrowser browser, string email, string password, string? shownAs = null)
    {
        var response = await browser.SignInAsync(email, password);
        var body = AntiforgeryValue().Replace(await response.Content.ReadAsStringAsync(Ct), "value=\"…\"");
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? string.Join(";", values.Select(v => v.Split('=')[0])) : "";
        return new FailureAnswer(
            response.StatusCode, response.Content.Headers.ContentType?.ToString(), cookies,
            shownAs is null ? body : body.Replace(email, shownAs, StringComparison.Ordinal));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"[^\"]+\"")]
    private static partial Regex AntiforgeryValue();

    private sealed record FailureAnswer(HttpStatusCode Status, string? ContentType, string Cookies, string Body);
}
