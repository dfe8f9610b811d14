using Microsoft.EntityFrameworkCore;
using Npgsql;
using PartnerMesh.Attribution.Api.Conversions;
using PartnerMesh.Attribution.Api.Infrastructure.Configurations;
using PartnerMesh.Data;
using Xunit;

namespace PartnerMesh.Attribution.UnitTests;

/// <summary>
/// A unit of work PostgreSQL aborted for a concurrent one runs again, a bounded number of times; a conversion that lost
/// its customer's credit or milestone race more than once in a row still gets decided.
/// </summary>
public class ConflictRetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RetryOnConflict_ConversionLosingTheCustomerRaceTwiceInARow_RunsAThirdTimeAndAnswers()
    {
        using var db = Context();
        var attempts = 0;

        var answer = await db.RetryOnConflictAsync(() => ++attempts <= 2 ? throw UniqueViolation("PK_customer_credits") : Task.FromResult("recorded"),
            Ct, alsoRetry: ConversionService.LostCustomerRace);

        Assert.Equal(("recorded", 3), (answer, attempts));
    }

    [Theory]
    [InlineData(PostgresErrorCodes.DeadlockDetected)]
    [InlineData(PostgresErrorCodes.SerializationFailure)]
    public async Task RetryOnConflict_DeadlockOrSerializationFailure_HoweverWrapped_RunsAgain(string sqlState)
    {
        using var db = Context();
        var attempts = 0;
        Exception[] failures =
        [
            new PostgresException("conflict", "ERROR", "ERROR", sqlState),
            new InvalidOperationException("An exception has been raised that is likely due to a transient failure.", new PostgresException("conflict", "ERROR", "ERROR", sqlState)),
            new DbUpdateException("save failed", new PostgresException("conflict", "ERROR", "ERROR", sqlState)),
        ];

        var answer = await db.RetryOnConflictAsync(() => attempts < failures.Length ? throw failures[attempts++] : Task.FromResult(attempts), Ct);

        Assert.Equal(3, answer);
    }

    [Fact]
    public async Task RetryOnConflict_ConflictEveryTime_GivesUpAfterMaxAttempts()
    {
        using var db = Context();
        var attempts = 0;

        await Assert.ThrowsAsync<PostgresException>(() => db.RetryOnConflictAsync<int>(() =>
        {
            attempts++;
            throw new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected);
        }, Ct));

        Assert.Equal(ConflictRetry.MaxAttempts, attempts);
    }

    [Fact]
    public async Task RetryOnConflict_IdempotencyKeyTakenOrOtherFailure_IsNotRetried()
    {
        using var db = Context();
        var attempts = 0;

        await Assert.ThrowsAsync<DbUpdateException>(() => db.RetryOnConflictAsync<int>(() =>
        {
            attempts++;
            throw UniqueViolation(IdempotencyRecordConfiguration.PrimaryKey);
        }, Ct, alsoRetry: ConversionService.LostCustomerRace));
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.RetryOnConflictAsync<int>(() =>
        {
            attempts++;
            throw new InvalidOperationException("a bug");
        }, Ct, alsoRetry: ConversionService.LostCustomerRace));

        Assert.Equal(2, attempts);
    }

    private static DbUpdateException UniqueViolation(string constraint) =>
        new("save failed", new PostgresException(
            "duplicate key value violates unique constraint", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation,
            constraintName: constraint));

    /// <summary>A context that is never connected: the retry only clears its change tracker.</summary>
    private static DbContext Context() => new(new DbContextOptionsBuilder().UseNpgsql("Host=unused").Options);
}
