using PartnerMesh.ServiceDefaults.WebApi;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerMesh.Surveys.Api.Common;
using PartnerMesh.Surveys.Api.Definitions;
using PartnerMesh.Surveys.Api.Infrastructure;
using PartnerMesh.Surveys.Api.Responses;

namespace PartnerMesh.Surveys.Api.Insights;

/// <summary>
/// Filters shared by admin insights, search and export. Times are whole UTC days, <see cref="To"/> inclusive. The campaign
/// and the touchpoint match in any case and padded, as analytics' KPI filters do: both are stored trimmed and lower-cased.
/// </summary>
public sealed record InsightsFilter(
    Guid? SurveyId, DateOnly? From, DateOnly? To, Guid? PartnerId, string? CampaignId, string? Segment, string? Touchpoint)
{
    public string? CampaignId { get; } = DimensionValues.Normalize(CampaignId);

    public string? Touchpoint { get; } = DimensionValues.Normalize(Touchpoint);
}

/// <summary>What an insights report is computed from: complete, or the newest <see cref="SurveysOptions.InsightsMaxRows"/> of each.</summary>
public sealed record InsightsData(IReadOnlyList<ResponseRow> Responses, IReadOnlyList<ShowingRow> Showings, bool Complete);

public sealed class InsightsService(SurveysDbContext db, IOptions<SurveysOptions> options)
{
    private int MaxRows => options.Value.InsightsMaxRows;

    /// <summary>Newest first (ids are time-ordered), one row over the limit to learn whether there were more.</summary>
    public Task<InsightsData> LoadAsync(InsightsFilter filter, CancellationToken cancellationToken) =>
        LoadAsync(Responses(filter), Showings(filter), cancellationToken);

    /// <summary>Every survey's responses and showings of <paramref name="partner"/> in [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public Task<InsightsData> LoadPartnerAsync(Guid partner, DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken) =>
        LoadAsync(
            db.Responses.AsNoTracking().Where(row => row.PartnerId == partner && row.SubmittedAt >= start && row.SubmittedAt < end),
            db.Impressions.AsNoTracking().Where(row => row.PartnerId == partner && row.ShownAt >= start && row.ShownAt < end),
            cancellationToken);

    private async Task<InsightsData> LoadAsync(IQueryable<Submission> responseQuery, IQueryable<Impression> showingQuery, CancellationToken cancellationToken)
    {
        var responses = await responseQuery.OrderByDescending(row => row.Id)
            .Select(row => new ResponseRow(row.SurveyId, row.SubmittedAt, row.PartnerId, row.CampaignId, row.Touchpoint, row.Segments,
                row.NpsScore, row.CsatScore, row.ReasonCodes, row.ImpressionId != null))
            .Take(MaxRows + 1).ToListAsync(cancellationToken);
        var showings = await showingQuery.OrderByDescending(row => row.Id)
            .Select(row => new ShowingRow(row.SurveyId, row.ShownAt, row.PartnerId, row.CampaignId, row.Touchpoint, row.Segments))
            .Take(MaxRows + 1).ToListAsync(cancellationToken);
        var complete = responses.Count <= MaxRows && showings.Count <= MaxRows;
        return new InsightsData(responses[..Math.Min(responses.Count, MaxRows)], showings[..Math.Min(showings.Count, MaxRows)], complete);
    }

    public async Task<IReadOnlyList<PartnerSurvey>> SurveysAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken) =>
        ids.Count == 0
            ? []
            : await db.Surveys.AsNoTracking().Where(survey => ids.Contains(survey.Id)).OrderBy(survey => survey.Name).ThenBy(survey => survey.Id)
                .Select(survey => new PartnerSurvey(survey.Id, survey.Name, survey.Kind)).ToListAsync(cancellationToken);

    /// <summary>Responses newest first; <paramref name="text"/> searches free text (case-insensitive, literal).</summary>
    public async Task<PageResponse<ResponseView>> SearchAsync(InsightsFilter filter, string? text, int limit, Guid? before, CancellationToken cancellationToken)
    {
        var query = Responses(filter);
        if (!string.IsNullOrWhiteSpace(text))
        {
            var pattern = "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
            query = query.Where(row => EF.Functions.ILike(row.FreeText, pattern, "\\"));
        }

        var rows = await query.Where(row => before == null || row.Id < before).OrderByDescending(row => row.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return Paging.ToPage(InsightsEndpoints.ResponsesList, rows, limit, row => row.Id, ResponseView.From);
    }

    /// <summary>
    /// CSV (RFC 4180) of every filtered response, oldest first, streamed as it is read (no row limit, no whole file in
    /// memory); cells that a spreadsheet would run as a formula are prefixed with a quote. After the context columns, one
    /// column per question of the exported survey versions (<see cref="AnswerColumnsAsync"/>), so no answer is merged
    /// into another's cell.
    /// </summary>
    public async Task WriteCsvAsync(InsightsFilter filter, Stream output, CancellationToken cancellationToken)
    {
        var columns = await AnswerColumnsAsync(filter, cancellationToken);
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true);
        var csv = new StringBuilder("response_id,survey_id,survey_version,impression_id,submitted_at,visitor_id,customer_id,order_id,partner_id,"
            + "campaign_id,traffic_source,touchpoint,segments,nps,csat,reason_codes");
        foreach (var column in columns)
        {
            csv.Append(',').Append(Cell(column.Name));
        }

        await writer.WriteAsync(csv.Append("\r\n"), cancellationToken);
        await foreach (var row in Responses(filter).OrderBy(row => row.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var answers = Json.Read<List<Answer>>(row.Answers).ToDictionary(answer => answer.QuestionId!, StringComparer.Ordinal);
            string?[] cells =
            [
                row.Id.ToString(), row.SurveyId.ToString(), row.SurveyVersion.ToString(CultureInfo.InvariantCulture), row.ImpressionId?.ToString(),
                row.SubmittedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), row.VisitorId, row.CustomerId, row.OrderId,
                row.PartnerId?.ToString(), row.CampaignId, row.TrafficSource, row.Touchpoint, string.Join(AnswerColumn.Separator, row.Segments),
                row.NpsScore?.ToString(CultureInfo.InvariantCulture), row.CsatScore?.ToString(CultureInfo.InvariantCulture),
                string.Join(AnswerColumn.Separator, row.ReasonCodes),
            ];
            csv.Clear().AppendJoin(',', cells.Concat(columns.Select(column => column.Value(answers))).Select(Cell)).Append("\r\n");
            await writer.WriteAsync(csv, cancellationToken);
        }
    }

    /// <summary>
    /// The answer columns of an export: every question of the survey versions its responses answer — surveys oldest first,
    /// versions in order, questions in order — once per question id, and an "other" column beside a choice question that
    /// allows "other" in any of them.
    /// </summary>
    private async Task<IReadOnlyList<AnswerColumn>> AnswerColumnsAsync(InsightsFilter filter, CancellationToken cancellationToken)
    {
        var answered = (await Responses(filter).Select(row => new { row.SurveyId, row.SurveyVersion }).Distinct().ToListAsync(cancellationToken))
            .Select(pair => (pair.SurveyId, pair.SurveyVersion)).ToHashSet();
        var surveys = answered.Select(pair => pair.SurveyId).Distinct().ToList();
        var versions = await db.SurveyVersions.AsNoTracking().Where(version => surveys.Contains(version.SurveyId)).ToListAsync(cancellationToken);
        var columns = new List<AnswerColumn>();
        foreach (var version in versions.Where(version => answered.Contains((version.SurveyId, version.Version)))
                     .OrderBy(version => version.SurveyId).ThenBy(version => version.Version))
        {
            foreach (var question in Json.Read<List<Question>>(version.Questions))
            {
                var index = columns.FindIndex(column => column.QuestionId == question.Id);
                if (index < 0)
                {
                    columns.Add(new AnswerColumn(question.Id, Other: false));
                    index = columns.Count - 1;
                }

                if (question.AllowOther && !columns.Contains(new AnswerColumn(question.Id, Other: true)))
                {
                    columns.Insert(index + 1, new AnswerColumn(question.Id, Other: true));
                }
            }
        }

        return columns;
    }

    /// <summary>
    /// One question's column (<c>answer.{id}</c>: the score, the text, the choice, or the choices joined by
    /// <see cref="Separator"/>) or its "other" text's (<c>answer.{id}.other</c>).
    /// </summary>
    private sealed record AnswerColumn(string QuestionId, bool Other)
    {
        /// <summary>Joins the picks of a multiple-choice answer (option codes are slugs: never a ';' inside), as segments and reason codes.</summary>
        public const char Separator = ';';

        public string Name => Other ? $"answer.{QuestionId}.other" : $"answer.{QuestionId}";

        public string? Value(Dictionary<string, Answer> answers) =>
            !answers.TryGetValue(QuestionId, out var answer) ? null
            : Other ? answer.OtherText
            : answer.Score?.ToString(CultureInfo.InvariantCulture) ?? answer.Text ?? answer.Choice
                ?? (answer.Choices is { } choices ? string.Join(Separator, choices) : null);
    }

    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private IQueryable<Submission> Responses(InsightsFilter filter)
    {
        var query = db.Responses.AsNoTracking();
        if (filter.SurveyId is { } survey)
        {
            query = query.Where(row => row.SurveyId == survey);
        }

        if (Start(filter.From) is { } from)
        {
            query = query.Where(row => row.SubmittedAt >= from);
        }

        if (End(filter.To) is { } to)
        {
            query = query.Where(row => row.SubmittedAt < to);
        }

        if (filter.PartnerId is { } partner)
        {
            query = query.Where(row => row.PartnerId == partner);
        }

        if (filter.CampaignId is { } campaign)
        {
            query = query.Where(row => row.CampaignId == campaign);
        }

        if (filter.Segment is { } segment)
        {
            query = query.Where(row => row.Segments.Contains(segment));
        }

        if (filter.Touchpoint is { } touchpoint)
        {
            query = query.Where(row => row.Touchpoint == touchpoint);
        }

        return query;
    }

    private IQueryable<Impression> Showings(InsightsFilter filter)
    {
        var query = db.Impressions.AsNoTracking();
        if (filter.SurveyId is { } survey)
        {
            query = query.Where(row => row.SurveyId == survey);
        }

        if (Start(filter.From) is { } from)
        {
            query = query.Where(row => row.ShownAt >= from);
        }

        if (End(filter.To) is { } to)
        {
            query = query.Where(row => row.ShownAt < to);
        }

        if (filter.PartnerId is { } partner)
        {
            query = query.Where(row => row.PartnerId == partner);
        }

        if (filter.CampaignId is { } campaign)
        {
            query = query.Where(row => row.CampaignId == campaign);
        }

        if (filter.Segment is { } segment)
        {
            query = query.Where(row => row.Segments.Contains(segment));
        }

        if (filter.Touchpoint is { } touchpoint)
        {
            query = query.Where(row => row.Touchpoint == touchpoint);
        }

        return query;
    }

    private static DateTimeOffset? Start(DateOnly? day) => day is { } value ? new DateTimeOffset(value.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;

    private static DateTimeOffset? End(DateOnly? day) => day is { } value ? new DateTimeOffset(value.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
}
