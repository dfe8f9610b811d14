using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace PartnerMesh.Contracts.Tests;

/// <summary>
/// Guards the wire shape of every integration event: its JSON (System.Text.Json web defaults, as the outbox writes it)
/// must equal the approved snapshot in <c>Snapshots/</c>. A missing or differing snapshot fails and leaves a
/// <c>*.received.json</c> beside it; approving a change means renaming that file over the approved one in the same PR.
/// </summary>
public sealed class EventSnapshotTests
{
    private static readonly JsonSerializerOptions OutboxJson = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly string SnapshotDirectory = typeof(EventSnapshotTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == "SnapshotDirectory").Value!;

    public static TheoryData<string> Urns => new(IntegrationEventTypes.All.Select(IntegrationEventTypes.UrnOf).Order(StringComparer.Ordinal));

    [Fact]
    public void EveryEventType_HasSample()
    {
        var missing = IntegrationEventTypes.All.Where(type => !EventSamples.All.ContainsKey(type)).Select(type => type.FullName);
        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Urns))]
    public void Sample_SetsEveryProperty(string urn)
    {
        var sample = SampleFor(urn);
        var unset = sample.GetType().GetProperties()
            .Where(property => property.GetValue(sample) is null || Equals(property.GetValue(sample), Guid.Empty))
            .Select(property => property.Name);
        Assert.Empty(unset);
    }

    [Theory]
    [MemberData(nameof(Urns))]
    public async Task Serialize_Sample_MatchesApprovedSnapshot(string urn)
    {
        var approvedPath = Path.Combine(SnapshotDirectory, FileNameFor(urn) + ".json");
        var receivedPath = Path.Combine(SnapshotDirectory, FileNameFor(urn) + ".received.json");
        var sample = SampleFor(urn);
        var received = ToSnapshotText(JsonSerializer.Serialize(sample, sample.GetType(), OutboxJson));

        var approved = File.Exists(approvedPath) ? Normalize(await File.ReadAllTextAsync(approvedPath, TestContext.Current.CancellationToken)) : null;
        if (approved != received)
        {
            await File.WriteAllTextAsync(receivedPath, received, TestContext.Current.CancellationToken);
            Assert.Fail(approved is null
                ? $"No approved snapshot for {urn}. Review {receivedPath} and rename it to {Path.GetFileName(approvedPath)}."
                : $"The JSON of {urn} changed: compare {receivedPath} with {approvedPath}. Within a version only optional properties may be added; anything else needs a new event type with the next version.");
        }

        File.Delete(receivedPath);
    }

    [Theory]
    [MemberData(nameof(Urns))]
    public async Task ApprovedSnapshot_DeserializesToSample(string urn)
    {
        var approvedPath = Path.Combine(SnapshotDirectory, FileNameFor(urn) + ".json");
        Assert.True(File.Exists(approvedPath), $"No approved snapshot for {urn}.");
        var sample = SampleFor(urn);

        // Messages already in queues and outboxes look like the approved snapshot: today's type must still read them.
        var read = JsonSerializer.Deserialize(await File.ReadAllTextAsync(approvedPath, TestContext.Current.CancellationToken), sample.GetType(), OutboxJson);

        Assert.Equal(JsonSerializer.Serialize(sample, sample.GetType(), OutboxJson), JsonSerializer.Serialize(read, sample.GetType(), OutboxJson));
    }

    [Fact]
    public void ApprovedSnapshots_AllBelongToKnownEvents()
    {
        var known = IntegrationEventTypes.All.Select(type => FileNameFor(IntegrationEventTypes.UrnOf(type)) + ".json").ToHashSet(StringComparer.Ordinal);
        var orphans = Directory.EnumerateFiles(SnapshotDirectory, "*.json")
            .Select(Path.GetFileName)
            .Where(name => !name!.EndsWith(".received.json", StringComparison.Ordinal) && !known.Contains(name));
        Assert.Empty(orphans);
    }

    private static IIntegrationEvent SampleFor(string urn)
    {
        var type = IntegrationEventTypes.Resolve(urn);
        Assert.True(EventSamples.All.TryGetValue(type, out var sample), $"{type.FullName} has no sample in {nameof(EventSamples)}.");
        return sample;
    }

    /// <summary><c>urn:message:partnermesh:attribution:partner-registered:v1</c> → <c>partnermesh.attribution.partner-registered.v1</c>.</summary>
    private static string FileNameFor(string urn)
    {
        const string DefaultPrefix = "urn:message:";
        return (urn.StartsWith(DefaultPrefix, StringComparison.Ordinal) ? urn[DefaultPrefix.Length..] : urn).Replace(':', '.');
    }

    private static string ToSnapshotText(string json) => Normalize(JsonNode.Parse(json)!.ToJsonString(Indented));

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd() + "\n";
}
