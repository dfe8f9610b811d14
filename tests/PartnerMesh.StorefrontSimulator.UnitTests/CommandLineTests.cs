using PartnerMesh.StorefrontSimulator.Cli;
using Xunit;

namespace PartnerMesh.StorefrontSimulator.UnitTests;

public class CommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    private static ParseResult Parse(params string[] args) => CommandLine.Parse(args, NoEnvironment);

    [Fact]
    public void Parse_OnlyApiKey_UsesDocumentedDefaults()
    {
        var result = Parse("--api-key", "pm_a_b");

        var options = Assert.IsType<SimulatorOptions>(result.Options);
        Assert.Equal(SimulatorCommand.Run, options.Command);
        Assert.Equal(new Uri("http://127.0.0.1:8080"), options.Gateway);
        Assert.Equal("pm_a_b", options.AdminKey);
        Assert.Equal(5, options.ClicksPerSecond);
        Assert.Equal(0.2, options.ConversionRate);
        Assert.Equal(5, options.Partners);
        Assert.Null(options.Duration);
        Assert.Null(options.Seed);
        Assert.Equal(200, options.Orders);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.PollInterval);
    }

    [Fact]
    public void Parse_AllRunOptions_AreApplied()
    {
        var result = Parse("run", "--gateway", "http://localhost:9000", "--api-key", "k", "--rate", "12.5", "--conversion-rate", "0.35",
            "--replay-rate", "0.1", "--partners", "8", "--duration", "90", "--seed", "42");

        var options = Assert.IsType<SimulatorOptions>(result.Options);
        Assert.Equal(new Uri("http://localhost:9000"), options.Gateway);
        Assert.Equal(12.5, options.ClicksPerSecond);
        Assert.Equal(0.35, options.ConversionRate);
        Assert.Equal(0.1, options.ReplayRate);
        Assert.Equal(8, options.Partners);
        Assert.Equal(TimeSpan.FromSeconds(90), options.Duration);
        Assert.Equal(42, options.Seed);
    }

    [Fact]
    public void Parse_NameEqualsValueForm_IsAccepted()
    {
        var options = Assert.IsType<SimulatorOptions>(Parse("--api-key=k", "--rate=3", "--gateway=https://gw.test").Options);

        Assert.Equal(3, options.ClicksPerSecond);
        Assert.Equal(new Uri("https://gw.test"), options.Gateway);
    }

    [Fact]
    public void Parse_MeasureSubcommand_SetsMeasureOptions()
    {
        var options = Assert.IsType<SimulatorOptions>(
            Parse("measure", "--api-key", "k", "--orders", "50", "--warmup", "0", "--poll-interval-ms", "5", "--timeout", "12").Options);

        Assert.Equal(SimulatorCommand.Measure, options.Command);
        Assert.Equal(50, options.Orders);
        Assert.Equal(0, options.Warmup);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.PollInterval);
        Assert.Equal(TimeSpan.FromSeconds(12), options.VisibilityTimeout);
    }

    [Fact]
    public void Parse_MeasureOrderToKpiFlag_IsMeasureWithThatManyOrders()
    {
        var options = Assert.IsType<SimulatorOptions>(Parse("--api-key", "k", "--measure-order-to-kpi", "25").Options);

        Assert.Equal(SimulatorCommand.Measure, options.Command);
        Assert.Equal(25, options.Orders);
    }

    [Fact]
    public void Parse_KeyAndGatewayFromEnvironment_AreUsedWhenNotPassed()
    {
        var environment = new Dictionary<string, string?>
        {
            [CommandLine.AdminKeyVariable] = " pm_env_key ",
            [CommandLine.GatewayVariable] = "http://127.0.0.1:18080",
        };

        var options = Assert.IsType<SimulatorOptions>(CommandLine.Parse([], name => environment.GetValueOrDefault(name)).Options);

        Assert.Equal("pm_env_key", options.AdminKey);
        Assert.Equal(new Uri("http://127.0.0.1:18080"), options.Gateway);
    }

    [Fact]
    public void Parse_ArgumentsBeatEnvironment()
    {
        var result = CommandLine.Parse(["--api-key", "from-args"], name => name == CommandLine.AdminKeyVariable ? "from-env" : null);

        Assert.Equal("from-args", result.Options?.AdminKey);
    }

    [Fact]
    public void Parse_WithoutAnyKey_FailsAndSaysWhereToGetOne()
    {
        var result = Parse("--rate", "5");

        Assert.Null(result.Options);
        Assert.Contains(CommandLine.AdminKeyVariable, result.Error, StringComparison.Ordinal);
        Assert.Contains("scripts/run.sh", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void Parse_Help_AsksForUsageEvenWithoutKey(string flag)
    {
        var result = Parse(flag);

        Assert.True(result.ShowHelp);
        Assert.Null(result.Error);
    }

    [Theory]
    [InlineData("--rate", "fast")]
    [InlineData("--rate", "0")]
    [InlineData("--rate", "-1")]
    [InlineData("--conversion-rate", "1.5")]
    [InlineData("--replay-rate", "-0.1")]
    [InlineData("--partners", "0")]
    [InlineData("--partners", "2.5")]
    [InlineData("--duration", "0")]
    [InlineData("--orders", "0")]
    [InlineData("--seed", "x")]
    [InlineData("--rate", "NaN")]
    [InlineData("--gateway", "not a url")]
    [InlineData("--gateway", "ftp://127.0.0.1")]
    public void Parse_BadValue_FailsNamingTheOption(string name, string value)
    {
        var result = Parse("--api-key", "k", name, value);

        Assert.Null(result.Options);
        Assert.Contains(name, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OptionWithoutValue_Fails()
    {
        var result = Parse("--api-key", "k", "--rate");

        Assert.Equal("--rate needs a value", result.Error);
    }

    [Fact]
    public void Parse_UnknownOption_Fails()
    {
        var result = Parse("--api-key", "k", "--turbo", "1");

        Assert.Contains("--turbo", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownCommand_Fails()
    {
        var result = Parse("explode", "--api-key", "k");

        Assert.Contains("explode", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DecimalsUseInvariantCulture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            var options = Assert.IsType<SimulatorOptions>(Parse("--api-key", "k", "--conversion-rate", "0.25").Options);
            Assert.Equal(0.25, options.ConversionRate);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void AppHostLaunchArguments_AreIgnored_TheSimulatorsOwnAreRead()
    {
        // As the AppHost starts it: the project path and configuration appended by Aspire's launcher, then its own options.
        var result = Parse("/work/tools/PartnerMesh.StorefrontSimulator/PartnerMesh.StorefrontSimulator.csproj", "--configuration", "Debug",
            "--gateway", "http://localhost:8080", "--rate", "4", "--api-key", "k");

        var options = Assert.IsType<SimulatorOptions>(result.Options);
        Assert.Equal(new Uri("http://localhost:8080"), options.Gateway);
        Assert.Equal(4, options.ClicksPerSecond);
    }
}
