using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PartnerMesh.ServiceDefaults;
using PartnerMesh.ServiceDefaults.Security;

/// <summary>The real gateway binary in its own process, migrated and with a first admin key, its services all at one upstream.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;

    private GatewayProcess(Process process, string url, string adminKey)
    {
        _process = process;
        Url = url;
        AdminKey = adminKey;
    }

    public string Url { get; }

    public string AdminKey { get; }

    public static async Task<GatewayProcess> StartAsync(string dll, string database, string redis, string upstream, string signingKey)
    {
        var port = FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Logging__LogLevel__Default"] = "Warning",
            [$"ConnectionStrings__{ResourceNames.GatewayDb}"] = database,
            [$"ConnectionStrings__{ResourceNames.Redis}"] = redis,
            [$"{ServiceTokenSigningOptions.SectionName}__SigningKey"] = signingKey,
            ["Gateway__AnonymousRateLimitPerMinute"] = "1000000",
        };
        foreach (var service in new[]
                 {
                     ResourceNames.AttributionApi, ResourceNames.PromotionsApi, ResourceNames.CouponsApi, ResourceNames.SurveysApi,
                     ResourceNames.AnalyticsApi, ResourceNames.PartnerPortalApi,
                 })
        {
            environment[$"services__{service}__http__0"] = upstream;
        }

        await RunToEndAsync(dll, HostCommands.Migrate, environment);
        var adminKey = await RunToEndAsync(dll, HostCommands.NewAdminKey, environment, "gateway-bench-admin");
        var serving = Info(dll, environment);
        serving.RedirectStandardOutput = true;
        serving.RedirectStandardError = true;
        var process = Process.Start(serving)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var url = $"http://127.0.0.1:{port}";
        using var probe = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await probe.GetAsync(url + "/health")).StatusCode == HttpStatusCode.OK)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                process.Kill();
                throw new TimeoutException("The gateway did not become healthy in 60 s.");
            }

            await Task.Delay(200);
        }

        return new GatewayProcess(process, url, adminKey!);
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static async Task<string?> RunToEndAsync(string dll, string command, Dictionary<string, string> environment, string? argument = null)
    {
        var info = Info(dll, environment, command, argument);
        info.RedirectStandardOutput = true;
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} failed ({process.ExitCode}): {output}");
        }

        return output.Split('\n').Select(line => line.Trim())
            .FirstOrDefault(line => line.StartsWith(HostCommands.AdminKeyLinePrefix, StringComparison.Ordinal))?[HostCommands.AdminKeyLinePrefix.Length..];
    }

    private static ProcessStartInfo Info(string dll, Dictionary<string, string> environment, params string?[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments.Where(argument => argument is not null))
        {
            info.ArgumentList.Add(argument!);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return info;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
