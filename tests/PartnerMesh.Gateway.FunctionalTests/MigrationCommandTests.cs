using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using PartnerMesh.Data;
using PartnerMesh.Gateway.ApiKeys;
using PartnerMesh.Gateway.Infrastructure;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.Testing;
using Xunit;

namespace PartnerMesh.Gateway.FunctionalTests;

/// <summary>
/// <c>--migrate</c> as the AppHost runs it before a service starts (every service shares <see cref="MigrationCommand"/>;
/// the gateway's binary stands for them): an up-to-date database is recognised by its history table alone, anything
/// else goes through EF Core's migrator.
/// </summary>
public sealed class MigrationCommandTests : IAsyncLifetime
{
    private TestInfrastructure? _infrastructure;
    private string _database = "";

    public async ValueTask InitializeAsync()
    {
        _infrastructure = await TestInfrastructure.GetAsync();
        _database = await _infrastructure.CreateDatabaseAsync("gatewaymigrate");
    }

    public async ValueTask DisposeAsync()
    {
        if (_infrastructure is not null && _database.Length > 0)
        {
            await _infrastructure.DropDatabaseAsync(_database);
        }
    }

    [Fact]
    public async Task Migrate_EmptyDatabase_AppliesEveryMigration_ThenNoneOnTheNextRun()
    {
        var first = await MigrateAsync(_database);
        var second = await MigrateAsync(_database);

        Assert.True(first.ExitCode == 0, first.StandardError);
        Assert.Contains($"Applied {AllMigrations.Count} migration(s)", string.Join('\n', first.Lines));
        Assert.Equal(AllMigrations, await AppliedMigrationsAsync());
        Assert.True(second.ExitCode == 0, second.StandardError);
        Assert.Contains("Applied 0 migration(s)", string.Join('\n', second.Lines));
        Assert.Equal(AllMigrations, await AppliedMigrationsAsync());
    }

    [Fact]
    public async Task Migrate_DatabaseThatDoesNotExist_CreatesAndMigratesIt()
    {
        await _infrastructure!.DropDatabaseAsync(_database); // a unique name no database has

        var result = await MigrateAsync(_database);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(AllMigrations, await AppliedMigrationsAsync());
    }

    [Fact]
    public async Task Migrate_WhenTheLastMigrationIsNotApplied_AppliesIt()
    {
        Assert.Equal(0, (await MigrateAsync(_database)).ExitCode);
        await using (var db = Context())
        {
            await db.GetService<IMigrator>().MigrateAsync(AllMigrations[^2], TestContext.Current.CancellationToken); // runs the last one's Down
        }

        Assert.Equal(AllMigrations.SkipLast(1), await AppliedMigrationsAsync());

        var result = await MigrateAsync(_database);

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("Applied 1 migration(s)", string.Join('\n', result.Lines));
        Assert.Equal(AllMigrations, await AppliedMigrationsAsync());
    }

    [Fact]
    public async Task Migrate_ServerThatStartsLater_WaitsForIt_ThenMigrates()
    {
        var postgres = new NpgsqlConnectionStringBuilder(_database);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // refused until the "server" below starts listening on it
        var throughLateServer = new NpgsqlConnectionStringBuilder(_database) { Host = "127.0.0.1", Port = port }.ConnectionString;

        var migrating = MigrateAsync(throughLateServer);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken); // the migrator meets a closed port meanwhile
        Assert.False(migrating.IsCompleted, "the migrator should still be waiting for the server");
        await using var lateServer = TcpForwarder.Start(port, postgres.Host!, postgres.Port);
        var result = await migrating;

        Assert.True(result.ExitCode == 0, result.StandardError);
        var output = string.Join('\n', result.Lines);
        Assert.Contains("Waiting up to", output);
        Assert.Contains($"Applied {AllMigrations.Count} migration(s)", output);
        Assert.Equal(AllMigrations, await AppliedMigrationsAsync());
    }

    [Fact]
    public async Task Migrate_ServerThatNeverAnswers_FailsWithNonZeroExitCodeAfterTheWait()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(_database) { Host = "127.0.0.1", Port = 1 }.ConnectionString;

        var result = await MigrateAsync(unreachable, waitForDatabase: "00:00:02");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Migrating gatewaydb failed", string.Join('\n', result.Lines) + result.StandardError);
    }

    [Fact]
    public async Task Migrate_WrongPassword_FailsAtOnce()
    {
        var wrongPassword = new NpgsqlConnectionStringBuilder(_database) { Password = "not-the-password" }.ConnectionString;
        var started = Stopwatch.StartNew();

        var result = await MigrateAsync(wrongPassword, waitForDatabase: "00:01:00");

        Assert.Equal(1, result.ExitCode);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"a refused login is not worth waiting for (took {started.Elapsed})");
        Assert.Contains("Migrating gatewaydb failed", string.Join('\n', result.Lines) + result.StandardError);
    }

    private static List<string> AllMigrations
    {
        get
        {
            using var db = new GatewayDbContext(new DbContextOptionsBuilder<GatewayDbContext>().UsePartnerMeshNpgsql("Host=unused").Options);
            return db.Database.GetMigrations().ToList();
        }
    }

    private GatewayDbContext Context() => new(new DbContextOptionsBuilder<GatewayDbContext>().UsePartnerMeshNpgsql(_database).Options);

    private async Task<IReadOnlyList<string>> AppliedMigrationsAsync()
    {
        await using var db = Context();
        return (await db.Database.GetAppliedMigrationsAsync(TestContext.Current.CancellationToken)).ToList();
    }

    private static Task<HostCommandResult> MigrateAsync(string connectionString, string waitForDatabase = "00:00:30") =>
        HostCommandRunner.RunAsync(
            typeof(ApiKeyFormat).Assembly,
            new Dictionary<string, string?>
            {
                [$"ConnectionStrings__{ResourceNames.GatewayDb}"] = connectionString,
                ["Migrations__WaitForDatabase"] = waitForDatabase,
            },
            HostCommands.Migrate);

    /// <summary>A server that starts late: relays every connection on <c>127.0.0.1:port</c> to PostgreSQL.</summary>
    private sealed class TcpForwarder : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        private TcpForwarder(int port, string host, int targetPort)
        {
            _listener = new TcpListener(IPAddress.Loopback, port);
            _listener.Start();
            _accepting = AcceptAsync(host, targetPort);
        }

        public static TcpForwarder Start(int port, string host, int targetPort) => new(port, host, targetPort);

        private async Task AcceptAsync(string host, int targetPort)
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                _ = RelayAsync(client, host, targetPort);
            }
        }

        private async Task RelayAsync(TcpClient client, string host, int targetPort)
        {
            using (client)
            using (var target = new TcpClient())
            {
                try
                {
                    await target.ConnectAsync(host, targetPort, _stop.Token);
                    await using var clientStream = client.GetStream();
                    await using var targetStream = target.GetStream();
                    await Task.WhenAny(clientStream.CopyToAsync(targetStream, _stop.Token), targetStream.CopyToAsync(clientStream, _stop.Token));
                }
                catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException)
                {
                    // One side closed: the connection is over.
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }
}
