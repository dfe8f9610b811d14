using System.Net.Http.Headers;
using System.Text;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;
using Testcontainers.Redis;

namespace PartnerMesh.Testing;

/// <summary>
/// Real PostgreSQL, RabbitMQ and Redis for tests, one container set per test run: containers are started with
/// Testcontainers' reuse flag and labelled with the run id, so every test assembly of a run (each its own process)
/// attaches to the same set; <c>scripts/test.sh</c> removes them when the run ends. Image names are settings
/// (<c>PARTNERMESH_POSTGRES_IMAGE</c>, ...); when <c>ConnectionStrings__postgres</c>/<c>__messaging</c>/<c>__redis</c>
/// are set, those servers are used instead. Each test class gets its own database and RabbitMQ virtual host.
/// </summary>
public sealed class TestInfrastructure
{
    private const string User = "partnermesh";
    private const string Password = "partnermesh-test";
    private const int RabbitManagementPort = 15672;

    /// <summary>
    /// The label every test container carries, its value the run id; <c>scripts/test.sh</c> removes the containers
    /// labelled with its run when the run ends.
    /// </summary>
    public const string RunLabel = "partnermesh.test-run";

    private static readonly Lazy<Task<TestInfrastructure>> Instance = new(StartAsync);

    private readonly Uri _rabbitManagement;
    private readonly string _rabbitUser;
    private readonly string _rabbitPassword;
    private readonly UriBuilder _amqp;

    private TestInfrastructure(string postgresAdmin, Uri amqp, Uri rabbitManagement, string redis)
    {
        PostgresAdminConnectionString = postgresAdmin;
        RedisConnectionString = redis;
        _amqp = new UriBuilder(amqp);
        _rabbitManagement = rabbitManagement;
        var userInfo = amqp.UserInfo.Split(':', 2);
        _rabbitUser = Uri.UnescapeDataString(userInfo[0]);
        _rabbitPassword = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "";
    }

    /// <summary>Connection string to the server's <c>postgres</c> database as a superuser.</summary>
    public string PostgresAdminConnectionString { get; }

    public string RedisConnectionString { get; }

    /// <summary>The test run the containers belong to (<c>PARTNERMESH_TEST_RUN_ID</c>, set by <c>scripts/test.sh</c>).</summary>
    public static string RunId => Environment.GetEnvironmentVariable("PARTNERMESH_TEST_RUN_ID") ?? "local";

    /// <summary>The RabbitMQ image (with the management plugin) tests start: <c>PARTNERMESH_RABBITMQ_IMAGE</c> or the default.</summary>
    public static string RabbitMqImage => Image("PARTNERMESH_RABBITMQ_IMAGE", "rabbitmq:3-management");

    public static Task<TestInfrastructure> GetAsync() => Instance.Value;

    /// <summary>Creates an empty, uniquely named database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = UniqueName(prefix);
        await using (var connection = new NpgsqlConnection(PostgresAdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(PostgresAdminConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        // Only this database's pool: the services and factories open their connections with this very string, so it is
        // the pool's key; clearing all pools would also close other test classes' connections in this process.
        await using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        // Best effort: the database is this class's own, in a container that goes with the run, and every test of the
        // class has already passed or failed. Under a full parallel run a drop (it waits for a checkpoint) can outlast
        // the default 30-s command timeout; that must not turn into a class-cleanup failure of passed tests.
        try
        {
            await using var connection = new NpgsqlConnection(PostgresAdminConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection) { CommandTimeout = 120 };
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            Console.Error.WriteLine($"Test database {name} left behind: {exception.Message}");
        }
    }

    /// <summary>Creates a RabbitMQ virtual host through the management API and returns the AMQP URI for it.</summary>
    public async Task<Uri> CreateVirtualHostAsync(string prefix)
    {
        var name = UniqueName(prefix);
        using var http = new HttpClient { BaseAddress = _rabbitManagement };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_rabbitUser}:{_rabbitPassword}")));

        using var empty = new StringContent("{}", Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/vhosts/{Uri.EscapeDataString(name)}", empty)).EnsureSuccessStatusCode();
        using var permissions = new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json");
        (await http.PutAsync($"api/permissions/{Uri.EscapeDataString(name)}/{Uri.EscapeDataString(_rabbitUser)}", permissions))
            .EnsureSuccessStatusCode();

        return new UriBuilder(_amqp.Uri) { Path = "/" + Uri.EscapeDataString(name) }.Uri;
    }

    private static string UniqueName(string prefix)
    {
        var safePrefix = new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(24).ToArray());
        return $"{safePrefix}_{Guid.NewGuid():N}";
    }

    private static async Task<TestInfrastructure> StartAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("ConnectionStrings__postgres");
        var messaging = Environment.GetEnvironmentVariable("ConnectionStrings__messaging");
        var management = Environment.GetEnvironmentVariable("PARTNERMESH_RABBITMQ_MANAGEMENT_URL");
        var redis = Environment.GetEnvironmentVariable("ConnectionStrings__redis");
        if (postgres is { Length: > 0 } && messaging is { Length: > 0 } && management is { Length: > 0 } && redis is { Length: > 0 })
        {
            return new TestInfrastructure(postgres, new Uri(messaging), new Uri(management), redis);
        }

        // Test assemblies run as separate processes; the lock makes the first one create the containers and the others reuse them.
        await using var runLock = await CrossProcessLock.AcquireAsync("partnermesh-testcontainers");
        var runId = RunId;

        var postgresContainer = new PostgreSqlBuilder(Image("PARTNERMESH_POSTGRES_IMAGE", "postgres:16"))
            .WithUsername(User).WithPassword(Password).WithDatabase("postgres")
            .WithCommand("-c", "max_connections=500")
            // A throwaway server (Testcontainers already turns fsync off): its data in memory. The run creates and drops
            // a database per test class, and on the container's overlay file system the inode churn of their files was
            // a tenth of the phase's CPU (perf, docs/measurements.md).
            .WithTmpfsMount("/var/lib/postgresql/data")
            .WithPortBinding(await ContainerPorts.ForAsync(ContainerPorts.Postgres), PostgreSqlBuilder.PostgreSqlPort)
            .WithLabel(RunLabel, runId).WithReuse(true)
            .Build();
        var rabbitContainer = new RabbitMqBuilder(RabbitMqImage)
            .WithUsername(User).WithPassword(Password)
            .WithPortBinding(await ContainerPorts.ForAsync(ContainerPorts.RabbitMq), RabbitMqBuilder.RabbitMqPort)
            .WithPortBinding(await ContainerPorts.ForAsync(ContainerPorts.RabbitMqManagement), RabbitManagementPort)
            .WithLabel(RunLabel, runId).WithReuse(true)
            .Build();
        var redisContainer = new RedisBuilder(Image("PARTNERMESH_REDIS_IMAGE", "redis:7"))
            .WithPortBinding(await ContainerPorts.ForAsync(ContainerPorts.Redis), RedisBuilder.RedisPort)
            .WithLabel(RunLabel, runId).WithReuse(true)
            .Build();

        await Task.WhenAll(postgresContainer.StartAsync(), rabbitContainer.StartAsync(), redisContainer.StartAsync());

        var managementUri = new UriBuilder(Uri.UriSchemeHttp, rabbitContainer.Hostname, rabbitContainer.GetMappedPublicPort(RabbitManagementPort)).Uri;
        await WaitForManagementApiAsync(managementUri);

        return new TestInfrastructure(
            postgresContainer.GetConnectionString(),
            new Uri(rabbitContainer.GetConnectionString()),
            managementUri,
            // Production's short Redis timeouts (2 s connect, 1 s commands) suit a server next door, not one shared by
            // every test process on a loaded machine: a slow first handshake would leave a test on its no-Redis fallback.
            redisContainer.GetConnectionString() + ",connectTimeout=15000,asyncTimeout=5000,syncTimeout=5000");
    }

    private static string Image(string variable, string fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } image ? image : fallback;

    private static async Task WaitForManagementApiAsync(Uri managementUri)
    {
        using var http = new HttpClient { BaseAddress = managementUri, Timeout = TimeSpan.FromSeconds(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
        await Eventually.UntilAsync(async () =>
        {
            try
            {
                return (await http.GetAsync("api/overview")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60));
    }
}
