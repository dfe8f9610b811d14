using PartnerMesh.ServiceDefaults.WebApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using PartnerMesh.Data;
using PartnerMesh.PartnerPortal.Api.Infrastructure;
using PartnerMesh.PartnerPortal.Api.Infrastructure.Configurations;
using PartnerMesh.PartnerPortal.Api.Portal;

namespace PartnerMesh.PartnerPortal.Api.Accounts;

/// <summary>Operators open and close partner accounts (service token with scope admin, through the gateway).</summary>
public static class AccountEndpoints
{
    private const string AccountsList = "portal.accounts";

    public static RouteGroupBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/portal/accounts").WithTags("Accounts").RequireAuthorization(PortalPolicies.Admin);

        group.MapPost("/", CreateAccount).WithName(nameof(CreateAccount))
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListAccounts).WithName(nameof(ListAccounts));
        group.MapGet("/{id:guid}", GetAccount).WithName(nameof(GetAccount));
        group.MapDelete("/{id:guid}", DeleteAccount).WithName(nameof(DeleteAccount));

        return group;
    }

    /// <summary>
    /// With an <c>Idempotency-Key</c>, a retry of the same request (partner, email and password) answers 200 with the account
    /// it opened; the same key with another request is a 409.
    /// </summary>
    private static async Task<Results<Created<AccountResponse>, Ok<AccountResponse>, ValidationProblem, ProblemHttpResult>> CreateAccount(
        CreateAccountRequest request,
        [FromHeader(Name = IdempotencyKeys.Header)] string? idempotencyKey,
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

        if (IdempotencyKeys.Validate(idempotencyKey) is { } keyProblem)
        {
            return keyProblem;
        }

        var partnerId = request.PartnerId!.Value;
        var email = request.Email!.Trim();
        var normalizedEmail = AccountRules.NormalizeEmail(email);
        if (await OpenedBeforeAsync(db, idempotencyKey, cancellationToken) is { } earlier)
        {
            return Replay(earlier, request, hasher);
        }

        if (!await db.Partners.AnyAsync(partner => partner.Id == partnerId, cancellationToken))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown partner",
                detail: $"Partner {partnerId} is not known to the portal (yet): accounts can be opened once the partner is registered.");
        }

        if (await db.Accounts.AnyAsync(account => account.NormalizedEmail == normalizedEmail && account.DisabledAt == null, cancellationToken))
        {
            // Maybe a concurrent retry opened it since the check above.
            return await OpenedBeforeAsync(db, idempotencyKey, cancellationToken) is { } retried ? Replay(retried, request, hasher) : DuplicateEmail();
        }

        var account = new PortalAccount
        {
            Id = Guid.CreateVersion7(),
            PartnerId = partnerId,
            Email = email,
            NormalizedEmail = normalizedEmail,
            PasswordHash = "",
            CreatedAt = StorageTime.Now(timeProvider),
            IdempotencyKey = idempotencyKey,
        };
        account.PasswordHash = hasher.HashPassword(account, AccountRules.NormalizePassword(request.Password!));
        db.Accounts.Add(account);

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation(PortalAccountConfiguration.ActiveEmailIndex)
            || exception.IsUniqueViolation(PortalAccountConfiguration.UniqueIdempotencyKeyIndex))
        {
            // A concurrent request took the email (or, a retry, the idempotency key) between the checks and the insert.
            db.ChangeTracker.Clear();
            return await OpenedBeforeAsync(db, idempotencyKey, cancellationToken) is { } retried ? Replay(retried, request, hasher) : DuplicateEmail();
        }

        return TypedResults.Created($"/api/portal/accounts/{account.Id}", AccountResponse.From(account));
    }

    private static async Task<PortalAccount?> OpenedBeforeAsync(PortalDbContext db, string? idempotencyKey, CancellationToken cancellationToken) =>
        idempotencyKey is null
            ? null
            : await db.Accounts.AsNoTracking().SingleOrDefaultAsync(account => account.IdempotencyKey == idempotencyKey, cancellationToken);

    /// <summary>
    /// The same request again: same partner and email, and a password the stored hash accepts (no request hash is kept,
    /// as a fast hash of a request holding a password would be an unsalted password hash). A retry of an account deleted
    /// since is a 409: answering 200 would report an account that can no longer sign in as opened, and opening a new one
    /// would undo an operator's delete; a new account takes a new key.
    /// </summary>
    private static Results<Created<AccountResponse>, Ok<AccountResponse>, ValidationProblem, ProblemHttpResult> Replay(
        PortalAccount earlier, CreateAccountRequest request, IPasswordHasher<PortalAccount> hasher)
    {
        if (earlier.PartnerId != request.PartnerId || earlier.Email != request.Email!.Trim()
            || hasher.VerifyPassword(earlier, AccountRules.NormalizePassword(request.Password!), request.Password!) == PasswordVerificationResult.Failed)
        {
            return IdempotencyKeys.Reused($"Idempotency-Key '{earlier.IdempotencyKey}' was already used to open account {earlier.Id} with another request.");
        }

        return earlier.DisabledAt is null
            ? TypedResults.Ok(AccountResponse.From(earlier))
            : TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Account deleted",
                detail: $"Idempotency-Key '{earlier.IdempotencyKey}' opened account {earlier.Id}, which was deleted since; to open a new account, send the request with a new key.");
    }

    /// <summary>Oldest first, cursor-paged: <c>?limit=</c> (1–200, default 50) and <c>?after=</c> the previous page's <c>nextCursor</c>.</summary>
    private static async Task<Results<Ok<PageResponse<AccountResponse>>, ValidationProblem>> ListAccounts(
        Guid? partnerId, int? limit, string? after, PortalDbContext db, CancellationToken cancellationToken)
    {
        if (Paging.Validate(AccountsList, limit, after, out var take, out var afterId) is { } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.Accounts.AsNoTracking();
        if (partnerId is { } id)
        {
            query = query.Where(account => account.PartnerId == id);
        }

        if (afterId is { } cursor)
        {
            query = query.Where(account => account.Id.CompareTo(cursor) > 0);
        }

        var rows = await query.OrderBy(account => account.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Paging.ToPage(AccountsList, rows, take, account => account.Id, AccountResponse.From));
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

        account.DisabledAt ??= StorageTime.Now(timeProvider);
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
        else if (AccountRules.IsBeyondAnyPasswordLength(request.Password)
            || AccountRules.PasswordLength(AccountRules.NormalizePassword(request.Password)) > AccountRules.MaxPasswordLength)
        {
            errors["password"] = [$"Use at most {AccountRules.MaxPasswordLength} characters."];
        }
        else if (AccountRules.PasswordLength(AccountRules.NormalizePassword(request.Password)) < AccountRules.MinPasswordLength)
        {
            errors["password"] = [$"Use at least {AccountRules.MinPasswordLength} characters."];
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
