using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.Infrastructure.Configurations;
using PartnerMesh.PartnerPortal.Api.Portal;

namespace PartnerMesh.PartnerPortal.Api.Accounts;

/// <summary>Operators open and close partner accounts (service token with scope admin, through the gateway).</summary>
public static class AccountEndpoints
{
    public static RouteGroupBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/portal/accounts").WithTags("Accounts").RequireAuthorization(PortalPolicies.Admin);

        group.MapPost("/", CreateAccount).WithName(nameof(CreateAccount));
        group.MapGet("/", ListAccounts).WithName(nameof(ListAccounts));
        group.MapGet("/{id:guid}", GetAccount).WithName(nameof(GetAccount));
        group.MapDelete("/{id:guid}", DeleteAccount).WithName(nameof(DeleteAccount));

        return group;
    }

    private static async Task<Results<Created<AccountResponse>, ValidationProblem, ProblemHttpResult>> CreateAccount(
        CreateAccountRequest request,
        PortalDbContext db,
        IPasswordHasher<PortalAccount> hasher,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var partnerId = request.PartnerId!.Value;
        var email = request.Email!.Trim();
        var normalizedEmail = AccountRules.NormalizeEmail(email);

        if (!await db.Partners.AnyAsync(partner => partner.Id == partnerId, cancellationToken))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown partner",
                detail: $"Partner {partnerId} is not known to the portal (yet): accounts can be opened once the partner is registered.");
        }

        if (await db.Accounts.AnyAsync(account => account.NormalizedEmail == normalizedEmail && account.DisabledAt == null, cancellationToken))
        {
            return DuplicateEmail();
        }

        var account = new PortalAccount
        {
            Id = Guid.CreateVersion7(),
            PartnerId = partnerId,
            Email = email,
            NormalizedEmail = normalizedEmail,
            PasswordHash = "",
            CreatedAt = timeProvider.GetUtcNow(),
        };
        account.PasswordHash = hasher.HashPassword(account, request.Password!);
        db.Accounts.Add(account);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(PortalAccountConfiguration.ActiveEmailIndex))
        {
            // A concurrent request took the email between the check and the insert.
            return DuplicateEmail();
        }

        return TypedResults.Created($"/api/portal/accounts/{account.Id}", AccountResponse.From(account));
    }

    private static async Task<Ok<List<AccountResponse>>> ListAccounts(Guid? partnerId, PortalDbContext db, CancellationToken cancellationToken)
    {
        var query = db.Accounts.AsNoTracking();
        if (partnerId is { } id)
        {
            query = query.Where(account => account.PartnerId == id);
        }

        var accounts = await query.OrderBy(account => account.CreatedAt).ThenBy(account => account.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok(accounts.Select(AccountResponse.From).ToList());
    }

    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetAccount(
        Guid id, PortalDbContext db, CancellationToken cancellationToken) =>
        await db.Accounts.AsNoTracking().SingleOrDefaultAsync(account => account.Id == id, cancellationToken) is { } account
            ? TypedResults.Ok(AccountResponse.From(account))
            : UnknownAccount(id);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAccount(
        Guid id, PortalDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.SingleOrDefaultAsync(account => account.Id == id, cancellationToken);
        if (account is null)
        {
            return UnknownAccount(id);
        }

        account.DisabledAt ??= timeProvider.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static Dictionary<string, string[]> Validate(CreateAccountRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.PartnerId is null || request.PartnerId == Guid.Empty)
        {
            errors["partnerId"] = ["A partner id is required."];
        }

        if (string.IsNullOrWhiteSpace(request.Email))
        {
            errors["email"] = ["An email is required."];
        }
        else if (!AccountRules.IsValidEmail(request.Email.Trim()))
        {
            errors["email"] = ["Enter a valid email address."];
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["A password is required."];
        }
        else if (request.Password.Length < AccountRules.MinPasswordLength)
        {
            errors["password"] = [$"Use at least {AccountRules.MinPasswordLength} characters."];
        }
        else if (request.Password.Length > AccountRules.MaxPasswordLength)
        {
            errors["password"] = [$"Use at most {AccountRules.MaxPasswordLength} characters."];
        }

        return errors;
    }

    private static ProblemHttpResult DuplicateEmail() =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Email already in use",
            detail: "An active portal account already uses this email.");

    private static ProblemHttpResult UnknownAccount(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown account", detail: $"No portal account {id}.");
}
