namespace PartnerMesh.StorefrontSimulator.Cli;

public enum SimulatorCommand
{
    /// <summary>Drive storefront traffic (clicks, orders, replays) until the duration ends or Ctrl+C.</summary>
    Run,

    /// <summary>Measure order → KPI visibility (and click → click visible) latency, then print a markdown table.</summary>
    Measure,
}
