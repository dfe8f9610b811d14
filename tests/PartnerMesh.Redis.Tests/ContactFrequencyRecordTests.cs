using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using PartnerMesh.Redis.ContactFrequency;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Redis.Tests;

/// <summary>The shared contact-frequency record against a real Redis: one contact per cooldown across channels and identities.</summary>
public sealed class ContactFrequencyRecordTests
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromHours(24);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstClaim_IsGranted_SecondThroughAnotherChannel_IsRefusedWithTheFirstContact()
    {
        var (host, record, clock) = await StartAsync();
        using var _ = host;
        var subject = new ContactSubject(VisitorId: Unique("v"));

        var first = await record.TryClaimAsync(subject, "survey");
        clock.Advance(TimeSpan.FromHours(1));
        var second = await record.TryClaimAsync(subject, "coupon-offer");

        Assert.True(first.Granted);
        Assert.Null(first.LastContactAt);
        Assert.False(second.Granted);
        Assert.Equal("survey", second.LastChannel);
        Assert.Equal(clock.GetUtcNow() - TimeSpan.FromHours(1), second.LastContactAt);
        Assert.Equal(second.LastContactAt + Cooldown, second.RetryAfter);
    }

    [Fact]
    public async Task ClaimAfterTheCooldown_IsGranted()
    {
        var (host, record, clock) = await StartAsync();
        using var _ = host;
        var subject = new ContactSubject(VisitorId: Unique("v"));
        Assert.True((await record.TryClaimAsync(subject, "survey")).Granted);

        clock.Advance(Cooldown - TimeSpan.FromSeconds(1));
        Assert.False((await record.TryClaimAsync(subject, "survey")).Granted);
        clock.Advance(TimeSpan.FromSeconds(1));
        var later = await record.TryClaimAsync(subject, "coupon-offer");

        Assert.True(later.Granted);
        Assert.Equal("survey", later.LastChannel);
        Assert.Equal(new LastContact(clock.GetUtcNow(), "coupon-offer"), await record.GetLastContactAsync(subject));
    }

    [Fact]
    public async Task ContactUnderOneIdentity_IsSeenUnderEveryOtherIdentityOfTheSameClaim_AndEmailCasingDoesNotMatter()
    {
        var (host, record, _) = await StartAsync();
        using var _h = host;
        var visitor = Unique("v");
        var email = $"{Unique("ann")}@Example.com";
        Assert.True((await record.TryClaimAsync(new ContactSubject(VisitorId: visitor, Email: email), "survey")).Granted);

        var byEmailOtherCasing = await record.TryClaimAsync(new ContactSubject(Email: "  " + email.ToUpperInvariant() + " "), "coupon-offer");
        var byNewVisitorSameEmail = await record.TryClaimAsync(new ContactSubject(VisitorId: Unique("v"), Email: email), "coupon-offer");
        var unrelated = await record.TryClaimAsync(new ContactSubject(VisitorId: Unique("v")), "coupon-offer");

        Assert.False(byEmailOtherCasing.Granted);
        Assert.False(byNewVisitorSameEmail.Granted);
        Assert.True(unrelated.Granted);
    }

    [Theory]
    [InlineData("jos\u00e9", "jose\u0301")]
    [InlineData("ann", "\uff41\uff4e\uff4e")]
    public async Task EmailInAnotherUnicodeForm_IsTheSameShopper(string claimedAs, string seenAs)
    {
        var (host, record, _) = await StartAsync();
        using var _h = host;
        var domain = $"{Unique("d")}.example";
        Assert.True((await record.TryClaimAsync(new ContactSubject(Email: $"{claimedAs}@{domain}"), "survey")).Granted);

        var otherForm = await record.TryClaimAsync(new ContactSubject(Email: $"{seenAs}@{domain}"), "coupon-offer");

        Assert.False(otherForm.Granted);
    }

    [Fact]
    public async Task RefusedClaim_LinksTheSubjectsOtherIdentities_ToTheLatestContact()
    {
        var (host, record, clock) = await StartAsync();
        using var _h = host;
        var (visitor, customer) = (Unique("v"), Unique("c"));
        Assert.True((await record.TryClaimAsync(new ContactSubject(VisitorId: visitor), "coupon-offer")).Granted);
        clock.Advance(TimeSpan.FromHours(1));

        var refused = await record.TryClaimAsync(new ContactSubject(VisitorId: visitor, CustomerId: customer), "survey");
        var sameCustomerOnAnotherVisitor = await record.TryClaimAsync(new ContactSubject(VisitorId: Unique("v"), CustomerId: customer), "survey");

        Assert.False(refused.Granted);
        Assert.False(sameCustomerOnAnotherVisitor.Granted);
        Assert.Equal(("coupon-offer", clock.GetUtcNow() - TimeSpan.FromHours(1)), (sameCustomerOnAnotherVisitor.LastChannel, sameCustomerOnAnotherVisitor.LastContactAt));
    }

    [Fact]
    public async Task CallerCooldown_OverridesTheGlobalOne()
    {
        var (host, record, clock) = await StartAsync();
        using var _ = host;
        var subject = new ContactSubject(CustomerId: Unique("c"));
        Assert.True((await record.TryClaimAsync(subject, "coupon-offer")).Granted);

        clock.Advance(TimeSpan.FromHours(2));

        Assert.False((await record.TryClaimAsync(subject, "survey")).Granted);
        Assert.True((await record.TryClaimAsync(subject, "survey", TimeSpan.FromHours(1))).Granted);
    }

    [Fact]
    public async Task ClaimWithTheSameContactId_IsGrantedAgain_AnotherContactIsNot()
    {
        var (host, record, clock) = await StartAsync();
        using var _ = host;
        var subject = new ContactSubject(VisitorId: Unique("v"));
        Assert.True((await record.TryClaimAsync(subject, "coupon-offer", contactId: "cart-1")).Granted);
        clock.Advance(TimeSpan.FromMinutes(5));

        var retried = await record.TryClaimAsync(subject, "coupon-offer", contactId: "cart-1");
        var otherCart = await record.TryClaimAsync(subject, "coupon-offer", contactId: "other-cart-1");
        var survey = await record.TryClaimAsync(subject, "survey");

        Assert.True(retried.Granted);
        Assert.False(otherCart.Granted);
        Assert.False(survey.Granted);
        Assert.Equal("coupon-offer", (await record.GetLastContactAsync(subject))!.Channel);
    }

    [Fact]
    public async Task SubjectWithoutIdentity_IsNeverGranted()
    {
        var (host, record, _) = await StartAsync();
        using var _h = host;

        var claim = await record.TryClaimAsync(new ContactSubject(VisitorId: " ", Email: ""), "survey");

        Assert.False(claim.Granted);
        Assert.Null(await record.GetLastContactAsync(new ContactSubject()));
    }

    [Fact]
    public async Task ConcurrentClaims_ForOneShopper_ExactlyOneIsGranted()
    {
        var (host, record, _) = await StartAsync();
        using var _h = host;
        var visitor = Unique("v");
        var email = $"{Unique("guest")}@example.com";

        var claims = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => record.TryClaimAsync(
            i % 2 == 0 ? new ContactSubject(VisitorId: visitor, Email: email) : new ContactSubject(Email: email.ToUpperInvariant()),
            i % 3 == 0 ? "survey" : "coupon-offer"), Ct)));

        Assert.Equal(1, claims.Count(claim => claim.Granted));
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static async Task<(IHost Host, ContactFrequencyRecord Record, FakeTimeProvider Clock)> StartAsync()
    {
        var infrastructure = await TestInfrastructure.GetAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:redis"] = infrastructure.RedisConnectionString;
        builder.Configuration["ContactFrequency:GlobalCooldown"] = Cooldown.ToString();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.AddRedisConnection("redis").AddContactFrequencyRecord();
        var host = builder.Build();
        await host.Services.GetRequiredService<RedisConnection>().WhenFirstAttemptFinishedAsync(Ct);
        return (host, host.Services.GetRequiredService<ContactFrequencyRecord>(), clock);
    }
}
