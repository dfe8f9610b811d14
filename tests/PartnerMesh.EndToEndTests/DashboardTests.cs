using Microsoft.Playwright;
using Xunit;

namespace PartnerMesh.EndToEndTests;

/// <summary>What an operator sees: the real Aspire dashboard in a real browser (Debian's Chromium, headless).</summary>
public sealed class DashboardTests(SystemFixture system)
{
    private const string DebianChromium = "/usr/lib/chromium/chromium";

    private static readonly string[] Containers = ["postgres", "messaging", "redis"];

    [Fact]
    public async Task Dashboard_ShowsEveryResourceRunningAndHealthy()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PARTNERMESH_CHROMIUM") is { Length: > 0 } chromium ? chromium : DebianChromium,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync();

        await page.GotoAsync(system.DashboardUrl.ToString());

        var expected = Containers.Concat(SystemFixture.Services).ToList();
        Dictionary<string, string> rows = [];
        try
        {
            await Testing.Eventually.UntilAsync(async () =>
            {
                rows = await ReadResourceRowsAsync(page);
                return expected.All(name => rows.TryGetValue(name, out var text) && IsRunningAndHealthy(text))
                    && SystemFixture.Services.All(service => rows.TryGetValue(service + "-migrations", out var text) && text.Contains("Finished", StringComparison.Ordinal));
            }, TimeSpan.FromSeconds(60), because: "every resource should show as running and healthy, every migrator as finished");
        }
        catch (TimeoutException exception)
        {
            var screenshot = Path.Combine(Path.GetTempPath(), $"partnermesh-dashboard-{Guid.NewGuid():N}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
            await File.WriteAllTextAsync(Path.ChangeExtension(screenshot, ".html"), await page.ContentAsync(), TestContext.Current.CancellationToken);
            throw new TimeoutException(
                $"{exception.Message}; the grid showed: {string.Join(" | ", rows.Select(row => $"{row.Key}: {row.Value}"))}; screenshot {screenshot}", exception);
        }
    }

    /// <summary>Each row of the resources grid, keyed by the resource name in its name cell.</summary>
    private static async Task<Dictionary<string, string>> ReadResourceRowsAsync(IPage page)
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in await page.GetByRole(AriaRole.Row).AllAsync())
        {
            var cells = await row.GetByRole(AriaRole.Gridcell).AllInnerTextsAsync();
            var name = cells.Select(cell => cell.Trim()).FirstOrDefault(cell => cell.Length > 0);
            if (name is not null)
            {
                rows[name] = string.Join(" ", cells);
            }
        }

        return rows;
    }

    private static bool IsRunningAndHealthy(string row) =>
        row.Contains("Running", StringComparison.Ordinal) && !row.Contains("Unhealthy", StringComparison.Ordinal)
        && !row.Contains("Starting", StringComparison.Ordinal);
}
