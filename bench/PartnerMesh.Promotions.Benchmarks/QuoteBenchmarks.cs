using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using PartnerMesh.Promotions.Api;
using PartnerMesh.Promotions.Api.Evaluations;
using PartnerMesh.Promotions.Domain.Evaluation;

namespace PartnerMesh.Promotions.Benchmarks;

/// <summary>
/// What every evaluation adds to the evaluator's answer before it leaves the service: the cart's fingerprint and the
/// quote's signature, for the evaluator benchmark's 10-line cart. Both hash a canonical text as it is written; the
/// allocations column is the figure to watch (a gen-0 collection pauses the whole service).
/// </summary>
[MemoryDiagnoser]
public class QuoteBenchmarks
{
    private readonly EvaluatorBenchmarks _source = new() { Promotions = 10, Mix = "scaled" };
    private readonly QuoteSigner _signer = new(Options.Create(new PromotionsOptions { QuoteSigningKey = Convert.ToBase64String(new byte[32]) }));
    private Quote _quote = null!;

    [GlobalSetup]
    public void Setup()
    {
        _source.Setup();
        var result = PromotionEvaluator.Evaluate(_source.Rules, _source.BenchCart, _source.BenchContext);
        _quote = new Quote
        {
            Id = Guid.NewGuid(),
            IssuedAt = DateTimeOffset.UnixEpoch,
            ExpiresAt = DateTimeOffset.UnixEpoch.AddMinutes(15),
            RuleSetVersion = result.RuleSetVersion,
            Currency = result.Currency,
            CartHash = CartFingerprint.Of(_source.BenchCart, _source.BenchContext),
            DiscountTotal = result.Totals.DiscountTotal,
            GrandTotal = result.Totals.GrandTotal,
            Promotions = [.. result.Applied.Select(applied => new QuotedPromotion(applied.PromotionId, applied.Version, applied.Amount, applied.Code))],
        };
    }

    [Benchmark]
    public string Fingerprint() => CartFingerprint.Of(_source.BenchCart, _source.BenchContext);

    [Benchmark]
    public Quote Sign() => _signer.Sign(_quote);
}
