using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace PartnerMesh.AppHost.Hosting;

/// <summary>The server answered, but will never accept us: retrying cannot help.</summary>
internal sealed class ReadinessException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One-shot probes; callers poll them until they succeed.</summary>
internal static class Readiness
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    public static async Task<bool> TcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary><c>SELECT 1</c> as the configured user; a wrong password is final (the data volume was made with another one).</summary>
    public static async Task<bool> PostgresAsync(string connectionString, string volumeHint, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 3, Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            return await command.ExecuteScalarAsync(cancellationToken) is 1;
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw new ReadinessException($"PostgreSQL refused user '{builder.Username}': {exception.MessageText}. {volumeHint}", exception);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary><c>GET /api/overview</c> of the management API with the broker's credentials.</summary>
    public static async Task<bool> RabbitMQManagementAsync(Uri managementUrl, string user, string password, string volumeHint, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(managementUrl, "api/overview"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        try
        {
            using var response = await Http.SendAsync(request, cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                throw new ReadinessException($"RabbitMQ refused user '{user}'. {volumeHint}");
            }

            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>RESP <c>PING</c> over a raw socket (with <c>AUTH</c> when the connection string has a password).</summary>
    public static async Task<bool> RedisAsync(string connectionString, CancellationToken cancellationToken)
    {
        var (host, port, password) = ParseRedis(connectionString);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token);
            var stream = client.GetStream();
            var command = password is null ? "PING\r\n" : $"AUTH {password}\r\nPING\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command), timeout.Token);
            var buffer = new byte[256];
            var text = new StringBuilder();
            while (!text.ToString().Contains("+PONG", StringComparison.Ordinal) && !text.ToString().Contains('-', StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            // "-LOADING" while the append-only file is replayed: not ready yet
            return text.ToString().Contains("+PONG", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public static async Task<bool> HttpOkAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(url, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>StackExchange.Redis format: <c>host:port[,option=value...]</c>.</summary>
    public static (string Host, int Port, string? Password) ParseRedis(string connectionString)
    {
        var parts = connectionString.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var endpoint = parts[0];
        var colon = endpoint.LastIndexOf(':');
        var (host, port) = colon > 0 ? (endpoint[..colon], int.Parse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture)) : (endpoint, 6379);
        var password = parts.Skip(1)
            .Select(option => option.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Equals("password", StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1])
            .FirstOrDefault();
        return (host, port, password);
    }
}
