namespace PartnerMesh.Surveys.Api.Common;

/// <summary>Collects validation messages per field, the shape <c>TypedResults.ValidationProblem</c> takes.</summary>
public sealed class Errors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public Dictionary<string, string[]>? ToDictionary() =>
        _errors.Count == 0 ? null : _errors.ToDictionary(entry => entry.Key, entry => entry.Value.ToArray(), StringComparer.Ordinal);
}
