using PartnerMesh.Redis.ContactFrequency;
using PartnerMesh.ServiceDefaults.Customers;
using PartnerMesh.Surveys.Api.EmailLinks;
using Xunit;

namespace PartnerMesh.Surveys.UnitTests;

/// <summary>The identities and contact id an email link claims the shared contact record with, and the email check.</summary>
public sealed class EmailLinkContactTests
{
    private static readonly Guid Survey = Guid.Parse("0193a1b2-0000-7000-8000-000000000001");

    [Fact]
    public void ContactId_IsTheSameForTheSameSurveyAndOrder_AndDiffersOtherwise()
    {
        var id = EmailLinkEndpoints.ContactIdOf(Survey, "order-1");

        Assert.Equal(id, EmailLinkEndpoints.ContactIdOf(Survey, "order-1"));
        Assert.NotEqual(id, EmailLinkEndpoints.ContactIdOf(Survey, "order-2"));
        Assert.NotEqual(id, EmailLinkEndpoints.ContactIdOf(Guid.Parse("0193a1b2-0000-7000-8000-000000000002"), "order-1"));
        Assert.StartsWith("email-link:0193a1b2000070008000000000000001:", id, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a|b")]
    [InlineData("||")]
    [InlineData("ordre-été-🙂")]
    public void ContactId_NeverHoldsTheRecordsSeparator_WhateverTheOrderId(string orderId) =>
        Assert.DoesNotContain('|', EmailLinkEndpoints.ContactIdOf(Survey, orderId));

    [Fact]
    public void Subject_IsTheGivenIdentities()
    {
        var subject = EmailLinkEndpoints.ContactSubjectOf(new IssueEmailLinkRequest { OrderId = "o-1", CustomerId = "c-1", Email = "a@b.example" });

        Assert.Equal(new ContactSubject(null, "c-1", "a@b.example"), subject);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void Subject_WithoutAnyIdentity_IsTheOrder(string? blank)
    {
        var subject = EmailLinkEndpoints.ContactSubjectOf(new IssueEmailLinkRequest { OrderId = "o-1", VisitorId = blank, CustomerId = blank });

        Assert.Equal(new ContactSubject(VisitorId: "order:o-1"), subject);
    }

    /// <summary>A link's email is checked by the shared rule, on the folded address (as the contact record keys it).</summary>
    [Theory]
    [InlineData("a@b", true)]
    [InlineData("Guest.Name+tag@Example.COM", true)]
    [InlineData(" a@b\n", true)]
    [InlineData("ab", false)]
    [InlineData("@b.example", false)]
    [InlineData("a@", false)]
    [InlineData("a b@c.example", false)]
    [InlineData("a@\nb", false)]
    [InlineData("no-at-sign", false)]
    [InlineData("\u200b@\u200b", false)]
    [InlineData("\u200b", false)]
    public void Email_NeedsTextOnBothSidesOfAnAtAndNoSpaces_OnceFolded(string email, bool valid) =>
        Assert.Equal(valid, CustomerEmail.Normalize(email) is not null);

    [Fact]
    public void Email_LongerThan254OnceFolded_IsRefused()
    {
        Assert.NotNull(CustomerEmail.Normalize("\u200b" + new string('a', 242) + "@example.com"));
        Assert.Null(CustomerEmail.Normalize(new string('a', 243) + "@example.com"));
    }

    [Theory]
    [InlineData("\u200b")]
    [InlineData("\u00ad\ufeff")]
    [InlineData(" \u2060 ")]
    public void Subject_WithAnEmailThatFoldsToNothing_HasNoEmailIdentity(string email) =>
        Assert.True(new ContactSubject(Email: email).IsEmpty);
}
