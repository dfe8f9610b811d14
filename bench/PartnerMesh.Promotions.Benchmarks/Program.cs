using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using PartnerMesh.Promotions.Benchmarks;

// In process (no generated project to build, which the repo's artifacts layout would confuse), a short job by default so a
// run takes a few minutes on a 2-core machine; `--job default` for the full statistics. Results land in --artifacts.
var job = args.Contains("--job") ? Job.Default : Job.ShortRun;
var config = ManualConfig.CreateMinimumViable()
    .AddJob(job.WithToolchain(InProcessEmitToolchain.Instance))
    .AddColumn(StatisticColumn.Median, StatisticColumn.P95)
    .AddExporter(MarkdownExporter.GitHub)
    .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(20))
    .WithOptions(ConfigOptions.JoinSummary);

BenchmarkSwitcher.FromTypes([typeof(EvaluatorBenchmarks), typeof(ExperimentBenchmarks), typeof(AuditBenchmarks), typeof(ProductPageBenchmarks), typeof(QuoteBenchmarks)]).Run(args, config);
