using Microsoft.EntityFrameworkCore;
using Npgsql;
using PartnerMesh.Data;
using Xunit;

namespace PartnerMesh.Outbox.Tests;

/// <summary>The connection settings every service's context gets from <c>UsePartnerMeshNpgsql</c>, on a real PostgreSQL.</summary>
public sealed class ConnectionTuningTests(OutboxDatabase database) : IClassFixture<OutboxDatabase>
{
    [Fact]
    public async Task A_query_run_repeatedly_is_prepared_on_the_server_and_stays_prepared_across_pooled_reuse()
    {
        // One physical connection (a pool of one, of its own): every context below leases the same one in turn.
        var connectionString = database.ConnectionString + ";Maximum Pool Size=1";
        OutboxTestDbContext Context() => new(new DbContextOptionsBuilder<OutboxTestDbContext>().UsePartnerMeshNpgsql(connectionString).Options);
        var name = $"widget-{Guid.NewGuid():N}";
        // Npgsql prepares a statement once a connection has sent it five times (Auto Prepare Min Usages).
        for (var run = 0; run < 6; run++)
        {
            // A context per run, as per request: the connection goes back to the pool in between.
            await using var db = Context();
            Assert.Null(await db.Widgets.AsNoTracking().FirstOrDefaultAsync(widget => widget.Name == name, TestContext.Current.CancellationToken));
        }

        await using var check = Context();
        await check.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var prepared = await check.Database
            .SqlQueryRaw<string>("SELECT statement AS \"Value\" FROM pg_prepared_statements WHERE statement LIKE '%FROM widgets%'")
            .ToListAsync(TestContext.Current.CancellationToken);
        Assert.Single(prepared);
    }

    [Fact]
    public void Services_get_automatic_preparation_and_no_reset_unless_the_connection_string_says_otherwise()
    {
        var tuned = new NpgsqlConnectionStringBuilder(NpgsqlOptionsExtensions.Tuned("Host=db;Database=app;Username=u;Password=p"));
        Assert.Equal(NpgsqlOptionsExtensions.AutoPreparedStatements, tuned.MaxAutoPrepare);
        Assert.True(tuned.NoResetOnClose);
        Assert.Equal("db", tuned.Host);
        Assert.Equal("p", tuned.Password);

        var explicitSettings = new NpgsqlConnectionStringBuilder(
            NpgsqlOptionsExtensions.Tuned("Host=db;Database=app;Max Auto Prepare=0;No Reset On Close=false"));
        Assert.Equal(0, explicitSettings.MaxAutoPrepare);
        Assert.False(explicitSettings.NoResetOnClose);
    }
}
